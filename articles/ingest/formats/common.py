"""What every format shares: the parsed structure (dataclasses), character
classes, entities, URLs, the mirror sites' chrome, and the rules that find
paragraphs, headings and subtitles in text whose line breaks were collapsed.

Pure Python, no Django.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from articles.ingest.reasons import ParseWarning, Reason, Warn
from articles.lib.text import (  # noqa: F401 (the formats' too)
    HAN,
    SENTENCE_END,
    URL_CHARS,
    simplified,
)


class ParseError(ValueError):
    """A file that cannot be imported; the message is its one-line reason."""


class Format(StrEnum):
    """What kind of raw file it is, found by its features (formats.detect)."""

    MANGLED_DIGEST = "mangled_digest"  # a mirror page holding a whole digest (#Title markers)
    MARKDOWN_DIGEST = "markdown_digest"  # a digest written in Markdown, real headings
    MIRROR_POST = "mirror_post"  # a mirror page holding one post, no markers
    PLAIN_TEXT = "plain_text"  # an article with ordinary line breaks, or text with no structure


# Why the parser asks an editor to look (review.reasons adds its own).
NO_STRUCTURE = Reason.NO_STRUCTURE
TITLE_FROM_TEXT = Reason.TITLE_FROM_TEXT


@dataclass
class Section:
    heading: str  # "" for the lead
    paragraphs: list[str]
    markdown: bool = False  # paragraphs are Markdown (else plain text)


@dataclass
class Article:
    title: str
    subtitle: str
    sections: list[Section]
    links: list[str]
    start: int  # character span in Digest.text
    end: int
    tags: list[str] = field(default_factory=list)  # named by the file (a category heading)
    byline: str = ""
    review: list[Reason] = field(default_factory=list)  # the parser's reasons to look

    @property
    def needs_review(self) -> bool:
        return NO_STRUCTURE in self.review


@dataclass
class Split:
    """What a format's parser found in a file."""

    articles: list[Article]
    origin_url: str | None = None
    page_url: str | None = None
    published_on: date | None = None
    title: str = ""  # the digest's own title, when it has one


# --------------------------------------------------------------------------
# Character classes

_OPEN = "「『《（【〈“‘(\\["
_CLOSE = "。！？；：」』》）】〉”’…!?"
# The characters a URL is made of: it ends where Chinese text or a space starts.
_URL_RE = re.compile(rf"https?://{URL_CHARS}+")
_URL_TRAILING = ".,;:!?'\""

# A space that stood for a line break: between two Chinese characters, after
# a closing mark, or before an opening one. "OpenAI 的研究" keeps its space.
# NBSP never counts: the mirrors only emit it for spaces the author typed.
STRONG_BREAK = re.compile(
    # Each branch starts with its space (the lookbehind then checks what came
    # before it), which lets the regex skip ahead to the next space.
    rf" (?<=[{HAN}{_CLOSE}] ) *(?=[{HAN}{_OPEN}])"
    rf"| (?<=[。！？…」』] ) *"
    rf"| (?<=[^\d][.!?] ) *(?=[{HAN}])"
    r"| +(?=[一二三四五六七八九十]{1,3}、)"
    r"|[ \t\u00a0]*\n\s*"
)
# In title and subtitle lines the mirror writes no space between Chinese and
# Latin ("让AI学会"), so a space touching a Chinese character ends them too.
WEAK_BREAK = re.compile(rf"(?<=[{HAN}]) +(?=[A-Za-z0-9])|(?<=[A-Za-z0-9%]) +(?=[{HAN}])")

BROKEN_HEX_ENTITY = re.compile(r"#(?<!&#)x([0-9a-fA-F]{1,6});")
_BROKEN_DEC_ENTITY = re.compile(r"#(?<=\S#)(?<!&#)([0-9]{2,7});")
PLACEHOLDER = re.compile(r"(?<!\S)#xx(?!\S)")
SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000\u202f\u205f]+")


def norm(text: str) -> str:
    """Letters and digits only: how two renderings of one text are compared.

    >>> norm("新猜想#xff1a;已诞生")  # entities are decoded first
    '新猜想已诞生'
    """
    return letters(unicodedata.normalize("NFKC", decode_entities(text)))


@functools.cache
def _not_letters() -> dict[int, None]:
    """Spaces, punctuation and symbols of the Basic Multilingual Plane."""
    return {
        code: None
        for code in range(0x10000)
        if chr(code).isspace() or unicodedata.category(chr(code))[0] in "PSZ"
    }


def letters(text: str) -> str:
    return text.translate(_not_letters())


def decode_entities(text: str) -> str:
    def chr_or_keep(match: re.Match[str], base: int) -> str:
        code = int(match.group(1), base)
        if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000:
            return chr(code)
        return match.group(0)

    text = BROKEN_HEX_ENTITY.sub(lambda m: chr_or_keep(m, 16), text)
    text = _BROKEN_DEC_ENTITY.sub(lambda m: chr_or_keep(m, 10), text)
    if "&" in text:
        text = html.unescape(text)
    return text


# What a Simplified→Traditional converter leaves behind: the pinyin of a
# converted character after it, "當(dāng)前位置", "網(wǎng)站". A tone mark
# tells a gloss from Latin text in brackets; a few neutral-tone syllables
# go too once a text is known to carry glosses.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_GLOSS = re.compile(rf"(?<=[{HAN}])[(（](?=[a-zü]*[{_TONED}])[a-zü{_TONED}]{{1,7}}[)）]")
_NEUTRAL_GLOSS = re.compile(rf"(?<=[{HAN}])[(（](?:de|le|men|me|ma|ne|zi|ba|ge|zhe|li)[)）]")


def strip_glosses(text: str) -> str:
    """
    >>> strip_glosses("當(dāng)前位置: 首頁 網(wǎng)站的(de)模型(model)")
    '當前位置: 首頁 網站的模型(model)'
    """
    if "(" not in text and "（" not in text:
        return text
    text, n = _GLOSS.subn("", text)
    return _NEUTRAL_GLOSS.sub("", text) if n else text


def chrome_line(text: str) -> str:
    """A line as chrome is matched: glosses out, Simplified. Chrome is short:
    of a long line only the start is converted (the rest is article text)."""
    if len(text) > 300:
        return simplified(strip_glosses(text[:300])) + text[300:]
    return simplified(strip_glosses(text))


def readable(raw: str) -> str:
    """Raw text as it is read for articles: entities decoded, glosses out,
    line endings as ``\\n``."""
    text = strip_glosses(decode_entities(raw))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def find_urls(text: str) -> list[tuple[int, int]]:
    """Spans of http(s) URLs, cut where Chinese text is glued to them.

    >>> t = "论文链接https://arxiv.org/abs/2412.11228项目链接"
    >>> [t[a:b] for a, b in find_urls(t)]
    ['https://arxiv.org/abs/2412.11228']
    """
    spans = []
    for match in _URL_RE.finditer(text):
        url = match.group(0)
        while url and (
            url[-1] in _URL_TRAILING
            or (url[-1] == ")" and url.count("(") < url.count(")"))
            or (url[-1] == "]" and url.count("[") < url.count("]"))
        ):
            url = url[:-1]
        if len(url) > len("https://") and "." in url.split("://", 1)[1]:
            spans.append((match.start(), match.start() + len(url)))
    return spans


# --------------------------------------------------------------------------
# Chrome around the digest

# Chrome is matched in Simplified Chinese without pinyin glosses (chrome_line),
# so a page run through a Simplified→Traditional converter reads the same.
BREADCRUMB = re.compile(r"^\s*当前位置.*正文\s*$")
RELATED_HEADER = re.compile(
    r"^\s*(相关文章|相关推荐|相关阅读|推荐阅读|猜你喜欢|热门文章)\s*[:：]?\s*$"
)
PREV_NEXT = re.compile(r"^\s*(上一篇|下一篇|上一页|下一页)\s*[:：]?")
URL_LINE = re.compile(r"^\s*(?:(?:本文链接|本文地址|页面地址)\s*[:：]?\s*)?(https?://\S+)\s*$")
_BULLET = re.compile(r"^\s*[•·▪●◦*\-]\s")
ORIGIN = re.compile(
    r"(?:我自己的原文哦\s*~?|原文链接|原文地址|文章来源|来源链接)\s*[:：]?\s*(https?://[\x21-\x7e]+)"
)
PUBLISHED = re.compile(
    r"(?:发布时间|发表时间|发布日期|更新时间|时间|日期)\s*[:：]?\s*"
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
)

LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def leading_chrome_end(text: str) -> int:
    """Where the text starts after the blank and breadcrumb lines on top."""
    body_start = 0
    for offset, line in lines_of(text):
        if line.strip() and not BREADCRUMB.match(chrome_line(line)):
            break
        body_start = offset + len(line)
    return body_start


def published_in(text: str, warnings: list[ParseWarning]) -> date | None:
    """The first publication date named in ``text`` (chrome), if any."""
    found = PUBLISHED.search(chrome_line(text))
    if not found:
        return None
    try:
        return date(*(int(g) for g in found.groups()))
    except ValueError:
        warnings.append(ParseWarning(Warn.IMPOSSIBLE_DATE, {"date": found.group(0)}))
        return None


def lines_of(text: str) -> list[tuple[int, str]]:
    """(offset, line without its ending) for every line."""
    out = []
    for match in LINE_RE.finditer(text):
        if match.start() == len(text) and match.group(0) == "":
            break
        out.append((match.start(), match.group(0).rstrip("\r\n")))
    return out


def trailing_chrome(text: str, body_start: int) -> tuple[int, str | None]:
    """Where the digest body ends, and the mirror page URL found after it."""
    lines = [(o, line) for o, line in lines_of(text) if o >= body_start]
    tail = len(lines)
    for i, (_, line) in enumerate(lines):
        head = chrome_line(line[:60])  # related and prev/next headers are short
        if (len(line) <= 60 and RELATED_HEADER.match(head)) or PREV_NEXT.match(head):
            tail = i
            break
    while tail > 0:
        line = lines[tail - 1][1]
        if line.strip() == "" or URL_LINE.match(line) or PREV_NEXT.match(chrome_line(line)):
            tail -= 1
        else:
            break
    page_url = None
    for _, line in lines[tail:]:
        match = URL_LINE.match(line)
        if match:
            page_url = match.group(1)
            break
    end = lines[tail][0] if tail < len(lines) else len(text)
    return end, page_url


# --------------------------------------------------------------------------
# One article


def clean(text: str) -> str:
    return SPACES.sub(" ", text).strip()


def segments(text: str) -> list[str]:
    """Paragraphs: the text cut at every lost line break, and after URLs."""
    out = []
    for piece in STRONG_BREAK.split(text):
        last = 0
        for _, end in find_urls(piece):
            if end < len(piece) and piece[end] in " \u00a0":
                out.append(piece[last:end])
                last = end
        out.append(piece[last:])
    return [s for s in (clean(p) for p in out) if s]


def headline(body: str) -> tuple[str, str, str]:
    """Split '#' text into (title, subtitle, rest)."""
    line_end = body.find("\n")
    if 0 <= line_end <= 200:
        # Line breaks survived: the title and subtitle are lines of their own.
        title = clean(body[:line_end])
        rest = body[line_end + 1 :].lstrip()
        nl = rest.find("\n")
        candidate = clean(rest[:nl] if nl >= 0 else rest)
        if looks_like_subtitle(candidate):
            return title, candidate, rest[nl + 1 :] if nl >= 0 else ""
        return title, "", rest
    title, rest = cut_headline_piece(body)
    candidate, after = cut_headline_piece(rest)
    if looks_like_subtitle(candidate):
        return title, candidate, after
    return title, "", rest


def cut_headline_piece(text: str) -> tuple[str, str]:
    text = text.lstrip()
    cuts = [m.start() for m in (STRONG_BREAK.search(text), WEAK_BREAK.search(text)) if m]
    if not cuts:
        return clean(text), ""
    cut = min(cuts)
    return clean(text[:cut]), text[cut:].lstrip()


def looks_like_subtitle(text: str) -> bool:
    return 0 < len(text) <= 60 and not any(ch in text for ch in "。！？!?") and not find_urls(text)


_NUMBERED_CN = re.compile(r"^[一二三四五六七八九十]{1,3}\s*[、.．]")
_NUMBERED_ARABIC = re.compile(
    r"^(?:\d{1,2}\s*[.．、]|第[一二三四五六七八九十\d]{1,3}[章节部分])\s*\S"
)
# Section titles common enough to be recognised even when glued to the text.
HEADING_WORDS = ("写在最后", "展望", "总结", "结语", "结论", "引言", "前言", "小结", "背景")
# Short lines that are not headings: link labels and picture captions.
_LINK_LABELS = re.compile(
    r"^(参考链接|参考内容|参考资料|参考文献|原文链接|原文地址|论文链接|论文地址"
    r"|项目链接|项目地址|代码链接|代码地址|链接|地址)\s*[:：]?$"
)
_CAPTION_WORDS = (
    *("截取自", "截图", "图源", "图片来源", "来源", "所示", "如图", "如下图"),
    *("示意", "表示", "时长", "图注"),
)
_CONNECTIVES = ("而言", "如下", "包括", "例如", "比如", "其中", "以下", "分别是", "即")
_ENUMERATION_STARTS = ("首先", "第一", "其一", "一是", "1.", "1、")
_HEADING_MAX = 30


def ends_with_url(text: str) -> bool:
    spans = find_urls(text)
    return bool(spans) and spans[-1][1] == len(text)


def is_heading_like(seg: str) -> bool:
    if len(seg) > 4 * _HEADING_MAX:
        return False
    n = len(letters(seg))
    return (
        0 < n <= _HEADING_MAX
        and seg[-1] not in SENTENCE_END + "，、,：:"
        and not any(ch in seg for ch in "。！？!?；;")
        and not find_urls(seg)
        and not _LINK_LABELS.match(seg)
        and not any(word in seg for word in _CAPTION_WORDS)
        and not seg.endswith(_CONNECTIVES)
        and seg[0] not in "「“‘(（"
    )


def is_prose(seg: str) -> bool:
    return any(ch in seg for ch in "。！？!?") or len(letters(seg)) > 60


def _split_numbered(seg: str) -> tuple[str, str] | None:
    """'五、微软、OpenAI 与 AGI 当我在调查中…。' -> heading, paragraph."""
    if _NUMBERED_CN.match(seg):
        if is_heading_like(seg) or (len(norm(seg)) <= 40 and not is_prose(seg)):
            return seg, ""
        first_end = min((i for i, ch in enumerate(seg) if ch in "。！？!?"), default=-1)
        if first_end > 0:
            cut = seg.rfind(" ", 0, first_end)
            if cut > 0 and 2 <= len(norm(seg[:cut])) <= 40:
                return seg[:cut].strip(), seg[cut:].strip()
    if _NUMBERED_ARABIC.match(seg) and is_heading_like(seg):
        return seg, ""
    for word in HEADING_WORDS:
        if seg == word:
            return seg, ""
        if seg.startswith(word + " ") and is_prose(seg[len(word) :]):
            return word, seg[len(word) :].strip()
    return None


def group_sections(paragraphs: list[str]) -> list[Section]:
    """Group paragraphs under the headings found among them."""
    sections = [Section("", [])]
    i = 0
    n = len(paragraphs)
    prev = ""
    while i < n:
        seg = paragraphs[i]
        after_sentence = not prev or prev[-1] in SENTENCE_END or ends_with_url(prev)
        numbered = _split_numbered(seg)
        if numbered:
            heading, rest = numbered
            sections.append(Section(heading, [rest] if rest else []))
            prev = rest or heading
            i += 1
            continue
        if i > 0 and after_sentence and is_heading_like(seg):
            nxt = paragraphs[i + 1] if i + 1 < n else ""
            if nxt.startswith(_ENUMERATION_STARTS):
                pass  # "…的三个关键创新" lost its colon; the list follows
            elif nxt and is_prose(nxt):
                sections.append(Section(seg, []))
                prev = seg + "。"
                i += 1
                continue
            # A heading whose middle punctuation was stripped into a break:
            # "引领时代 逆水寒将继续书写 AI游戏新传奇".
            after = paragraphs[i + 2] if i + 2 < n else ""
            joined = f"{seg} {nxt}"
            pair = nxt and is_heading_like(nxt) and is_heading_like(joined)
            if pair and after and is_prose(after):
                sections.append(Section(joined, []))
                prev = joined + "。"
                i += 2
                continue
        sections[-1].paragraphs.append(seg)
        prev = seg
        i += 1
    return [s for s in sections if s.heading or s.paragraphs]


def tidy_urls(paragraph: str) -> tuple[str, list[str]]:
    """Put spaces around URLs glued to Chinese text; return the URLs."""
    spans = find_urls(paragraph)
    if not spans:
        return paragraph, []
    out, urls, last = [], [], 0
    for a, b in spans:
        out.append(paragraph[last:a].rstrip())
        out.append(paragraph[a:b])
        urls.append(paragraph[a:b])
        last = b
    out.append(paragraph[last:].lstrip())
    return " ".join(p for p in out if p), urls


def trim_url(url: str) -> str:
    spans = find_urls(url)
    return url[spans[0][0] : spans[0][1]] if spans else url


def body_article(
    title: str, subtitle: str, body: str, start: int, end: int, **fields
) -> Article | None:
    """An article of ``body`` as plain text whose lost line breaks are found
    again (paragraphs, headings, URLs); None when it has no text."""
    paragraphs: list[str] = []
    links: list[str] = []
    for seg in segments(body):
        seg, urls = tidy_urls(seg)
        paragraphs.append(seg)
        links.extend(u for u in urls if u not in links)
    sections = group_sections(paragraphs)
    if not sections:
        return None
    return Article(title, subtitle, sections, links, start, end, **fields)
