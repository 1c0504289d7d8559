"""Turn a raw digest file scraped from a mirror site into structured articles.

Pure Python on purpose: no Django import, so it is fast to test and reusable
by tools outside the project. ``parse(data)`` takes the file's bytes and
returns a :class:`Digest`; everything it cannot make sense of becomes a
warning, and only a file with nothing to import raises :class:`ParseError`.

What a raw file looks like, and what the parser undoes:

* The mirror wraps the digest in chrome: a breadcrumb line, an SEO title, a
  keyword line glued to an origin marker (``我自己的原文哦~ https://…``), a
  truncated meta-description copy of the first article, the page URL and a
  ``相关文章:`` list. All of it stays in the raw text but outside every
  article's span.
* Articles start at ``#Title``. Line breaks were collapsed into spaces and most
  fullwidth punctuation stripped, so paragraph, title and heading boundaries
  are recovered from the spaces that are left (see ``_STRONG_BREAK``).
* HTML entities arrive broken (``#xff0c;``) or whole (``&amp;``); ``#xx``
  placeholders mark empty slots.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

PARSER_VERSION = 1


class ParseError(ValueError):
    """A file that cannot be imported; the message is its one-line reason."""


@dataclass
class Section:
    heading: str  # "" for the lead
    paragraphs: list[str]


@dataclass
class Article:
    title: str
    subtitle: str
    sections: list[Section]
    links: list[str]
    start: int  # character span in Digest.text
    end: int
    tags: list[str] = field(default_factory=list)


@dataclass
class Digest:
    text: str  # the decoded raw text, verbatim but for NULs (see decode)
    encoding: str
    origin_url: str | None
    page_url: str | None
    published_on: date | None
    warnings: list[str]
    articles: list[Article]


# --------------------------------------------------------------------------
# Bytes to text


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """Return ``(text, encoding, warnings)`` or raise ParseError.

    Tries the BOMs, then strict UTF-8, then GB18030 (a superset of GBK), and
    settles for the one with fewest invalid bytes when neither is clean.
    NULs become U+FFFD so that the text fits any database and every character
    offset still points at the same place.
    """
    if not data.strip():
        raise ParseError("empty file")
    warnings: list[str] = []
    text, encoding = _decode_by_bom(data) or _decode_by_guess(data, warnings)
    nuls = text.count("\x00")
    if nuls:
        text = text.replace("\x00", "\ufffd")
        warnings.append(f"{nuls} NUL character(s) replaced")
    controls = len(_CONTROL.findall(text))
    if (controls + nuls + text.count("\ufffd")) > max(8, len(text) // 20):
        raise ParseError("binary file: too many control or invalid characters")
    if not text.strip():
        raise ParseError("empty file")
    return text, encoding, warnings


_CONTROL = re.compile(r"[\x01-\x08\x0e-\x1f]")
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"),
    (b"\xff\xfe", "utf-16-le", "utf-16"),
    (b"\xfe\xff", "utf-16-be", "utf-16"),
)


def _decode_by_bom(data: bytes) -> tuple[str, str] | None:
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            return body.decode(codec, errors="replace"), name
    return None


def _decode_by_guess(data: bytes, warnings: list[str]) -> tuple[str, str]:
    # UTF-16 without a BOM shows up as a NUL in every other byte.
    sample = data[:4000]
    if len(sample) >= 8 and sample.count(0) > len(sample) // 3:
        even = sample[0::2].count(0)
        odd = sample[1::2].count(0)
        codec = "utf-16-le" if odd > even else "utf-16-be"
        text = data.decode(codec, errors="replace")
        if text.count("\ufffd") < len(text) // 100 + 1:
            warnings.append(f"no byte-order mark; read as {codec}")
            return text, "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    # Neither is clean: keep the reading with the fewest invalid bytes.
    candidates = []
    for codec in ("utf-8", "gb18030"):
        text = data.decode(codec, errors="replace")
        candidates.append((text.count("\ufffd"), codec, text))
    bad, codec, text = min(candidates)
    if bad > len(text) // 10:
        raise ParseError("undecodable: neither UTF-8 nor GB18030")
    warnings.append(f"{bad} invalid byte sequence(s) in {codec} replaced with U+FFFD")
    return text, codec


# --------------------------------------------------------------------------
# Character classes

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_OPEN = "「『《（【〈“‘(\\["
_CLOSE = "。！？；：」』》）】〉”’…!?"
_SENTENCE_END = "。！？；…!?;.」』”"
# The characters a URL is made of: it ends where Chinese text or a space starts.
URL_CHARS = r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]"
_URL_RE = re.compile(rf"https?://{URL_CHARS}+")
_URL_TRAILING = ".,;:!?'\""

# A space that stood for a line break: between two Chinese characters, after
# a closing mark, or before an opening one. "OpenAI 的研究" keeps its space.
# NBSP never counts: the mirrors only emit it for spaces the author typed.
_STRONG_BREAK = re.compile(
    # Each branch starts with its space (the lookbehind then checks what came
    # before it), which lets the regex skip ahead to the next space: 2x faster.
    rf" (?<=[{_HAN}{_CLOSE}] ) *(?=[{_HAN}{_OPEN}])"
    rf"| (?<=[。！？…」』] ) *"
    rf"| (?<=[^\d][.!?] ) *(?=[{_HAN}])"
    r"| +(?=[一二三四五六七八九十]{1,3}、)"
    r"|[ \t\u00a0]*\n\s*"
)
# In title and subtitle lines the mirror writes no space between Chinese and
# Latin ("让AI学会"), so a space touching a Chinese character ends them too.
_WEAK_BREAK = re.compile(rf"(?<=[{_HAN}]) +(?=[A-Za-z0-9])|(?<=[A-Za-z0-9%]) +(?=[{_HAN}])")

_BROKEN_HEX_ENTITY = re.compile(r"#(?<!&#)x([0-9a-fA-F]{1,6});")
_BROKEN_DEC_ENTITY = re.compile(r"#(?<=\S#)(?<!&#)([0-9]{2,7});")
_PLACEHOLDER = re.compile(r"(?<!\S)#xx(?!\S)")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000\u202f\u205f]+")


def norm(text: str) -> str:
    """Letters and digits only: how two renderings of one text are compared.

    >>> norm("新猜想#xff1a;已诞生")  # entities are decoded first
    '新猜想已诞生'
    """
    return _letters(unicodedata.normalize("NFKC", decode_entities(text)))


@functools.cache
def _not_letters() -> dict[int, None]:
    """Spaces, punctuation and symbols of the Basic Multilingual Plane."""
    return {
        code: None
        for code in range(0x10000)
        if chr(code).isspace() or unicodedata.category(chr(code))[0] in "PSZ"
    }


def _letters(text: str) -> str:
    return text.translate(_not_letters())


def decode_entities(text: str) -> str:
    def chr_or_keep(match: re.Match[str], base: int) -> str:
        code = int(match.group(1), base)
        if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000:
            return chr(code)
        return match.group(0)

    text = _BROKEN_HEX_ENTITY.sub(lambda m: chr_or_keep(m, 16), text)
    text = _BROKEN_DEC_ENTITY.sub(lambda m: chr_or_keep(m, 10), text)
    if "&" in text:
        text = html.unescape(text)
    return text


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

_BREADCRUMB = re.compile(r"^\s*当前位置.*正文\s*$")
_RELATED_HEADER = re.compile(
    r"^\s*(相关文章|相关推荐|相关阅读|推荐阅读|猜你喜欢|热门文章)\s*[:：]?\s*$"
)
_PREV_NEXT = re.compile(r"^\s*(上一篇|下一篇|上一页|下一页)\s*[:：]?")
_URL_LINE = re.compile(r"^\s*(?:(?:本文链接|本文地址|页面地址)\s*[:：]?\s*)?(https?://\S+)\s*$")
_BULLET = re.compile(r"^\s*[•·▪●◦*\-]\s")
_ORIGIN = re.compile(
    r"(?:我自己的原文哦\s*~?|原文链接|原文地址|文章来源|来源链接)\s*[:：]?\s*(https?://[\x21-\x7e]+)"
)
_PUBLISHED = re.compile(
    r"(?:发布时间|发表时间|发布日期|更新时间|时间|日期)\s*[:：]?\s*"
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
)

_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, line without its ending) for every line."""
    out = []
    for match in _LINE_RE.finditer(text):
        if match.start() == len(text) and match.group(0) == "":
            break
        out.append((match.start(), match.group(0).rstrip("\r\n")))
    return out


def _trailing_chrome(text: str, body_start: int) -> tuple[int, str | None]:
    """Where the digest body ends, and the mirror page URL found after it."""
    lines = [(o, line) for o, line in _lines(text) if o >= body_start]
    tail = len(lines)
    for i, (_, line) in enumerate(lines):
        if _RELATED_HEADER.match(line) or _PREV_NEXT.match(line):
            tail = i
            break
    while tail > 0:
        line = lines[tail - 1][1]
        if line.strip() == "" or _URL_LINE.match(line) or _PREV_NEXT.match(line):
            tail -= 1
        else:
            break
    page_url = None
    for _, line in lines[tail:]:
        match = _URL_LINE.match(line)
        if match:
            page_url = match.group(1)
            break
    end = lines[tail][0] if tail < len(lines) else len(text)
    return end, page_url


# --------------------------------------------------------------------------
# Where articles start

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
        if _PLACEHOLDER.match(text, pos) or _BROKEN_HEX_ENTITY.match(text, pos):
            continue
        before = text[begin:pos].rstrip(" \t\u00a0")
        if before and before[-1] not in "\r\n":
            last_token = before.rsplit(None, 1)[-1]
            if not (
                before[-1] in _SENTENCE_END
                or _ends_with_url(last_token)
                or last_token == "#xx"
                or last_token.endswith("…")
            ):
                continue
        title = _cut_headline_piece(_first_line(text, pos + 1, end))[0]
        if title.isdigit():
            continue  # '#1', '#42'
        starts.append(pos)
    return starts


def _first_line(text: str, pos: int, end: int) -> str:
    stop = min(x for x in (text.find("\n", pos, end), text.find("\r", pos, end), end) if x >= 0)
    return text[pos : min(stop, pos + 200)]


# --------------------------------------------------------------------------
# One article


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _segments(text: str) -> list[str]:
    """Paragraphs: the text cut at every lost line break, and after URLs."""
    out = []
    for piece in _STRONG_BREAK.split(text):
        last = 0
        for _, end in find_urls(piece):
            if end < len(piece) and piece[end] in " \u00a0":
                out.append(piece[last:end])
                last = end
        out.append(piece[last:])
    return [s for s in (_clean(p) for p in out) if s]


def _headline(body: str) -> tuple[str, str, str]:
    """Split '#' text into (title, subtitle, rest)."""
    line_end = body.find("\n")
    if 0 <= line_end <= 200:
        # Line breaks survived: the title and subtitle are lines of their own.
        title = _clean(body[:line_end])
        rest = body[line_end + 1 :].lstrip()
        nl = rest.find("\n")
        candidate = _clean(rest[:nl] if nl >= 0 else rest)
        if _looks_like_subtitle(candidate):
            return title, candidate, rest[nl + 1 :] if nl >= 0 else ""
        return title, "", rest
    title, rest = _cut_headline_piece(body)
    candidate, after = _cut_headline_piece(rest)
    if _looks_like_subtitle(candidate):
        return title, candidate, after
    return title, "", rest


def _cut_headline_piece(text: str) -> tuple[str, str]:
    text = text.lstrip()
    cuts = [m.start() for m in (_STRONG_BREAK.search(text), _WEAK_BREAK.search(text)) if m]
    if not cuts:
        return _clean(text), ""
    cut = min(cuts)
    return _clean(text[:cut]), text[cut:].lstrip()


def _looks_like_subtitle(text: str) -> bool:
    return 0 < len(text) <= 60 and not any(ch in text for ch in "。！？!?") and not find_urls(text)


_NUMBERED_CN = re.compile(r"^[一二三四五六七八九十]{1,3}\s*[、.．]")
_NUMBERED_ARABIC = re.compile(
    r"^(?:\d{1,2}\s*[.．、]|第[一二三四五六七八九十\d]{1,3}[章节部分])\s*\S"
)
# Section titles common enough to be recognised even when glued to the text.
_HEADING_WORDS = ("写在最后", "展望", "总结", "结语", "结论", "引言", "前言", "小结", "背景")
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


def _ends_with_url(text: str) -> bool:
    spans = find_urls(text)
    return bool(spans) and spans[-1][1] == len(text)


def _is_heading_like(seg: str) -> bool:
    if len(seg) > 4 * _HEADING_MAX:
        return False
    n = len(_letters(seg))
    return (
        0 < n <= _HEADING_MAX
        and seg[-1] not in _SENTENCE_END + "，、,：:"
        and not any(ch in seg for ch in "。！？!?；;")
        and not find_urls(seg)
        and not _LINK_LABELS.match(seg)
        and not any(word in seg for word in _CAPTION_WORDS)
        and not seg.endswith(_CONNECTIVES)
        and seg[0] not in "「“‘(（"
    )


def _is_prose(seg: str) -> bool:
    return any(ch in seg for ch in "。！？!?") or len(_letters(seg)) > 60


def _split_numbered(seg: str) -> tuple[str, str] | None:
    """'五、微软、OpenAI 与 AGI 当我在调查中…。' -> heading, paragraph."""
    if _NUMBERED_CN.match(seg):
        if _is_heading_like(seg) or (len(norm(seg)) <= 40 and not _is_prose(seg)):
            return seg, ""
        first_end = min((i for i, ch in enumerate(seg) if ch in "。！？!?"), default=-1)
        if first_end > 0:
            cut = seg.rfind(" ", 0, first_end)
            if cut > 0 and 2 <= len(norm(seg[:cut])) <= 40:
                return seg[:cut].strip(), seg[cut:].strip()
    if _NUMBERED_ARABIC.match(seg) and _is_heading_like(seg):
        return seg, ""
    for word in _HEADING_WORDS:
        if seg == word:
            return seg, ""
        if seg.startswith(word + " ") and _is_prose(seg[len(word) :]):
            return word, seg[len(word) :].strip()
    return None


def _sections(paragraphs: list[str]) -> list[Section]:
    """Group paragraphs under the headings found among them."""
    sections = [Section("", [])]
    i = 0
    n = len(paragraphs)
    prev = ""
    while i < n:
        seg = paragraphs[i]
        after_sentence = not prev or prev[-1] in _SENTENCE_END or _ends_with_url(prev)
        numbered = _split_numbered(seg) if i > 0 else None
        if numbered:
            heading, rest = numbered
            sections.append(Section(heading, [rest] if rest else []))
            prev = rest or heading
            i += 1
            continue
        if i > 0 and after_sentence and _is_heading_like(seg):
            nxt = paragraphs[i + 1] if i + 1 < n else ""
            if nxt.startswith(_ENUMERATION_STARTS):
                pass  # "…的三个关键创新" lost its colon; the list follows
            elif nxt and _is_prose(nxt):
                sections.append(Section(seg, []))
                prev = seg + "。"
                i += 1
                continue
            # A heading whose middle punctuation was stripped into a break:
            # "引领时代 逆水寒将继续书写 AI游戏新传奇".
            after = paragraphs[i + 2] if i + 2 < n else ""
            joined = f"{seg} {nxt}"
            pair = nxt and _is_heading_like(nxt) and _is_heading_like(joined)
            if pair and after and _is_prose(after):
                sections.append(Section(joined, []))
                prev = joined + "。"
                i += 2
                continue
        sections[-1].paragraphs.append(seg)
        prev = seg
        i += 1
    return [s for s in sections if s.heading or s.paragraphs]


def _tidy_urls(paragraph: str) -> tuple[str, list[str]]:
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


def _parse_article(raw: str, start: int, end: int, warnings: list[str]) -> Article | None:
    text = decode_entities(raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    title, subtitle, rest = _headline(text[1:])
    if not norm(title):
        return None
    paragraphs: list[str] = []
    links: list[str] = []
    for seg in _segments(rest):
        seg, urls = _tidy_urls(seg)
        paragraphs.append(seg)
        links.extend(u for u in urls if u not in links)
    sections = _sections(paragraphs)
    if not sections:
        warnings.append(f"article {title!r} has no text and was dropped")
        return None
    return Article(title, subtitle, sections, links, start, end)


# --------------------------------------------------------------------------
# The whole file


def parse(data: bytes) -> Digest:
    text, encoding, warnings = decode(data)
    return parse_text(text, encoding, warnings)


def parse_text(text: str, encoding: str = "utf-8", warnings: list[str] | None = None) -> Digest:
    warnings = list(warnings or [])
    lines = _lines(text)
    body_start = 0
    for offset, line in lines:
        if line.strip() and not _BREADCRUMB.match(line):
            break
        body_start = offset + len(line)
    body_end, page_url = _trailing_chrome(text, body_start)

    starts = _article_starts(text, body_start, body_end)
    bounds = starts + [body_end]
    candidates: list[tuple[int, int]] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        candidates.append((a, _trim_end(text, a, b)))

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
    if not articles:
        raise ParseError("no articles found (no '#Title' heading with text after it)")

    chrome = text[:first_kept]
    origin = _ORIGIN.search(chrome)
    origin_url = _trim_url(origin.group(1)) if origin else None
    published = _PUBLISHED.search(chrome) or _PUBLISHED.search(text[body_end:])
    published_on = None
    if published:
        try:
            published_on = date(*(int(g) for g in published.groups()))
        except ValueError:
            warnings.append(f"ignored impossible publication date {published.group(0)!r}")
    return Digest(text, encoding, origin_url, page_url, published_on, warnings, articles)


def _trim_end(text: str, a: int, b: int) -> int:
    """Pull an article's end back over placeholders, origin markers and blanks."""
    chunk = text[a:b].rstrip()
    while chunk.endswith("#xx") and (len(chunk) == 3 or chunk[-4].isspace()):
        chunk = chunk[:-3].rstrip()
    return a + len(chunk)


def _trim_url(url: str) -> str:
    spans = find_urls(url)
    return url[spans[0][0] : spans[0][1]] if spans else url


def _is_description_copy(candidate: str, following: str) -> bool:
    """The meta description: a truncated copy of the next article, ending in '…'."""
    candidate = _ORIGIN.sub("", candidate).rstrip()
    if not candidate.endswith("…"):
        return False
    head = norm(candidate)
    return len(head) >= 10 and norm(following[: 2 * len(candidate)]).startswith(head)
