"""Give a damaged copy back the punctuation and line breaks of its original.

The mirrors strip fullwidth punctuation and collapse line breaks, but keep
every letter, digit and Han character. So the two texts are compared on the
stream of characters they share (NFKC, case folded, spaces, punctuation and
symbols dropped: ``common.letters``), and what sits *between* two matched
characters in the original — punctuation, spaces, line breaks — is put
between the same two characters of the stored copy. Nothing else is ever
taken from the original: text only the original has (captions, its own
navigation) is skipped, and text only the stored copy has (spam lines) stays
as it is. A wrong page matches little of the stored copy and is refused by
its coverage. The original is extracted text (never HTML: its markup would
sit between the characters). ``align_parts`` restores an article's title,
subtitle, headings and paragraphs together.

Matching is bounded: unique 8-character shingles found in both texts anchor
the alignment (the longest run of them in the same order), and only the gaps
between anchors go through ``difflib`` — with shorter shingles first when a
gap is too large for it.

>>> a = align("OpenAI发布GPT-5 性能提升30%", "OpenAI 发布了 GPT-5！\\n性能提升 30%。")
>>> a.restored, a.accepted
('OpenAI 发布 GPT-5！\\n性能提升 30%。', True)
"""

from __future__ import annotations

import bisect
import difflib
import functools
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from ..lib.text import fold
from .formats.common import decode_entities, letters

MIN_COVERAGE = 0.95
# Shingle length of the first anchors: eight Han characters or letters are
# rarely repeated by chance, so a shingle unique in both texts is a safe match.
_SHINGLE = 8
_SHORTEST_SHINGLE = 3
# difflib is quadratic in the worst case: gaps larger than this (product of
# the two lengths) are anchored again with shorter shingles first.
_DIFFLIB_CELLS = 200_000
# In gaps larger than this, a match shorter than _MIN_BLOCK is chance (a
# common character of a spam line found in a caption), not the same text.
_SMALL_GAP = 8
_MIN_BLOCK = 3
_SPACE_RUN = re.compile(r" {2,}")


class Refusal(StrEnum):
    EMPTY = "empty"  # the stored text has no letters, digits or Han characters
    EMPTY_ORIGINAL = "empty_original"  # the original has none
    LOW_COVERAGE = "low_coverage"  # too little of the stored text is in the original


class ChangeKind(StrEnum):
    PUNCTUATION = "punctuation"
    SPACE = "space"
    LINE_BREAK = "line_break"
    PARAGRAPH = "paragraph"  # a blank line: a paragraph or heading boundary


class Op(StrEnum):
    EQUAL = "equal"
    DELETE = "delete"
    INSERT = "insert"


@dataclass(frozen=True)
class Change:
    """One gap between two characters of the stored text, shown differently.

    ``start``/``end`` are offsets in the stored text (``old`` is
    ``stored[start:end]``, possibly empty), ``at`` the offset of ``new`` in
    the restored text."""

    kind: ChangeKind
    start: int
    end: int
    old: str
    new: str
    at: int


@dataclass(frozen=True)
class Piece:
    """A run of a readable diff: unchanged text, removed or inserted."""

    op: Op
    text: str


@dataclass
class Alignment:
    stored: str
    restored: str  # the stored text itself when refused
    coverage: float  # share of the stored text's content characters found in the original
    accepted: bool
    reason: Refusal | None = None
    changes: list[Change] = field(default_factory=list)
    matched: int = 0  # content characters of the stored text matched
    total: int = 0  # content characters of the stored text

    @property
    def pieces(self) -> list[Piece]:
        """The stored text with its changes, for an editor to read.

        >>> [(p.op.value, p.text) for p in align("你好世界", "你好，世界。").pieces]
        [('equal', '你好'), ('insert', '，'), ('equal', '世界'), ('insert', '。')]
        """
        pieces: list[Piece] = []

        def add(op: Op, text: str) -> None:
            if not text:
                return
            if pieces and pieces[-1].op == op:
                pieces[-1] = Piece(op, pieces[-1].text + text)
            else:
                pieces.append(Piece(op, text))

        pos = 0
        for change in self.changes:
            add(Op.EQUAL, self.stored[pos : change.start])
            old, new = change.old, change.new
            # What the gap keeps ("。" of "。 " becoming "。\n\n") reads as kept.
            head = len(os.path.commonprefix([old, new]))
            tail = len(os.path.commonprefix([old[head:][::-1], new[head:][::-1]]))
            add(Op.EQUAL, old[:head])
            add(Op.DELETE, old[head : len(old) - tail])
            add(Op.INSERT, new[head : len(new) - tail])
            add(Op.EQUAL, old[len(old) - tail :])
            pos = change.end
        add(Op.EQUAL, self.stored[pos:])
        return pieces


def align(stored: str, original: str, *, min_coverage: float = MIN_COVERAGE) -> Alignment:
    """The stored text with the punctuation, spaces and line breaks of the
    original where both have the same characters around them.

    HTML entities of the stored copy (whole or broken by the mirror,
    ``#xff0c;``) are decoded first: the restored text has the characters
    they stand for. A refused alignment has the stored text unchanged and no
    changes, with the coverage that was found."""
    return align_parts([stored], original, min_coverage=min_coverage).parts[0]


@dataclass
class Restoration:
    """Several texts of one article (title, subtitle, headings, paragraphs)
    aligned with one original, accepted or refused together."""

    parts: list[Alignment]
    coverage: float
    accepted: bool
    reason: Refusal | None = None


def align_parts(
    parts: Sequence[str], original: str, *, min_coverage: float = MIN_COVERAGE
) -> Restoration:
    """Align the parts as one text, in their order, and restore each alone.

    A short part (a heading, a title) is placed by its neighbours instead of
    at the first place of the page that has its characters. Each part's
    edges take only what belongs to it: the closing marks after its last
    character, the opening marks before its first. Each part's ``coverage``
    is its own; ``accepted`` and ``reason`` are the whole's.

    >>> r = align_parts(["新模型发布", "价格低 性能强"], "新模型发布！\\n\\n价格低，性能强。")
    >>> [p.restored for p in r.parts], r.accepted
    (['新模型发布！', '价格低，性能强。'], True)
    """
    texts = [decode_entities(part) for part in parts]
    streams = [_stream(text) for text in texts]
    content = "".join(stream.content for stream in streams)
    theirs = _prepared(original)
    if not content or not theirs.content:
        reason = Refusal.EMPTY if not content else Refusal.EMPTY_ORIGINAL
        return _refused(streams, [-1] * len(content), reason)

    match = _match(content, theirs)
    coverage = sum(1 for j in match if j >= 0) / len(content)
    if coverage < min_coverage:
        return _refused(streams, match, Refusal.LOW_COVERAGE)
    aligned = []
    offset = 0
    for stream in streams:
        own = match[offset : offset + len(stream.content)]
        offset += len(own)
        restored, changes = _restore(stream, theirs, own)
        aligned.append(_alignment(stream, own, True, None, restored, changes))
    return Restoration(aligned, coverage, True)


def _refused(streams: list[_Stream], match: list[int], reason: Refusal) -> Restoration:
    aligned = []
    offset = 0
    for stream in streams:
        own = match[offset : offset + len(stream.content)]
        offset += len(own)
        aligned.append(_alignment(stream, own, False, reason, stream.text, []))
    matched = sum(1 for j in match if j >= 0)
    return Restoration(aligned, matched / len(match) if match else 0.0, False, reason)


def _alignment(
    stream: _Stream,
    match: list[int],
    accepted: bool,
    reason: Refusal | None,
    restored: str,
    changes: list[Change],
) -> Alignment:
    matched = sum(1 for j in match if j >= 0)
    coverage = matched / len(match) if match else 0.0
    return Alignment(
        stream.text, restored, coverage, accepted, reason, changes, matched, len(match)
    )


# --------------------------------------------------------------------------
# The content stream


@dataclass
class _Stream:
    """A text's content characters, each with the offset of the character of
    the text it came from (one character each, NFKC may make several)."""

    text: str
    content: str
    starts: list[int]
    shingles: dict[str, int] = field(default_factory=dict)  # unique ones, of the original

    def gap_after(self, j: int) -> str:
        """What the text has between content characters j and j + 1."""
        if j + 1 >= len(self.starts):
            return self.text[self.starts[j] + 1 :]
        return self.text[self.starts[j] + 1 : self.starts[j + 1]]  # empty inside one character

    def gap_before(self, j: int) -> str:
        return self.text[: self.starts[j]] if j == 0 else self.gap_after(j - 1)


@functools.lru_cache(maxsize=8192)
def _content_of(char: str) -> str:
    return letters(fold(char))


def _stream(text: str) -> _Stream:
    contents = {char: _content_of(char) for char in set(text)}
    if all(len(content) <= 1 for content in contents.values()):
        # The usual case, one character for one: comprehensions, not a loop.
        kept = {char for char, content in contents.items() if content}
        starts = [i for i, char in enumerate(text) if char in kept]
        table = {ord(char): content or None for char, content in contents.items()}
        return _Stream(text, text.translate(table), starts)
    chars: list[str] = []
    starts = []
    for i, char in enumerate(text):
        for c in contents[char]:  # 'ﬁ' is 'fi'
            chars.append(c)
            starts.append(i)
    return _Stream(text, "".join(chars), starts)


@functools.lru_cache(maxsize=4)
def _prepared(original: str) -> _Stream:
    """The original's stream and shingle index, kept: every article of a
    digest (and its title) is aligned with the same original page."""
    stream = _stream(original)
    stream.shingles = _unique_shingles(stream.content, 0, len(stream.content), _SHINGLE)
    return stream


def _unique_shingles(text: str, lo: int, hi: int, k: int) -> dict[str, int]:
    """Each k-character shingle of text[lo:hi] seen once, with its offset (-1 if repeated)."""
    seen: dict[str, int] = {}
    for i in range(lo, hi - k + 1):
        shingle = text[i : i + k]
        seen[shingle] = -1 if shingle in seen else i
    return seen


# --------------------------------------------------------------------------
# Matching


def _match(mine: str, theirs: _Stream) -> list[int]:
    """For each content character of the stored text, the offset of the same
    character in the original's content, or -1; matched offsets increase."""
    match = [-1] * len(mine)
    found = theirs.content.find(mine)
    if found >= 0:  # the whole text in one piece: a title, a clean copy
        return list(range(found, found + len(mine)))
    _fill(mine, theirs.content, match, 0, len(mine), 0, len(theirs.content), _SHINGLE,
          left=False, right=False, index=theirs.shingles)  # fmt: skip
    return match


def _fill(
    mine: str,
    theirs: str,
    match: list[int],
    s0: int,
    s1: int,
    o0: int,
    o1: int,
    k: int,
    *,
    left: bool,
    right: bool,
    index: dict[str, int] | None = None,
) -> None:
    """Match mine[s0:s1] with theirs[o0:o1]; ``left``/``right`` say whether
    the gap is held by a match on that side."""
    if s1 <= s0 or o1 <= o0:
        return
    # A gap held on one side only is the start or end of the stored text:
    # its match, if any, lies next to the anchor, not anywhere on the page.
    reach = 2 * (s1 - s0) + 32
    if right and not left:
        o0 = max(o0, o1 - reach)
    elif left and not right:
        o1 = min(o1, o0 + reach)

    if (s1 - s0) * (o1 - o0) <= _DIFFLIB_CELLS:
        _diff(mine, theirs, match, s0, s1, o0, o1)
        return
    if k < _SHORTEST_SHINGLE:
        return

    pairs = _anchors(mine, theirs, s0, s1, o0, o1, k, index)
    # Between anchors (and at both ends), shorter shingles or difflib.
    prev_s, prev_o, held = s0 - 1, o0 - 1, left
    for s, o in pairs:
        if s > prev_s + 1 and o > prev_o + 1:
            _fill(mine, theirs, match, prev_s + 1, s, prev_o + 1, o, k // 2, left=held, right=True)
        match[s] = o
        prev_s, prev_o, held = s, o, True
    _fill(mine, theirs, match, prev_s + 1, s1, prev_o + 1, o1, k // 2, left=held, right=right)


def _anchors(
    mine: str,
    theirs: str,
    s0: int,
    s1: int,
    o0: int,
    o1: int,
    k: int,
    index: dict[str, int] | None,
) -> list[tuple[int, int]]:
    """Character pairs covered by the longest series of shingles unique in
    both ranges and in the same order in both, each pair after the last."""
    if index is None:
        index = _unique_shingles(theirs, o0, o1, k)
    own = _unique_shingles(mine, s0, s1, k)
    candidates = [
        (s, o)
        for shingle, s in own.items()
        if s >= 0 and (o := index.get(shingle, -1)) >= 0 and o0 <= o and o + k <= o1
    ]
    candidates.sort()
    chain = _increasing(candidates)
    pairs: list[tuple[int, int]] = []
    last_s, last_o = s0 - 1, o0 - 1
    for s, o in chain:
        # Overlapping shingles may disagree by a few characters: keep the
        # part of each that comes after the last pair on both sides.
        skip = max(0, last_s + 1 - s, last_o + 1 - o)
        for t in range(skip, k):
            pairs.append((s + t, o + t))
        if skip < k:
            last_s, last_o = s + k - 1, o + k - 1
    return pairs


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of pairs (sorted by the first) whose second
    items increase too: patience sorting, O(n log n)."""
    tails: list[int] = []  # the smallest last 'o' of an increasing run of each length
    tail_at: list[int] = []  # index into pairs of that last element
    parent = [-1] * len(pairs)
    for i, (_, o) in enumerate(pairs):
        n = bisect.bisect_left(tails, o)
        if n == len(tails):
            tails.append(o)
            tail_at.append(i)
        else:
            tails[n] = o
            tail_at[n] = i
        parent[i] = tail_at[n - 1] if n else -1
    chain = []
    i = tail_at[-1] if tail_at else -1
    while i >= 0:
        chain.append(pairs[i])
        i = parent[i]
    return chain[::-1]


def _diff(mine: str, theirs: str, match: list[int], s0: int, s1: int, o0: int, o1: int) -> None:
    matcher = difflib.SequenceMatcher(None, mine[s0:s1], theirs[o0:o1], autojunk=False)
    shortest = 1 if max(s1 - s0, o1 - o0) <= _SMALL_GAP else _MIN_BLOCK
    for a, b, size in matcher.get_matching_blocks():
        if size >= shortest:
            for t in range(size):
                match[s0 + a + t] = o0 + b + t


# --------------------------------------------------------------------------
# Restoring


def _restore(mine: _Stream, theirs: _Stream, match: list[int]) -> tuple[str, list[Change]]:
    out: list[str] = []
    changes: list[Change] = []
    length = 0  # of the restored text so far
    pos = 0  # in the stored text
    n = len(mine.content)
    for b in range(n + 1):
        # Boundary b lies between content characters b - 1 and b.
        start = mine.starts[b - 1] + 1 if b else 0
        end = mine.starts[b] if b < n else len(mine.text)
        if start > end:
            continue  # both come from one character ('ﬁ')
        old = mine.text[start:end]
        left = match[b - 1] if b else -1
        right = match[b] if b < n else -1
        new = _gap(old, theirs, left, right, edge=b in (0, n))
        if new == old:
            continue
        out.append(mine.text[pos:start])
        length += start - pos
        changes.append(Change(_kind(old, new), start, end, old, new, length))
        out.append(new)
        length += len(new)
        pos = end
    out.append(mine.text[pos:])
    return "".join(out), changes


def _gap(old: str, theirs: _Stream, left: int, right: int, *, edge: bool) -> str:
    """What goes between two content characters of the stored text, given
    the original characters they matched (-1: none)."""
    if left >= 0 and right == left + 1:
        new = _allowed(theirs.gap_after(left), old)
        if old.strip() and not new.strip():
            return _with_breaks(old, new)  # the stored copy's own '-' or '.' stays
        return new
    after = theirs.gap_after(left) if left >= 0 else ""
    before = theirs.gap_before(right) if right >= 0 else ""
    head = _allowed(_closing(after), old)
    tail = _allowed(_opening(before), old)
    mark = old.strip()
    breaks = max(_spaces(after), _spaces(before), key=_weight)
    if mark and mark not in head + tail:
        # The stored copy shows other punctuation here, and the original has
        # text in between: keep the copy's, with the original's line break.
        return _with_breaks(old, breaks)
    if left >= 0 and right >= 0 and not edge:
        return head + breaks + tail
    # Next to text the original lacks, or at either end: the copy's own
    # spacing, made a line break where the original has one.
    return head + _with_breaks(_spaces(old), breaks) + tail


def _allowed(text: str, old: str) -> str:
    """Only spaces and punctuation come from the original (symbols too when
    the stored copy has them already): never a letter, digit or emoji."""
    kept = "".join(c for c in text if c.isspace() or unicodedata.category(c)[0] in "PZ" or c in old)
    # ' → ' without its arrow is one space, not two.
    return _SPACE_RUN.sub(" ", kept) if len(kept) < len(text) else kept


def _closing(gap: str) -> str:
    """The marks that close what comes before: '。”' of '。”\\n\\n图',
    '：' of '：《'."""
    end = 0
    while end < len(gap) and not gap[end].isspace() and not _opens(gap[end]):
        end += 1
    return gap[:end]


def _opening(gap: str) -> str:
    """The marks that open what comes after: '“' of '\\n“', '《' of '：《'."""
    start = len(gap)
    while start and _opens(gap[start - 1]):
        start -= 1
    return gap[start:]


def _opens(char: str) -> bool:
    return unicodedata.category(char) in ("Ps", "Pi")


def _spaces(gap: str) -> str:
    return "".join(c for c in gap if c.isspace())


def _weight(spaces: str) -> tuple[int, int]:
    return spaces.count("\n"), len(spaces)


def _with_breaks(old: str, breaks: str) -> str:
    """The stored gap, its spaces made the original's line breaks when the
    original has some there (the mirror collapsed them into a space)."""
    if "\n" not in breaks:
        return old
    stripped = old.strip()
    if not stripped:
        return breaks if old else old
    lead = breaks if old[0].isspace() else ""
    trail = breaks if old[-1].isspace() else ""
    return lead + stripped + trail


def _kind(old: str, new: str) -> ChangeKind:
    if new.count("\n") >= 2 and old.count("\n") < 2:
        return ChangeKind.PARAGRAPH
    if new.count("\n") > old.count("\n"):
        return ChangeKind.LINE_BREAK
    if new.strip() != old.strip():
        return ChangeKind.PUNCTUATION
    return ChangeKind.SPACE
