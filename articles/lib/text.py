"""Text helpers every part shares, each defined once. Pure Python.

>>> fold("ＧＰＴ－４ｏ 模型")
'gpt-4o 模型'
>>> without_nul("a\\x00b", " ")
'a b'
>>> plain_text("<p>一&amp;二</p><p>三</p>")
' 一&二  三 '
"""

from __future__ import annotations

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


def fold(text: str) -> str:
    """How two spellings of a word are made one: NFKC (fullwidth letters,
    compatibility forms) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def without_nul(text: str, replacement: str = "") -> str:
    """No NUL characters: PostgreSQL refuses them in text."""
    return text.replace("\x00", replacement)


def plain_text(section_html: str) -> str:
    """The text of a section's sanitised HTML (Markdown and the sanitiser
    escape every ``>`` in text and attributes, so a tag ends at the first one)."""
    return html.unescape(_TAG.sub(" ", section_html))
