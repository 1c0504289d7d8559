"""Plain text: an article with ordinary line breaks and no markers (a title
line, maybe a date or a byline, paragraphs), and the last resort for text
with no structure at all, which still becomes one article for an editor to
split.
"""

from __future__ import annotations

import re

from .common import (
    NO_STRUCTURE,
    ORIGIN,
    SENTENCE_END,
    Article,
    ParseWarning,
    Split,
    body_article,
    chrome_line,
    clean,
    is_heading_like,
    leading_chrome_end,
    letters,
    published_in,
    readable,
    segments,
    trim_url,
)

_TITLE_MAX = 60  # letters in a title line
_BYLINE = re.compile(r"^\s*(?:作者|文|撰文|编辑|责编|记者)\s*[｜|:：]\s*\S")
_DATE_LINE = re.compile(
    r"^\s*(?:(?:发布时间|发表时间|发布日期|时间|日期)\s*[:：]?\s*)?"
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*$"
)
_BLANK_LINES = re.compile(r"\n[ \t\u3000]*\n\s*")
_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]")
# "原文链接：https://…" on a line of its own: where the article came from.
_ORIGIN_LINE = re.compile(rf"^[ \t\u3000]*{ORIGIN.pattern}[ \t\u3000]*$", re.MULTILINE)


def detect(text: str) -> int:
    return 1  # any text may be plain text; it is what is left when nothing else fits


def parse(text: str, warnings: list[ParseWarning]) -> Split:
    """A title line, then the body: nothing when the first line is prose."""
    start, end = _content_span(text)
    end, origin = _origin_at_end(text, start, end)
    body = readable(text[start:end])
    first, _, rest = body.partition("\n")
    title = clean(first)
    if not rest.strip() or not _is_title_line(title):
        return Split([])
    byline, published_on = "", None
    lines = rest.lstrip("\n").split("\n")
    while lines and (
        _DATE_LINE.match(chrome_line(lines[0])) or _BYLINE.match(chrome_line(lines[0]))
    ):
        line = clean(lines.pop(0))
        if _BYLINE.match(chrome_line(line)):
            byline = line
        else:
            published_on = published_in(f"日期 {line}", warnings)
    article = body_article(
        title, "", _paragraph_breaks("\n".join(lines)), start, end, byline=byline
    )
    return Split([article] if article else [], origin_url=origin, published_on=published_on)


def unstructured(text: str, warnings: list[ParseWarning]) -> Split:
    """The whole text as one article needing review, titled by the best
    candidate: a heading-like first line, else its first sentence, cut.
    A mirror's breadcrumb on top is left out."""
    start, end = _content_span(text)
    end, origin = _origin_at_end(text, start, end)
    start = max(start, min(_skip_blank(text, leading_chrome_end(text)), end))
    body = readable(text[start:end]).strip()
    first = clean(body.split("\n", 1)[0])
    if is_heading_like(first) and "\n" in body:
        title, body = first, body.split("\n", 1)[1]
    else:
        title = first_sentence(body)
    article = body_article(title, "", body, start, end, review=[NO_STRUCTURE])
    if article is None:  # only punctuation or symbols: keep them as they are
        article = Article(title, "", [], [], start, end, review=[NO_STRUCTURE])
    return Split([article], origin_url=origin)


def first_sentence(text: str, limit: int = 30) -> str:
    """A title from running text: its first sentence, cut at a natural
    boundary (a comma, a space) before ``limit`` characters.

    >>> first_sentence("前面通过微服务基础入门我们大致了解的微服务的拆分。并且发现了问题。")
    '前面通过微服务基础入门我们大致了解的微服务的拆分'
    >>> first_sentence("OpenAI released a new model today, and it is faster than ever before")
    'OpenAI released a new model…'
    """
    first = segments(text)[0] if text.strip() else ""
    match = _SENTENCE.match(first)
    sentence = clean(match.group(0) if match else first).rstrip("。！？!?")
    if len(sentence) <= limit:
        return sentence or clean(text)[:limit]
    cut = max(sentence.rfind(mark, 0, limit) for mark in "，,、；; ")
    if cut >= limit // 2:
        return sentence[:cut].rstrip() + "…"
    return sentence[:limit] + "…"


def _is_title_line(line: str) -> bool:
    """Short, and not ending a sentence (a question or an exclamation may)."""
    return 0 < len(letters(line)) <= _TITLE_MAX and line[-1] not in "。；;.…，,："


def _paragraph_breaks(body: str) -> str:
    """Paragraphs split at blank lines; a text hard-wrapped inside them is
    joined again. Without blank lines, every line is a paragraph."""
    blocks = _BLANK_LINES.split(body.strip())
    if len(blocks) == 1:
        return body
    return "\n".join(_join_wrapped(block) for block in blocks)


def _join_wrapped(block: str) -> str:
    """Lines broken at a width (long, mid-sentence) are one line again; a
    short line (a heading) or one ending a sentence keeps its break."""
    lines = [line.strip() for line in block.split("\n") if line.strip()]
    width = max((len(line) for line in lines), default=0)
    out = lines[:1]
    for line in lines[1:]:
        previous = out[-1]
        if previous[-1] in SENTENCE_END or len(previous) < 0.6 * width or width < 30:
            out.append(line)
            continue
        glue = " " if previous[-1].isascii() and line[0].isascii() else ""
        out[-1] = f"{previous}{glue}{line}"
    return "\n".join(out)


def _skip_blank(text: str, pos: int) -> int:
    return pos + len(text[pos:]) - len(text[pos:].lstrip())


def _origin_at_end(text: str, start: int, end: int) -> tuple[int, str | None]:
    """The article's end before a last line naming its origin, and that
    origin (the line is the file's note, not the article's text)."""
    found = next(reversed(list(_ORIGIN_LINE.finditer(text, start, end))), None)
    if found is None or text[found.end() : end].strip() or not text[start : found.start()].strip():
        return end, None
    return len(text[: found.start()].rstrip()), trim_url(found.group(1))


def _content_span(text: str) -> tuple[int, int]:
    stripped = text.lstrip()
    start = len(text) - len(stripped)
    return start, start + len(stripped.rstrip())
