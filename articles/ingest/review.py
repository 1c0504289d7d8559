"""Why an editor should look at how the parser split an article.

Pure Python, no Django: the importer marks articles with these reasons, the
admin filters on them, and "mark reviewed" clears them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from articles.ingest.parsing import Article
from articles.ingest.reasons import ParseWarning, Reason, Warn, reason
from articles.lib.text import SENTENCE_END

LONG = 8_000  # characters of text: two articles glued together?
SHORT = 150  # an article cut off, or a caption taken for one?
UNSECTIONED = 3_000  # this long without a single heading: headings missed?
# A title or subtitle ending in one of these was most likely cut in the middle.
_DANGLING = re.compile(
    r"(?:[的和与及或在将对把被从向、，,:：;；(（「《“]|\b(?:and|or|of|the|to|with|for|a|an))$"
)
# A short paragraph with no sentence end, among long ones: a heading missed?
_SENTENCE_END = re.compile(f"[{re.escape(SENTENCE_END)}]$")


def reasons(article: Article, warnings: Sequence[ParseWarning] = ()) -> list[dict]:
    """Why to look at this article, as stored (see articles.ingest.reasons).

    >>> from articles.ingest.parsing import Article, Section
    >>> reasons(Article("智谱开源的", "", [Section("一、背景", ["正文。" * 60])], [], 0, 0))
    [{'code': 'title_cut'}, {'code': 'no_lead'}]
    """
    found = [reason(code) for code in article.review]  # the parser's own
    paragraphs = [p for s in article.sections for p in s.paragraphs]
    size = sum(len(p) for p in paragraphs)
    if size > LONG:
        found.append(reason(Reason.VERY_LONG, n=size))
    elif size < SHORT:
        found.append(reason(Reason.VERY_SHORT, n=size))
    if _DANGLING.search(article.title.strip()) or len(article.title) > 80:
        found.append(reason(Reason.TITLE_CUT))
    if article.subtitle and (
        _DANGLING.search(article.subtitle.strip()) or article.subtitle.endswith("…")
    ):
        found.append(reason(Reason.SUBTITLE_CUT))
    if not article.sections or article.sections[0].heading:
        found.append(reason(Reason.NO_LEAD))
    if size > UNSECTIONED and sum(1 for s in article.sections if s.heading) == 0:
        found.append(reason(Reason.UNSECTIONED))
    if _heading_like(paragraphs):
        found.append(reason(Reason.HEADING_LIKE))
    found += [
        reason(Reason.PARSER_WARNING, warning=str(w), parser=w.stored())
        for w in warnings
        if w.code != Warn.NO_BOM
    ]
    return found


def _heading_like(paragraphs: list[str]) -> bool:
    long = [p for p in paragraphs if len(p) >= 60]
    if len(long) < 2:
        return False
    return any(
        4 <= len(p) <= 20 and not _SENTENCE_END.search(p) and not p.startswith("http")
        for p in paragraphs
    )
