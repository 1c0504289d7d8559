"""Turn a raw file into structured articles: bytes in, a :class:`Digest` out.

Pure Python on purpose: no Django import, so it is fast to test and reusable
by tools outside the project. ``parse(data)`` decodes the file's bytes, finds
its format (``articles.ingest.formats``: a mirror page holding a digest or
one post, a Markdown digest, plain text) and splits it; everything it cannot
make sense of becomes a warning or a reason for an editor to look, and only
a file that is not text (empty, binary, undecodable) raises
:class:`ParseError`. A readable file always gives at least one article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .formats import split
from .formats.common import (  # noqa: F401 (the parser's public names)
    NO_STRUCTURE,
    URL_CHARS,
    Article,
    Format,
    ParseError,
    Section,
    decode_entities,
    find_urls,
    norm,
)
from .reasons import ParseWarning, Warn

PARSER_VERSION = 3  # 3: a plain article's last 原文链接 line is its origin


@dataclass
class Digest:
    text: str  # the decoded raw text, verbatim but for NULs (see decode)
    encoding: str
    origin_url: str | None
    page_url: str | None
    published_on: date | None
    warnings: list[ParseWarning]
    articles: list[Article]
    format: Format = Format.MANGLED_DIGEST
    title: str = ""  # the digest's own title (a Markdown digest's), else ""


def parse(data: bytes) -> Digest:
    text, encoding, warnings = decode(data)
    return parse_text(text, encoding, warnings)


def parse_text(
    text: str, encoding: str = "utf-8", warnings: list[ParseWarning] | None = None
) -> Digest:
    warnings = list(warnings or [])
    fmt, found = split(text, warnings)
    return Digest(
        text,
        encoding,
        found.origin_url,
        found.page_url,
        found.published_on,
        warnings,
        found.articles,
        fmt,
        found.title,
    )


# --------------------------------------------------------------------------
# Bytes to text


def decode(data: bytes) -> tuple[str, str, list[ParseWarning]]:
    """Return ``(text, encoding, warnings)`` or raise ParseError.

    Tries the BOMs, then strict UTF-8, then GB18030 (a superset of GBK), and
    settles for the one with fewest invalid bytes when neither is clean.
    NULs become U+FFFD so that the text fits any database and every character
    offset still points at the same place.
    """
    if not data.strip():
        raise ParseError("empty file")
    warnings: list[ParseWarning] = []
    text, encoding = _decode_by_bom(data) or _decode_by_guess(data, warnings)
    nuls = text.count("\x00")
    if nuls:
        text = text.replace("\x00", "\ufffd")
        warnings.append(ParseWarning(Warn.NUL_REPLACED, {"n": nuls}))
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


def _decode_by_guess(data: bytes, warnings: list[ParseWarning]) -> tuple[str, str]:
    # UTF-16 without a BOM shows up as a NUL in every other byte.
    sample = data[:4000]
    if len(sample) >= 8 and sample.count(0) > len(sample) // 3:
        even = sample[0::2].count(0)
        odd = sample[1::2].count(0)
        codec = "utf-16-le" if odd > even else "utf-16-be"
        text = data.decode(codec, errors="replace")
        if text.count("\ufffd") < len(text) // 100 + 1:
            warnings.append(ParseWarning(Warn.NO_BOM, {"codec": codec}))
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
    warnings.append(ParseWarning(Warn.INVALID_BYTES, {"n": bad, "codec": codec}))
    return text, codec
