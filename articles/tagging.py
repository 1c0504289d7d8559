"""Automatic tags: which names of the vocabulary an article is about.

Pure Python, no Django. Latin names match case-insensitively as whole words
(``o1`` is not in ``o10`` or ``Po1``), Chinese names anywhere; at any place
in the text the longest name wins (``Claude 3.5 Opus`` rather than
``Claude``). A passing mention does not tag: the name must be in the title,
subtitle or lead, or come up MIN_MENTIONS times in the body.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

MIN_MENTIONS = 3
MAX_TAGS = 10  # the most named; a long article names everything once


def _is_word(text: str, i: int) -> bool:
    """Whether text[i] is a Latin letter or digit (a name cannot start or end
    inside a Latin word); False outside the text."""
    return 0 <= i < len(text) and text[i].isascii() and text[i].isalnum()


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


class Tagger:
    """Finds tags in texts; built once from ``(tag name, [names])`` pairs."""

    def __init__(self, vocabulary: Iterable[tuple[str, Iterable[str]]]) -> None:
        self.tag_of: dict[str, str] = {}
        for tag, names in vocabulary:
            for name in (tag, *names):
                key = " ".join(_fold(name).split())
                if key:
                    self.tag_of.setdefault(key, tag)
        # Names by their first two characters, longest first: the scan tries
        # only the few names that can start where it stands.
        self.by_start: dict[str, list[str]] = {}
        for key in sorted(self.tag_of, key=len, reverse=True):
            self.by_start.setdefault(key[:2], []).append(key)
        firsts = "".join(sorted({re.escape(k[0]) for k in self.by_start}))
        self.starts = re.compile(f"[{firsts}]") if firsts else None

    def mentions(self, text: str) -> Counter[str]:
        """How often each tag is named in a text.

        >>> Tagger([("o1", []), ("o1-mini", []), ("阶跃星辰", ["StepFun"])]).mentions(
        ...     "o1-mini 比 o10 和 Po1 强; 阶跃星辰(StepFun) 与 O1")
        Counter({'阶跃星辰': 2, 'o1-mini': 1, 'o1': 1})
        """
        found: Counter[str] = Counter()
        if self.starts is None:
            return found
        text = " ".join(_fold(text).split())
        by_start = self.by_start
        length = len(text)
        end = 0  # matches do not overlap
        for start in self.starts.finditer(text):
            i = start.start()
            if i < end:
                continue
            names = by_start.get(text[i : i + 2]) or by_start.get(text[i])
            if not names:
                continue
            # A Latin name cannot start inside a Latin word (inlined: this
            # runs for every place a name could start).
            c = text[i]
            if (
                c.isascii()
                and c.isalnum()
                and i
                and text[i - 1].isascii()
                and text[i - 1].isalnum()
            ):
                continue
            for key in names:
                after = i + len(key)
                if text.startswith(key, i) and not (
                    after < length
                    and text[after].isascii()
                    and text[after].isalnum()
                    and text[after - 1].isascii()
                    and text[after - 1].isalnum()
                ):
                    found[self.tag_of[key]] += 1
                    end = after
                    break
        return found

    def tags(self, title: str, subtitle: str, lead: str, body: str) -> list[str]:
        """Tags for an article: named up front, or often enough in the body."""
        up_front = self.mentions(f"{title}\n{subtitle}\n{lead}")
        in_body = self.mentions(body)
        chosen = {t for t in up_front} | {t for t, n in in_body.items() if n >= MIN_MENTIONS}
        # Most mentioned first, then by name: a stable order for tests and pages.
        total = up_front + in_body
        return sorted(chosen, key=lambda t: (-total[t], t))[:MAX_TAGS]
