"""Automatic tags: which names of the vocabulary an article is about.

Pure Python, no Django. Latin names match case-insensitively as whole words
(``o1`` is not in ``o10`` or ``Po1``), Chinese names anywhere, in Traditional
or Simplified characters (``開源`` names ``开源``); at any place
in the text the longest name wins (``Claude 3.5 Opus`` rather than
``Claude``). A passing mention does not tag: the name must be in the title,
subtitle or lead, or come up MIN_MENTIONS times in the body.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from articles.lib.text import fold

MIN_MENTIONS = 3
MAX_TAGS = 10  # the most named; a long article names everything once


def _is_word(c: str) -> bool:
    """Whether c is a Latin letter or digit (a name cannot start or end inside
    a Latin word)."""
    return c.isascii() and c.isalnum()


def _names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One regular expression for all names, shaped as a trie.

    At each place the longest name wins (a longer branch is tried before a
    name ends), and a Latin name must not start or end inside a Latin word.
    Every branch starts with a literal, so the regex engine skips the places
    where no name starts, and at the others the branches that cannot match,
    without leaving C.
    """
    trie: dict = {}
    for name in names:
        node = trie
        for c in name:
            node = node.setdefault(c, {})
        node[""] = {}

    def branches(node: dict, last: str) -> str:
        alternatives = []
        for c in sorted(node, key=lambda c: c == ""):  # a name ending here comes last
            if c:
                alternatives.append(re.escape(c) + branches(node[c], c))
            else:
                alternatives.append("(?![a-z0-9])" if _is_word(last) else "")
        return alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"

    # The look-behind comes after the first character: a branch that starts
    # with a literal is skipped at once where that character is not.
    top = [
        re.escape(c) + ("(?<![a-z0-9].)" if _is_word(c) else "") + branches(trie[c], c)
        for c in sorted(trie)
    ]
    return re.compile("|".join(top)) if top else None


class Tagger:
    """Finds tags in texts; built once from ``(tag name, [names])`` pairs."""

    def __init__(self, vocabulary: Iterable[tuple[str, Iterable[str]]]) -> None:
        self.tag_of: dict[str, str] = {}
        for tag, names in vocabulary:
            for name in (tag, *names):
                key = " ".join(fold(name, simplify=True).split())
                if key:
                    self.tag_of.setdefault(key, tag)
        self.pattern = _names_pattern(self.tag_of)

    def mentions(self, text: str) -> Counter[str]:
        """How often each tag is named in a text.

        >>> Tagger([("o1", []), ("o1-mini", []), ("阶跃星辰", ["StepFun"])]).mentions(
        ...     "o1-mini 比 o10 和 Po1 强; 阶跃星辰(StepFun) 与 O1, 階躍星辰")
        Counter({'阶跃星辰': 3, 'o1-mini': 1, 'o1': 1})
        """
        if self.pattern is None:
            return Counter()
        text = " ".join(fold(text, simplify=True).split())
        return Counter(self.tag_of[m.group()] for m in self.pattern.finditer(text))

    def tags(self, title: str, subtitle: str, lead: str, body: str) -> list[str]:
        """Tags for an article: named up front, or often enough in the body."""
        up_front = self.mentions(f"{title}\n{subtitle}\n{lead}")
        in_body = self.mentions(body)
        chosen = {t for t in up_front} | {t for t, n in in_body.items() if n >= MIN_MENTIONS}
        # Most mentioned first, then by name: a stable order for tests and pages.
        total = up_front + in_body
        return sorted(chosen, key=lambda t: (-total[t], t))[:MAX_TAGS]
