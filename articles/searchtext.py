"""Chinese-aware tokens for full-text search, the same for SQLite and PostgreSQL.

Neither engine has a Chinese dictionary here, so Chinese is indexed the way
Lucene's CJK analyzer does it: every run of Chinese characters becomes its
overlapping two-character tokens, and a query term becomes the phrase of its
bigrams, which is exact substring matching. Latin letters and digits become
lower-case words, split where letters meet digits (``Qwen2`` -> ``qwen 2``).

A lone character needs one more thing: ``熊`` is the first half of a bigram
everywhere but at the end of a run, so the last character of every run is
indexed too, after a separator at the end of the text, and a one-character
query is a prefix search (``熊*``) that finds both.

Pure Python and dependency-free; no Django here.
"""

from __future__ import annotations

import re
import unicodedata

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"([{_HAN}]+)|([^\W\d_{_HAN}]+)|(\d+)")
# Keeps phrases from running from the text into the tails.
SEPARATOR = "zzzend"


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def index_text(text: str) -> str:
    """The space-separated tokens to index for a text.

    >>> index_text("港科大熊辉 GPT-4o")
    '港科 科大 大熊 熊辉 gpt 4 o zzzend 辉'
    """
    tokens: list[str] = []
    tails: list[str] = []
    for han, letters, digits in _TOKEN.findall(_fold(text)):
        if han:
            if len(han) == 1:
                tokens.append(han)
            else:
                tokens.extend(han[i : i + 2] for i in range(len(han) - 1))
                tails.append(han[-1])
        else:
            tokens.append(letters or digits)
    if tails:
        tokens.append(SEPARATOR)
        tokens.extend(dict.fromkeys(tails))
    return " ".join(tokens)


def term_phrases(term: str) -> list[tuple[list[str], bool]]:
    """How to find one query term: phrases that must all match.

    Each phrase is ``(tokens, prefix)``; with ``prefix`` its last token
    matches any token it starts (a lone Chinese character, or the last Latin
    word so that ``Open`` finds ``OpenAI``). A term that mixes a lone Chinese
    character into Latin words is split, as the tails sit apart from the text.

    >>> term_phrases("小模型")
    [(['小模', '模型'], False)]
    >>> term_phrases("GPT-5")
    [(['gpt', '5'], True)]
    >>> term_phrases("熊")
    [(['熊'], True)]
    """
    phrases: list[tuple[list[str], bool]] = []
    current: list[str] = []
    for han, letters, digits in _TOKEN.findall(_fold(term)):
        if han and len(han) == 1:
            if current:
                phrases.append((current, False))
                current = []
            phrases.append(([han], True))
        elif han:
            current.extend(han[i : i + 2] for i in range(len(han) - 1))
        else:
            current.append(letters or digits)
    if current:
        last_is_word = not _is_han(current[-1])
        phrases.append((current, last_is_word))
    return phrases


def _is_han(token: str) -> bool:
    return bool(re.match(rf"[{_HAN}]", token))
