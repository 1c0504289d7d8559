"""A digest written in Markdown, with real headings.

Which headings are articles: those carrying an item's marks (a link
``## [标题](https://…)``, a number ``### 4. 标题``, a tag `` `#3` ``) set the
item level; without marks, the level under which most prose stands. Above
that level: the digest's title (``# AI 早报 2026-02-22``) and categories
(``### 产品应用``), kept as each item's tag; an overview or contents list at
the top is not an article. Under a category whose text is a numbered list
of ``**名字** …`` items, each item is an article.

Inside an item: the first ``>`` quote is its subtitle; bold-only lines and
bold lead-ins (``**技术细节**：…``) are section headings; bylines
(``文｜… 编辑｜…``, ``作者：…``) are the byline; images and ``---`` rules are
never text; everything else stays Markdown, links and all.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from .common import (
    ORIGIN,
    Article,
    ParseWarning,
    Section,
    Split,
    chrome_line,
    clean,
    find_urls,
    letters,
    lines_of,
    published_in,
    readable,
    trim_url,
)

_ATX = re.compile(r"^(#{1,6})[ \t]+(\S.*?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_FRONT_MATTER = re.compile(
    r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S
)
_FRONT_FIELD = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$", re.M)
_LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_BOLD_NUMBERED = re.compile(r"^\s*(?:\*\*|__)\s*(\d{1,3}\s*[.、)）]\s*[^*_]+?)\s*(?:\*\*|__)\s*$")
_BOLD_LEVEL = 7
_ITEM_TAG = re.compile(r"\s*`#\d+`\s*$")
_ITEM_NUMBER = re.compile(r"`#(\d+)`\s*$")
_NUMBER = re.compile(r"^\s*\d{1,3}\s*[.、)）]\s*")
_IMAGE_LINE = re.compile(r"^\s*(?:!\[[^\]]*\]\([^)]*\)\s*)+$")
_RULE = re.compile(r"^\s{0,3}(?:[-*_][ \t]*){3,}$")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_BOLD_ONLY = re.compile(r"^\s*(?:\*\*|__)(.+?)(?:\*\*|__)\s*[:：]?\s*$")
_BOLD_LEAD = re.compile(r"^\s*(?:\*\*|__)([^*_]{1,30}?)([:：]?)(?:\*\*|__)\s*([:：]?)\s*(\S.*)$")
_BYLINE = re.compile(r"^\s*(?:文|作者|编辑|撰文|责编|记者|编译|来源)\s*[｜|:：]\s*\S")
_LIST_ITEM = re.compile(r"^\s{0,3}(\d{1,3})[.)、]\s+(.*)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_OVERVIEW = re.compile(
    r"^(?:今日|本期|本周)?(?:概览|概要|目录|要点|导读|速览|摘要|一览|提要|看点|简报)$"
    r"|^(?:overview|contents|table of contents|tl;?dr|summary|highlights)$",
    re.IGNORECASE,
)
_LINK_LIST = re.compile(
    r"^(?:相关链接|参考链接|相关阅读|原文链接|参考资料|链接|links?|references?)\s*[:：]?\s*"
    r"(?:\n\s*[-*+]\s*(?:\[[^\]]*\]\([^)]*\)|https?://\S+)\s*)*$",
    re.IGNORECASE,
)
_DIGEST_WORDS = re.compile(
    r"日报|早报|晚报|周报|周刊|月报|简报|快讯|速递|速览|汇总|精选|资讯|合集|第\s*\d+\s*期"
    r"|digest|daily|weekly|newsletter|news|roundup",
    re.IGNORECASE,
)
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


@dataclass
class _Heading:
    level: int
    text: str
    start: int  # offset of the heading line
    body: int  # offset after it


_ATX_ANYWHERE = re.compile(r"^#{1,6}[ \t]+\S", re.M)


def detect(text: str) -> int:
    """Headings written the Markdown way, or front matter."""
    found = len(_ATX_ANYWHERE.findall(text))
    if _FRONT_MATTER.match(text):
        found += 2
    return found if found >= 2 else 0


def parse(text: str, warnings: list[ParseWarning]) -> Split:
    meta = _front_matter(text)
    headings = _headings(text)
    title_headings, rest = _title_headings(headings)
    overview = _overview(rest)
    categories = _overview_categories(text, [h for h in rest if id(h) in overview], headings)
    rest = [h for h in rest if id(h) not in overview]
    title = meta.get("title", "")
    if not title and title_headings:
        named = [h for h in title_headings if not _is_date(_inline_text(h.text))]
        title = _inline_text((named or title_headings)[0].text)
    if _one_article(title, title_headings, rest, text):
        # A Markdown article, not a digest: its title heading over sections.
        head = title_headings[0]
        article = _item(text, head, _trim(text, head.start, len(text)), [])
        articles, title = [article] if article else [], ""
    else:
        articles = _items(text, rest, headings)
    for article in articles:
        number = _ITEM_NUMBER.search(text[article.start : text.find("\n", article.start)])
        if not article.tags and number and number.group(1) in categories:
            article.tags = [categories[number.group(1)]]
    origin = meta.get("url") or meta.get("link") or meta.get("source") or meta.get("original")
    if not origin and (marker := ORIGIN.search(text[: articles[0].start if articles else None])):
        origin = trim_url(marker.group(1))
    published_on = _date(meta.get("date", "")) or _date(title)
    if not published_on and title_headings:
        published_on = next(filter(None, (_date(h.text) for h in title_headings)), None)
    if not published_on and articles:
        published_on = published_in(text[: articles[0].start], warnings)
    return Split(articles, origin_url=origin, published_on=published_on, title=clean(title))


# -- headings -------------------------------------------------------------------


def _one_article(
    title: str, title_headings: list[_Heading], rest: list[_Heading], text: str
) -> bool:
    """One title heading that names no digest (no date, no 日报 or weekly)
    over unmarked headings: an article and its sections."""
    if len(title_headings) != 1 or _DIGEST_WORDS.search(title) or _DATE.search(title):
        return False
    ends = [_next_start(text, h, rest) for h in rest]
    return not any(
        (_marked(h) and h.level < _BOLD_LEVEL) or _list_items(text, h.body, end)
        for h, end in zip(rest, ends, strict=True)
    )


def _headings(text: str) -> list[_Heading]:
    out = []
    fenced = False
    for offset, line in lines_of(text):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        if match := _ATX.match(line):
            out.append(_Heading(len(match.group(1)), match.group(2), offset, offset + len(line)))
        elif match := _BOLD_NUMBERED.match(line):
            # "**1. 标题**" on its own line: an item heading written in bold,
            # deeper than any real heading.
            out.append(_Heading(_BOLD_LEVEL, match.group(1), offset, offset + len(line)))
    return out


def _title_headings(headings: list[_Heading]) -> tuple[list[_Heading], list[_Heading]]:
    """The top-level headings above everything else are the digest's title."""
    if not headings:
        return [], []
    top = min(h.level for h in headings)
    if all(h.level == top for h in headings):
        return [], headings
    lead = 0
    while lead < len(headings) and headings[lead].level == top:
        lead += 1
    if lead == 0 or sum(h.level == top for h in headings) > lead:
        return [], headings
    return headings[:lead], headings[lead:]


def _overview(headings: list[_Heading]) -> set[int]:
    """Ids of the overview heading and those under it."""
    out: set[int] = set()
    level = None
    for h in headings:
        if level is not None and h.level > level:
            out.add(id(h))
            continue
        level = None
        if _OVERVIEW.match(letters(_inline_text(h.text)) or "-"):
            out.add(id(h))
            level = h.level
    return out


def _overview_categories(
    text: str, overview: list[_Heading], everything: list[_Heading]
) -> dict[str, str]:
    """{item number: category} from an overview's ``### 分类`` lists of
    ``- 标题 `#3``` lines."""
    out = {}
    for h in overview[1:]:
        name = clean(_inline_text(h.text))
        for _, line in lines_of(text[h.body : _next_start(text, h, everything)]):
            if number := _ITEM_NUMBER.search(line):
                out[number.group(1)] = name
    return out


def _marked(heading: _Heading) -> bool:
    text = heading.text
    return bool(_ITEM_TAG.search(text) or _NUMBER.match(text) or _heading_urls(text))


def _heading_urls(text: str) -> list[str]:
    return [
        m.group(3) for m in _LINK.finditer(text) if not m.group(1) and m.group(3).startswith("http")
    ]


# -- items ----------------------------------------------------------------------


def _items(text: str, headings: list[_Heading], everything: list[_Heading]) -> list[Article]:
    """Articles: one per item heading, and one per ``**名字**`` entry of a
    list standing under a category."""
    if not headings:
        return []
    ends = {id(h): _next_start(text, h, everything) for h in headings}
    lists = {id(h) for h in headings if not _marked(h) and _list_items(text, h.body, ends[id(h)])}
    marked = [h for h in headings if _marked(h) and h.level < _BOLD_LEVEL] or [
        h for h in headings if _marked(h)
    ]
    if marked:
        level = Counter(h.level for h in marked).most_common(1)[0][0]
    else:
        prose = Counter(
            h.level
            for h in headings
            if id(h) not in lists and _has_prose(text[h.body : ends[id(h)]])
        )
        level = max(prose.most_common(), key=lambda kv: (kv[1], kv[0]))[0] if prose else 0
    bounds = [h for h in headings if h.level <= level or id(h) in lists]
    articles = []
    category = ""
    for n, h in enumerate(bounds):
        if id(h) in lists:
            articles += _list_articles(text, h, ends[id(h)])
            continue
        if h.level < level:
            category = clean(_inline_text(h.text))
            continue
        end = bounds[n + 1].start if n + 1 < len(bounds) else len(text)
        tags = [category] if category else []
        article = _item(text, h, _trim(text, h.start, end), tags)
        if article:
            articles.append(article)
    return articles


def _next_start(text: str, heading: _Heading, everything: list[_Heading]) -> int:
    later = [h.start for h in everything if h.start > heading.start]
    return later[0] if later else len(text)


def _trim(text: str, start: int, end: int) -> int:
    """The end pulled back over blank lines and rules."""
    lines = lines_of(text[start:end])
    while len(lines) > 1 and (not lines[-1][1].strip() or _RULE.match(lines[-1][1])):
        lines.pop()
    last_offset, last_line = lines[-1]
    return start + last_offset + len(last_line.rstrip())


def _has_prose(block: str) -> bool:
    return any(
        len(letters(line)) >= 20
        and not _LIST_ITEM.match(line)
        and not line.lstrip().startswith("-")
        for line in block.split("\n")
    )


def _item(text: str, heading: _Heading, end: int, tags: list[str]) -> Article | None:
    title = _inline_text(heading.text)
    if not letters(title):
        return None
    links = _heading_urls(heading.text)
    subtitle, byline, sections = _body(text[heading.body : end], links)
    if not sections and subtitle:
        sections = [Section("", [subtitle], markdown=True)]
    if not sections:
        return None
    return Article(
        title, _inline_text(subtitle), sections, links, heading.start, end, tags=tags, byline=byline
    )


def _body(block: str, links: list[str]) -> tuple[str, str, list[Section]]:
    """(subtitle, byline, sections) of an item's Markdown."""
    subtitle, bylines = "", []
    sections = [Section("", [], markdown=True)]
    paragraph: list[str] = []
    quote: list[str] = []
    seen_text = False

    def flush() -> None:
        nonlocal subtitle, seen_text
        if quote:
            said = " ".join(quote)
            if not seen_text and not subtitle:
                subtitle = said
            else:
                sections[-1].paragraphs.append("> " + said)
            quote.clear()
            seen_text = True
        if paragraph:
            sections[-1].paragraphs.append("\n".join(paragraph))
            paragraph.clear()
            seen_text = True

    for line in readable(block).split("\n"):
        if _IMAGE_LINE.match(line) or _RULE.match(line):
            flush()
            continue
        line = _LINK.sub(lambda m: "" if m.group(1) else m.group(0), line).rstrip()
        if not line.strip():
            flush()
            continue
        if _QUOTE.match(line):
            if paragraph:
                flush()
            quote.append(_QUOTE.sub("", line).strip())
            continue
        if quote:
            flush()
        if _BYLINE.match(chrome_line(line)) and len(line) <= 80:
            flush()
            bylines.append(clean(line))
            continue
        heading = _ATX.match(line) or _BOLD_ONLY.match(line)
        if heading:
            flush()
            sections.append(Section(clean(_inline_text(heading.groups()[-1])), [], markdown=True))
            continue
        lead = _BOLD_LEAD.match(line)
        if lead and (lead.group(2) or lead.group(3)) and not paragraph:
            flush()
            sections.append(Section(clean(_inline_text(lead.group(1))), [], markdown=True))
            paragraph.append(lead.group(4))
            continue
        paragraph.append(line)
    flush()
    for section in sections:
        for paragraph_text in section.paragraphs:
            for url in _urls(paragraph_text):
                if url not in links:
                    links.append(url)
        # A "相关链接：" list repeats links the article lists anyway.
        section.paragraphs = [p for p in section.paragraphs if not _LINK_LIST.match(p)]
    return subtitle, " ".join(bylines), [s for s in sections if s.heading or s.paragraphs]


def _urls(markdown: str) -> list[str]:
    """Links of a Markdown paragraph, in order: [text](url) and bare ones."""
    found = [(m.start(), m.group(3)) for m in _LINK.finditer(markdown) if not m.group(1)]
    bare = _LINK.sub(lambda m: " " * len(m.group(0)), markdown)
    found += [(a, bare[a:b]) for a, b in find_urls(bare)]
    return [url for _, url in sorted(found) if url.startswith("http")]


# -- numbered items under a category ----------------------------------------------


def _list_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of ``1. **名字** …`` items, when the block is a list of them
    (and no prose comes before it)."""
    spans: list[list[int]] = []
    for offset, line in lines_of(text[start:end]):
        match = _LIST_ITEM.match(line)
        if match and match.group(2).lstrip().startswith(("**", "__")):
            spans.append([start + offset, start + offset + len(line)])
        elif not spans and len(letters(line)) >= 20:
            return []  # prose first: an article's text with a list in it
        elif spans and line.strip() and (line.startswith((" ", "\t")) or not _ATX.match(line)):
            if _LIST_ITEM.match(line):
                spans.append([start + offset, start + offset + len(line)])
            else:
                spans[-1][1] = start + offset + len(line)
    return [(a, b) for a, b in spans]


def _list_articles(text: str, heading: _Heading, end: int) -> list[Article]:
    category = clean(_inline_text(heading.text))
    out = []
    for start, stop in _list_items(text, heading.body, end):
        item = _LIST_ITEM.match(readable(text[start:stop]).split("\n", 1)[0])
        body = readable(text[start:stop])
        body = body[body.index(item.group(2)) :] if item else body
        name = _BOLD.search(body)
        title = clean(_inline_text(name.group(0))) if name else ""
        if not letters(title):
            continue
        links: list[str] = []
        subtitle, byline, sections = _body(body, links)
        out.append(Article(title, "", sections, links, start, stop, tags=[category], byline=byline))
    return out


# -- text ----------------------------------------------------------------------------


def _inline_text(markdown: str) -> str:
    """A heading's or a quote's words: no links, numbers, tags or markup.

    >>> _inline_text("[智谱发布 GLM-5](https://example.com/a) `#3`")
    '智谱发布 GLM-5'
    >>> _inline_text("4. **Claude** 上线 `CLI` [↗](https://x.example)")
    'Claude 上线 CLI'
    """
    text = _ITEM_TAG.sub("", markdown)
    text = _LINK.sub(
        lambda m: "" if m.group(1) or m.group(2) in ("↗", "🔗", "") else m.group(2), text
    )
    text = _NUMBER.sub("", text)
    text = re.sub(r"\*\*|__|`|~~", "", text)
    return clean(text)


def _front_matter(text: str) -> dict[str, str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}
    fields = {k.lower(): v.strip().strip("'\"") for k, v in _FRONT_FIELD.findall(match.group(1))}
    return {k: v for k, v in fields.items() if v}


def _is_date(text: str) -> bool:
    return bool(_DATE.search(text)) and len(letters(_DATE.sub("", text))) == 0


def _date(text: str) -> date | None:
    match = _DATE.search(text or "")
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None
