"""The mirror page holding a whole digest (the example's shape).

The mirror wraps the digest in chrome: a breadcrumb line, an SEO title, a
keyword line glued to an origin marker (``我自己的原文哦~ https://…``), a
truncated meta-description copy of the first article, the page URL and a
``相关文章:`` list. All of it stays in the raw text but outside every
article's span. Articles start at ``#Title``. Line breaks were collapsed into
spaces and most fullwidth punctuation stripped, so paragraph, title and
heading boundaries are recovered from the spaces that are left (see
``common.STRONG_BREAK``). HTML entities arrive broken (``#xff0c;``) or whole
(``&amp;``); ``#xx`` placeholders mark empty slots.
"""

from __future__ import annotations

import functools
import re

from .common import (
    BROKEN_HEX_ENTITY,
    ORIGIN,
    PLACEHOLDER,
    SENTENCE_END,
    Article,
    ParseWarning,
    Split,
    Warn,
    body_article,
    cut_headline_piece,
    ends_with_url,
    headline,
    leading_chrome_end,
    norm,
    published_in,
    readable,
    trailing_chrome,
    trim_url,
)

_LOOK_BACK = 2_100


def detect(text: str) -> int:
    """How many '#Title' markers start articles."""
    return len(_all_starts(text))


@functools.lru_cache(maxsize=2)
def _all_starts(text: str) -> tuple[int, ...]:
    """Every '#Title' of the text: detect's work, kept for parse."""
    return tuple(_article_starts(text, 0, len(text)))


def parse(text: str, warnings: list[ParseWarning]) -> Split:
    body_start = leading_chrome_end(text)
    body_end, page_url = trailing_chrome(text, body_start)

    starts = [s for s in _all_starts(text) if body_start <= s < body_end]
    bounds = starts + [body_end]
    candidates = [(a, _trim_end(text, a, b)) for a, b in zip(bounds, bounds[1:], strict=False)]

    articles: list[Article] = []
    first_kept = body_end
    for index, (a, b) in enumerate(candidates):
        if index + 1 < len(candidates) and _is_description_copy(
            text[a:b], text[candidates[index + 1][0] : candidates[index + 1][1]]
        ):
            continue
        article = _parse_article(text[a:b], a, b, warnings)
        if article:
            articles.append(article)
            first_kept = min(first_kept, a)

    chrome = text[:first_kept]
    origin = ORIGIN.search(chrome)
    return Split(
        articles,
        origin_url=trim_url(origin.group(1)) if origin else None,
        page_url=page_url,
        published_on=published_in(chrome, warnings) or published_in(text[body_end:], warnings),
    )


def _parse_article(raw: str, start: int, end: int, warnings: list[ParseWarning]) -> Article | None:
    title, subtitle, rest = headline(readable(raw)[1:])
    if not norm(title):
        return None
    article = body_article(title, subtitle, rest, start, end)
    if article is None:
        warnings.append(ParseWarning(Warn.EMPTY_ARTICLE, {"title": title}))
    return article


_HEADING_MARK = re.compile(r"(?<!\S)#(?=[^\s#])")


def _article_starts(text: str, begin: int, end: int) -> list[int]:
    """Offsets of the '#' of every '#Title' between begin and end.

    A '#' starts an article only at the start of a line or after the end of a
    sentence, a URL or a placeholder, so ``C#``, ``issue #42`` and ``排名 #1``
    stay text.
    """
    starts = []
    for match in _HEADING_MARK.finditer(text, begin, end):
        pos = match.start()
        if PLACEHOLDER.match(text, pos) or BROKEN_HEX_ENTITY.match(text, pos):
            continue
        # What comes before: the last token is enough (URLs are the longest).
        before = text[max(begin, pos - _LOOK_BACK) : pos].rstrip(" \t\u00a0")
        if before and before[-1] not in "\r\n":
            last_token = before.rsplit(None, 1)[-1]
            if not (
                before[-1] in SENTENCE_END
                or ends_with_url(last_token)
                or last_token == "#xx"
                or last_token.endswith("…")
            ):
                continue
        title = cut_headline_piece(_first_line(text, pos + 1, end))[0]
        if title.isdigit():
            continue  # '#1', '#42'
        starts.append(pos)
    return starts


def _first_line(text: str, pos: int, end: int) -> str:
    stop = min(x for x in (text.find("\n", pos, end), text.find("\r", pos, end), end) if x >= 0)
    return text[pos : min(stop, pos + 200)]


def _trim_end(text: str, a: int, b: int) -> int:
    """Pull an article's end back over placeholders, origin markers and blanks."""
    chunk = text[a:b].rstrip()
    while chunk.endswith("#xx") and (len(chunk) == 3 or chunk[-4].isspace()):
        chunk = chunk[:-3].rstrip()
    return a + len(chunk)


def _is_description_copy(candidate: str, following: str) -> bool:
    """The meta description: a truncated copy of the next article, ending in '…'."""
    candidate = ORIGIN.sub("", candidate).rstrip()
    if not candidate.endswith("…"):
        return False
    head = norm(candidate)
    return len(head) >= 10 and norm(following[: 2 * len(candidate)]).startswith(head)
