"""Text helpers every part shares, each defined once. Pure Python.

>>> fold("ＧＰＴ－４ｏ 模型")
'gpt-4o 模型'
>>> fold("開源 GPT", simplify=True)
'开源 gpt'
>>> without_nul("a\\x00b", " ")
'a b'
>>> plain_text("<p>一&amp;二</p><p>三</p>")
' 一&二  三 '
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata

# The CJK ideographs: extension A, the unified block, compatibility ideographs.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# What ends a sentence in Chinese and English text, closing quotes included.
SENTENCE_END = "。！？；…!?;.」』”"
# The characters a URL is made of: it ends where Chinese text or a space starts.
URL_CHARS = r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]"

_TAG = re.compile(r"<[^>]*>")


def fold(text: str, *, simplify: bool = False) -> str:
    """How two spellings of a word are made one: NFKC (fullwidth letters,
    compatibility forms) and lower case; with ``simplify``, Traditional
    Chinese as Simplified too (the search's index and queries: ``開源`` is
    ``开源``). Duplicate detection leaves that out: the fingerprints it has
    stored were made without it."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return simplified(folded) if simplify else folded


def simplified(text: str) -> str:
    """Traditional Chinese characters as Simplified, one character for one,
    so the result is as long as the text and a match found in it is at the
    same place in the text.

    By character, not by phrase, so that a piece of a text converts as it
    does inside the text: OpenCC's phrases would make ``乾隆`` stay and ``乾``
    become ``干``, and a search for ``乾`` would miss ``乾隆``.

    >>> simplified("開源模型與 GPT")
    '开源模型与 GPT'
    """
    table, present = _simplified_table()
    # Most text is Simplified already: a scan finds that faster than translating.
    return text.translate(table) if present.search(text) else text


@functools.cache
def _t2s():
    """OpenCC's Traditional-to-Simplified converter, loaded once when first needed."""
    import opencc

    return opencc.OpenCC("t2s")


@functools.cache
def _simplified_table() -> tuple[dict[int, str], re.Pattern[str]]:
    """What OpenCC makes of each Han character alone (a few milliseconds,
    once), kept where that is one other Han character. The rest (about 800
    rare characters whose Simplified form is outside HAN, in the
    supplementary planes) stay as they are: a token is a run of HAN."""
    ranges = re.findall(r"(.)-(.)", HAN)
    chars = [chr(c) for first, last in ranges for c in range(ord(first), ord(last) + 1)]
    # One call for all, a line each: no OpenCC phrase spans a line break.
    converted = _t2s().convert("\n".join(chars)).split("\n")
    han = re.compile(f"[{HAN}]")
    table = {
        ord(char): new
        for char, new in zip(chars, converted, strict=True)
        if new != char and len(new) == 1 and han.match(new)
    }
    present = re.compile("[" + "".join(sorted(map(chr, table))) + "]")
    return table, present


def without_nul(text: str, replacement: str = "") -> str:
    """No NUL characters: PostgreSQL refuses them in text."""
    return text.replace("\x00", replacement)


def plain_text(section_html: str) -> str:
    """The text of a section's sanitised HTML (Markdown and the sanitiser
    escape every ``>`` in text and attributes, so a tag ends at the first one)."""
    return html.unescape(_TAG.sub(" ", section_html))
