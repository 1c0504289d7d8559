"""Is this article one we have already? Pure Python, no Django.

Two measures of an article's text (title and paragraphs):

- a fingerprint of its normalised text (case, width, whitespace, punctuation
  and the mirrors' broken entities ignored): equal fingerprints are the same
  article, scraped again;
- a bottom-k MinHash sketch of its 5-character shingles: the KEPT smallest
  shingle hashes. Two sketches estimate the Jaccard similarity of the shingle
  sets; at NEAR or more the texts are the same story with a few sentences
  changed or cut. The LOOKUP smallest hashes go into an index, so finding
  candidates reads a few index entries, never every article.
"""

from __future__ import annotations

import hashlib
import heapq
import re
import unicodedata
import zlib

SHINGLE = 5
KEPT = 64
LOOKUP = 8
NEAR = 0.9

_NOISE = re.compile(r"#x[0-9a-f]{2,6};?|#[0-9a-z]{2}(?![0-9a-z])|[\W_]+")


def normalise(text: str) -> str:
    """
    >>> normalise("OpenAI 的#xff0c;新模型，  GPT-4o！")
    'openai的新模型gpt4o'
    """
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).lower())


def fingerprint(text: str) -> str:
    return hashlib.blake2b(normalise(text).encode(), digest_size=16).hexdigest()


def sketch(text: str) -> list[int]:
    """The KEPT smallest hashes of the text's shingles, ascending."""
    flat = normalise(text)
    shingles = {flat[i : i + SHINGLE] for i in range(max(1, len(flat) - SHINGLE + 1))}
    return heapq.nsmallest(KEPT, {zlib.crc32(s.encode()) for s in shingles if s})


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of the texts behind two sketches.

    >>> similarity(sketch("一二三四五六七八九十" * 3), sketch("一二三四五六七八九十" * 3))
    1.0
    """
    if not a or not b:
        return 0.0
    union = heapq.nsmallest(KEPT, set(a) | set(b))
    shared = set(a) & set(b)
    return sum(1 for h in union if h in shared) / len(union)
