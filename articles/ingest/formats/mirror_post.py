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
    HEADING_WORDS,
    ORIGIN,
    PUBLISHED,
    RELATED_HEADER,
    SENTENCE_END,
    TITLE_FROM_TEXT,
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
_FULLWIDTH_COMMA = re.compile(r"(?<=[\u4e00-\u9fff]),(?=[\u4e00-\u9fff])")
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


def parse(text: str, warnings: list[str]) -> Split:
    lines = lines_of(text)
    crumb = next(
        (
            i
            for i, (_, line) in enumerate(lines[:_HEAD_LINES])
            if BREADCRUMB.match(chrome_line(line))
        ),
        None,
    )
    title = byline = ""
    header = ""
    after = 0
    if crumb is not None:
        title, byline = _header(lines[:crumb])
        header = "\n".join(line for _, line in lines[:crumb])
        after = crumb + 1
    start, origin_url, keywords = _post_start(text, lines, after)
    end, page_url = trailing_chrome(text, start)
    end = start + len(text[start:end].rstrip())
    if end <= start:
        return Split([])
    body = _FULLWIDTH_COMMA.sub("，", _without_spam(readable(text[start:end]), keywords))
    body = _without_contents(body)
    review = []
    if not title:
        title = first_sentence(_without_generic_heading(body))
        review.append(TITLE_FROM_TEXT)
    article = body_article(title, "", body, start, end, byline=byline, review=review)
    published_on = published_in(header, warnings) or published_in(text[:start], warnings)
    return Split(
        [article] if article else [],
        origin_url=origin_url,
        page_url=page_url,
        published_on=published_on or published_in(text[end:], warnings),
    )


def _header(lines: list[tuple[int, str]]) -> tuple[str, str]:
    """(title, byline) from the lines above the breadcrumb: the title is the
    line just above the author and time lines, unless it is spam."""
    title = byline = ""
    previous = ""
    for _, line in lines:
        plain = chrome_line(line).strip()
        if not plain:
            continue
        if author := _AUTHOR.match(plain):
            byline = clean(readable(line)).lstrip("-•*· ")
            title = title or _title_candidate(previous)
            del author
        elif _TIME.match(plain) or PUBLISHED.search(plain):
            title = title or _title_candidate(previous)
        else:
            previous = line
    return title, byline


def _title_candidate(line: str) -> str:
    line = clean(readable(line))
    if not line or _SPAM.search(line) or len(letters(line)) > 80:
        return ""
    return line


def _post_start(text: str, lines: list[tuple[int, str]], first: int) -> tuple[int, str | None, set]:
    """Where the post starts after the breadcrumb: past the SEO title, the
    keyword list and the description copy. Returns (offset, origin URL,
    the keywords)."""
    rest = [(o, line) for o, line in lines[first:] if line.strip()]
    if not rest:
        return len(text), None, set()
    index = next(
        (i for i, (_, line) in enumerate(rest[:3]) if len(_KEYWORD.findall(line[:200])) >= 2), None
    )
    if index is None:
        return rest[0][0], None, set()
    offset, line = rest[index]
    keywords = {k.rstrip(",，") for k in _KEYWORD.findall(line[:200])}
    cut = offset + line.index(",") if "," in line else offset
    origin_url = None
    if marker := ORIGIN.search(line):
        origin_url = trim_url(marker.group(1))
        cut = offset + marker.start(1) + len(origin_url)
    ellipsis = text.find("…", cut, offset + len(line))
    if ellipsis >= 0 and not _is_copy_of_what_follows(text, cut, ellipsis):
        ellipsis = -1
    if ellipsis < 0:
        # No description copy: the keyword line is chrome when short, else
        # the post starts after the last keyword.
        if len(line) < 150 or index + 1 < len(rest) and not _KEYWORD.search(line[150:]):
            following = next((o for o, _ in rest if o > offset), len(text))
            return following, origin_url, keywords
        last = max(line.rfind(","), line.rfind("，"))
        return offset + last + 1, origin_url, keywords
    return _skip_spaces(text, ellipsis + 1), origin_url, keywords


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
