"""Is this article one we have already? Pure Python, no Django.

Two measures of an article's text (title and paragraphs):

- a fingerprint of its normalised text (case, width, whitespace, punctuation
  and the mirrors' broken entities ignored): equal fingerprints are the same
  article, scraped again;
- a bottom-k MinHash sketch of its 5-character shingles: the KEPT smallest
  shingle hashes. Two sketches estimate the Jaccard similarity of the shingle
  sets; at NEAR or more the texts are the same story with a few sentences
  changed or cut.

Candidates to compare come from anchors: hashes of the article's longest
paragraphs, kept in an index. A near copy keeps most paragraphs as they
were, so it shares some; finding them reads a few index entries, never every
article. (The smallest shingle hashes would not do as anchors: a shingle in
every article, such as "的模型", can be among them, and then every article
is a candidate.)
"""

from __future__ import annotations

import hashlib
import heapq
import re
import zlib
from dataclasses import dataclass

from articles.lib.text import fold

SHINGLE = 5
KEPT = 64
NEAR = 0.9
ANCHORS = 12  # longest paragraphs indexed per article
ANCHOR_MIN = 30  # characters (normalised) a paragraph needs to be an anchor

_NOISE = re.compile(r"#x[0-9a-f]{2,6};?|#[0-9a-z]{2}(?![0-9a-z])|[\W_]+")


def normalise(text: str) -> str:
    """
    >>> normalise("OpenAI 的#xff0c;新模型，  GPT-4o！")
    'openai的新模型gpt4o'
    """
    return _NOISE.sub("", fold(text))


def fingerprint(text: str) -> str:
    return _fingerprint(normalise(text))


@dataclass
class Measures:
    """What duplicates are found by: the same text (fingerprint), nearly the
    same (sketch), and where to look for candidates (anchors)."""

    fingerprint: str
    sketch: list[int]
    anchors: list[int]


def measure(text: str, sections_html: list[str]) -> Measures:
    """An article's measures, normalising once."""
    flat = normalise(text)
    return Measures(_fingerprint(flat), _sketch(flat), anchors(sections_html))


def _fingerprint(flat: str) -> str:
    return hashlib.blake2b(flat.encode(), digest_size=16).hexdigest()


def _sketch(flat: str) -> list[int]:
    # Only shingles whose first character has an even code are hashed: a
    # choice by content, so two texts sample the same shingles where they
    # agree, for half the work. Four bytes a character make a shingle a slice
    # of fixed width: no string per shingle to build and encode.
    data = memoryview(flat.encode("utf-32-le"))
    width = 4 * SHINGLE
    crc32 = zlib.crc32
    last = max(4, len(data) - width + 4)
    hashes = {crc32(data[i : i + width]) for i in range(0, last, 4) if not data[i] & 1}
    return heapq.nsmallest(KEPT, hashes)


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of the texts behind two sketches.

    >>> similarity(_sketch("一二三四五六七八九十" * 3), _sketch("一二三四五六七八九十" * 3))
    1.0
    """
    if not a or not b:
        return 0.0
    union = heapq.nsmallest(KEPT, set(a) | set(b))
    shared = set(a) & set(b)
    return sum(1 for h in union if h in shared) / len(union)


_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def anchors(sections_html: list[str]) -> list[int]:
    """Hashes (signed 64-bit) of the longest paragraphs of sanitised HTML.

    >>> anchors(["<p>短</p><p>" + "一段足够长的文字，" * 5 + "</p>"]) == anchors(
    ...     ["<p>" + "一段足够长的文字" * 5 + "</p>"])
    True
    """
    flat = []
    for html in sections_html:
        for inner in _PARAGRAPH.findall(html):
            text = normalise(_TAG.sub("", inner))
            if len(text) >= ANCHOR_MIN:
                flat.append(text)
    longest = sorted(set(flat), key=len, reverse=True)[:ANCHORS]
    return sorted(
        int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "big", signed=True)
        for t in longest
    )
