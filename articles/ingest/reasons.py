"""Why an editor should look at an article, and what the parser noticed in
a file: a code and its parameters, stored as they are (``{"code":
"very_long", "n": 12000}``) and put into the editor's words when shown
(``editorial.admin.describe_reason``, ``describe_warning``). Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    PARSER_WARNING = "parser_warning"  # warning: in English; parser: the stored ParseWarning


def reason(code: Reason, **params: object) -> dict:
    """A reason as it is stored.

    >>> reason(Reason.VERY_SHORT, n=120)
    {'code': 'very_short', 'n': 120}
    """
    return {"code": code.value, **params}


class Warn(StrEnum):
    NUL_REPLACED = "nul_replaced"  # n
    NO_BOM = "no_bom"  # codec: a UTF-16 file read without its byte-order mark
    INVALID_BYTES = "invalid_bytes"  # n, codec
    IMPOSSIBLE_DATE = "impossible_date"  # date: as the file wrote it
    EMPTY_ARTICLE = "empty_article"  # title: an article with no text, dropped


# The words of the logs and of ``import_articles --dry-run --json``.
_ENGLISH = {
    Warn.NUL_REPLACED: "{n} NUL character(s) replaced",
    Warn.NO_BOM: "no byte-order mark; read as {codec}",
    Warn.INVALID_BYTES: "{n} invalid byte sequence(s) in {codec} replaced with U+FFFD",
    Warn.IMPOSSIBLE_DATE: "ignored impossible publication date {date!r}",
    Warn.EMPTY_ARTICLE: "article {title!r} has no text and was dropped",
}


@dataclass(frozen=True)
class ParseWarning:
    """Something the parser noticed in a file and worked around.

    >>> w = ParseWarning(Warn.INVALID_BYTES, {"n": 3, "codec": "utf-8"})
    >>> str(w), w.stored()
    ('3 invalid byte sequence(s) in utf-8 replaced with U+FFFD', \
{'code': 'invalid_bytes', 'n': 3, 'codec': 'utf-8'})
    """

    code: Warn
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return _ENGLISH[self.code].format(**self.params)

    def stored(self) -> dict:
        return {"code": self.code.value, **self.params}
