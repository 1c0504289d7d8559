"""A mirror page holding one post: the digest pages' chrome, in other orders
and forms, around a single article with no ``#`` marker.

What comes around the post, and what is kept of it:

* above the breadcrumb, maybe the post's title line, ``- 作者: 某某`` and
  ``- 时间: 2026年02月18日 00:05`` lines (the byline and the date are kept)
  and an unrelated spam line;
* the breadcrumb (``当前位置: 首页 > news >正文``), a spam SEO title line (the
  first keywords run together), then the comma-separated keyword list glued
  straight onto a meta-description copy of the post's beginning, which ends
  in ``…``; the post follows, on the same line when line breaks were
  collapsed;
* at the end the page URL and a ``相关文章:`` list.

Pages run through a Simplified→Traditional converter carry pinyin glosses
(``當(dāng)前``): they go everywhere, and their chrome is read as Simplified.
"""

from __future__ import annotations

import re

from .common import (
    BREADCRUMB,
    HAN,
    HEADING_WORDS,
    ORIGIN,
    PUBLISHED,
    RELATED_HEADER,
    SENTENCE_END,
    TITLE_FROM_TEXT,
    ParseWarning,
    Split,
    body_article,
    chrome_line,
    clean,
    letters,
    lines_of,
    norm,
    published_in,
    readable,
    trailing_chrome,
    trim_url,
)
from .plain import first_sentence

_HEAD_LINES = 20  # the breadcrumb is looked for among the first lines
_AUTHOR = re.compile(r"^\s*[-•*·]?\s*(?:作者|文|来源)\s*[:：]\s*(\S.*?)\s*$")
_TIME = re.compile(r"^\s*[-•*·]?\s*(?:时间|发布时间|发表时间|日期|更新时间)\s*[:：]")
_KEYWORD = re.compile(r"[^,，\s]{2,24}[,，]")
_SPAM = re.compile(
    r"网站建设|网站制作|网站设计|网站优化|网站推广|网站排名|关键词排名|建站|seo|推广|代运营|营销型"
    r"|小程序开发|网页设计|外贸网站|域名注册|备案|模板下载|培训班|电话|联系方式|加盟|[Qq]{2}\s*[:：]?\d"
    r"|1[3-9]\d{9}",
    re.IGNORECASE,
)
# These copies turn the fullwidth comma into an ASCII one; between Chinese
# characters it was fullwidth.
_FULLWIDTH_COMMA = re.compile(rf"(?<=[{HAN}]),(?=[{HAN}])")
_TOC = re.compile(r"\s*目录\s*")
_GENERIC_HEADINGS = (*HEADING_WORDS, "目录", "摘要", "概述", "导读", "正文")


def detect(text: str) -> int:
    """The mirror's chrome: breadcrumb, keyword list, origin marker, related list."""
    head = [chrome_line(line) for _, line in lines_of(text[:6000])[:_HEAD_LINES]]
    score = 2 * any(BREADCRUMB.match(line) for line in head)
    score += any(len(_KEYWORD.findall(line[:200])) >= 2 for line in head)
    score += bool(ORIGIN.search(text[:6000]))
    score += any(RELATED_HEADER.match(chrome_line(line)) for _, line in lines_of(text)[-80:])
    return score if score >= 2 else 0


def parse(text: str, warnings: list[ParseWarning]) -> Split:
    lines = lines_of(text)
    crumb = next(
        (
            i
            for i, (_, line) in enumerate(lines[:_HEAD_LINES])
            if BREADCRUMB.match(chrome_line(line))
        ),
        None,
    )
    above = lines[:crumb] if crumb is not None else []
    rest = [(o, line) for o, line in lines[len(above) + (crumb is not None) :] if line.strip()]
    keyword_at = _keyword_line(rest)
    keywords = _keywords(rest[keyword_at][1]) if keyword_at is not None else []
    between = rest[:keyword_at] if keyword_at is not None else _header_lines(rest)
    title, byline = _header([*above, *between], keywords)
    if keyword_at is not None:
        start, origin_url = _after_keywords(text, rest, keyword_at)
    else:
        start = rest[len(between)][0] if len(between) < len(rest) else len(text)
        origin_url = None
    end, page_url = trailing_chrome(text, start)
    end = start + len(text[start:end].rstrip())
    if end <= start:
        return Split([])
    body = _FULLWIDTH_COMMA.sub("，", _without_spam(readable(text[start:end]), set(keywords)))
    body = _without_contents(body)
    review = []
    if not title:
        title = first_sentence(_without_generic_heading(body))
        review.append(TITLE_FROM_TEXT)
    article = body_article(title, "", body, start, end, byline=byline, review=review)
    header = "\n".join(line for _, line in [*above, *between])
    published_on = published_in(header, warnings) or published_in(text[:start], warnings)
    return Split(
        [article] if article else [],
        origin_url=origin_url,
        page_url=page_url,
        published_on=published_on or published_in(text[end:], warnings),
    )


def _keyword_line(rest: list[tuple[int, str]]) -> int | None:
    """Which of the first lines is the keyword list (short lines above it)."""
    for i, (_, line) in enumerate(rest[:8]):
        if len(_KEYWORD.findall(line[:200])) >= 2:
            return i
        if len(line) > 100:
            return None
    return None


def _keywords(line: str) -> list[str]:
    return [k.rstrip(",，") for k in _KEYWORD.findall(line[:200])]


def _header_lines(rest: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Without a keyword list: the author and time lines on top, and the
    lines just above them (a title, an SEO title)."""
    last = -1
    for i, (_, line) in enumerate(rest[:6]):
        plain = chrome_line(line).strip()
        if _AUTHOR.match(plain) or _TIME.match(plain):
            last = i
    return rest[: last + 1]


def _header(lines: list[tuple[int, str]], keywords: list[str]) -> tuple[str, str]:
    """(title, byline) from the lines around the breadcrumb: the title is the
    line just above the author and time lines, unless it is spam."""
    title = byline = ""
    previous = ""
    for _, line in lines:
        plain = chrome_line(line).strip()
        if not plain:
            continue
        if _AUTHOR.match(plain):
            byline = clean(readable(line)).lstrip("-•*· ")
            title = title or _title_candidate(previous, keywords)
        elif _TIME.match(plain) or PUBLISHED.search(plain):
            title = title or _title_candidate(previous, keywords)
        else:
            previous = line
    return title, byline


def _title_candidate(line: str, keywords: list[str]) -> str:
    """The line, unless it is spam: SEO words, or the first keywords run
    together (the mirror's SEO title)."""
    line = clean(readable(line))
    if not line or _SPAM.search(line) or len(letters(line)) > 80:
        return ""
    if keywords and letters(line).startswith(letters(keywords[0])):
        return ""
    return line


def _after_keywords(text: str, rest: list[tuple[int, str]], index: int) -> tuple[int, str | None]:
    """Where the post starts after the keyword line: past the origin marker
    and the description copy. Returns (offset, origin URL)."""
    offset, line = rest[index]
    cut = offset + line.index(",") if "," in line else offset
    origin_url = None
    if marker := ORIGIN.search(line):
        origin_url = trim_url(marker.group(1))
        cut = offset + marker.start(1) + len(origin_url)
    ellipsis = text.find("…", cut, offset + len(line))
    if ellipsis >= 0 and _is_copy_of_what_follows(text, cut, ellipsis):
        return _skip_spaces(text, ellipsis + 1), origin_url
    # No description copy: a short keyword line is all chrome; in a long one
    # the post starts after the last keyword.
    if len(line) < 150:
        following = next((o for o, _ in rest if o > offset), len(text))
        return following, origin_url
    last = max(line.rfind(",", 0, 200), line.rfind("，", 0, 200))
    return offset + last + 1, origin_url


def _is_copy_of_what_follows(text: str, start: int, ellipsis: int) -> bool:
    """Is what ends at this '…' a copy of the text after it? Its end, at
    least: the keywords run straight into it."""
    if ellipsis - start > 400:
        return False
    following = norm(text[ellipsis + 1 : ellipsis + 1 + 2 * (ellipsis - start) + 40])
    copy = norm(text[start:ellipsis])
    return any(following.startswith(copy[i:]) for i in range(max(0, len(copy) - 6) + 1)) or (
        len(copy) >= 6 and copy[-6:] in following
    )


def _skip_spaces(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _without_spam(body: str, keywords: set) -> str:
    """Lines that are SEO spam, where line breaks were kept."""
    kept = []
    for line in body.split("\n"):
        plain = clean(line)
        spam = (
            plain
            and len(plain) <= 40
            and plain[-1] not in SENTENCE_END
            and (
                re.search(r"1[3-9]\d{9}", plain)
                or len(_SPAM.findall(plain)) >= 2
                or sum(k in plain for k in keywords) >= 2
            )
        )
        if not spam:
            kept.append(line)
    return "\n".join(kept)


def _without_contents(body: str) -> str:
    """A table of contents at the top (``目录 前言 一、… 二、…``) goes: its
    entries come again as the post's headings."""
    match = _TOC.match(chrome_line(body[:10]))
    if not match:
        return body
    rest = body[match.end() :]
    entry = re.split(r"[\s]+", rest.strip(), maxsplit=1)[0]
    if not entry:
        return body
    again = rest.find(entry, rest.find(entry) + len(entry))
    if again < 0 or norm(rest[:again]) == "":
        return body
    return rest[again:]


def _without_generic_heading(body: str) -> str:
    text = body.lstrip()
    for word in _GENERIC_HEADINGS:
        if text.startswith(word) and len(text) > len(word) and not text[len(word)].isalnum():
            return text[len(word) :]
    return text
