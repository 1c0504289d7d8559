"""Why an editor should look at an article: a code and its parameters,
stored as they are (``{"code": "very_long", "n": 12000}``) and put into the
editor's words when shown (``editorial.admin.describe_reason``). Pure Python.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    NO_STRUCTURE = "no_structure"  # the parser found no structure: one article of it all
    TITLE_FROM_TEXT = "title_from_text"  # no title line: the first sentence stands in
    VERY_LONG = "very_long"  # n: characters (two articles glued together?)
    VERY_SHORT = "very_short"  # n: characters (cut off, or a caption?)
    TITLE_CUT = "title_cut"
    SUBTITLE_CUT = "subtitle_cut"
    NO_LEAD = "no_lead"
    UNSECTIONED = "unsectioned"  # long, and not one heading found
    HEADING_LIKE = "heading_like"  # a short paragraph among long ones
    PARSER_WARNING = "parser_warning"  # warning: the parser's own words


def reason(code: Reason, **params: object) -> dict:
    """A reason as it is stored.

    >>> reason(Reason.VERY_SHORT, n=120)
    {'code': 'very_short', 'n': 120}
    """
    return {"code": code.value, **params}
