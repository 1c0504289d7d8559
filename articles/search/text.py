"""Chinese-aware tokens for full-text search, the same for SQLite and PostgreSQL.

Neither engine has a Chinese dictionary here, so Chinese is indexed the way
Lucene's CJK analyzer does it: every run of Chinese characters becomes its
overlapping two-character tokens, and a query term becomes the phrase of its
bigrams, which is exact substring matching. Latin letters and digits become
lower-case words, split where letters meet digits (``Qwen2`` -> ``qwen 2``).
Text and queries are folded alike (``articles.lib.text.fold``), Traditional
Chinese to Simplified included, so ``開源`` and ``开源`` find each other.

A lone character needs one more thing: ``熊`` is the first half of a bigram
everywhere but at the end of a run, so the last character of every run is
indexed too, after a separator at the end of the text, and a one-character
query is a prefix search (``熊*``) that finds both.

Pure Python and dependency-free; no Django here.
"""

from __future__ import annotations

import html
import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from articles.lib.text import HAN, fold, plain_text, simplified, without_nul

_TOKEN = re.compile(rf"([{HAN}]+)|([^\W\d_{HAN}]+)|(\d+)")
# Keeps phrases from running from the text into the tails.
SEPARATOR = "zzzend"


def index_text(text: str) -> str:
    """The space-separated tokens to index for a text.

    >>> index_text("港科大熊輝 GPT-4o")
    '港科 科大 大熊 熊辉 gpt 4 o zzzend 辉'
    """
    tokens: list[str] = []
    tails: list[str] = []
    for han, letters, digits in _TOKEN.findall(fold(text, simplify=True)):
        if han:
            if len(han) == 1:
                tokens.append(han)
            else:
                tokens.extend(map(operator.add, han, han[1:]))  # the bigrams
                tails.append(han[-1])
        else:
            tokens.append(letters or digits)
    if tails:
        tokens.append(SEPARATOR)
        tokens.extend(dict.fromkeys(tails))
    return " ".join(tokens)


# Readers take in about 400 Chinese characters or 200 English words a minute.
HAN_PER_MINUTE = 400
_WORDS_PER_MINUTE = 200
HAN_RUN = re.compile(f"[{HAN}]+")
_WORD = re.compile(rf"[^\W{HAN}]+")


def reading_minutes(text: str) -> int:
    """Minutes to read a text, at least one.

    >>> reading_minutes("字" * 1000 + " plus a few English words")
    3
    """
    han = sum(map(len, HAN_RUN.findall(text)))
    words = len(_WORD.findall(text))
    return max(1, round(han / HAN_PER_MINUTE + words / _WORDS_PER_MINUTE))


def article_minutes(sections_html: Iterable[str]) -> int:
    """An article's reading time, from its sections' HTML: stored on the
    article at import and whenever its sections change (``search.sync``).
    Capped where the column ends: a book-sized file reads "32,767 minutes"."""
    return min(reading_minutes(" ".join(plain_text(h) for h in sections_html)), 32_767)


def document_tokens(title: str, subtitle: str, sections: list[tuple[str, str]]) -> tuple[str, str]:
    """The tokens of an article's title and of its body (headings and HTML)."""
    body = " ".join(f"{heading} {plain_text(section_html)}" for heading, section_html in sections)
    return index_text(f"{title} {subtitle}"), index_text(body)


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
    for han, letters, digits in _TOKEN.findall(fold(term, simplify=True)):
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
    return bool(re.match(rf"[{HAN}]", token))


# --------------------------------------------------------------------------
# The query language


@dataclass
class Query:
    """What a reader typed, understood.

    ``"quoted phrase"``, ``-excluded``, ``#tag`` or ``tag:name``,
    ``from:YYYY-MM-DD`` and ``to:YYYY-MM-DD``; everything else is plain text.
    Syntax that does not parse is plain text too, so no input is an error.
    """

    terms: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list, repr=False)  # "paper", "code": must have them
    known_tags: dict[str, list[int]] = field(default_factory=dict, repr=False)  # name: tag ids
    date_from: date | None = None
    date_to: date | None = None


MAX_QUERY_LENGTH = 500
_QUERY_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
_DATE = re.compile(r"(from|to):(\d{4}-\d{2}-\d{2})", re.IGNORECASE)


def parse_query(text: str) -> Query:
    """
    >>> parse_query('蒸馏 "KV Cache" -OpenAI #阶跃星辰 from:2025-01-01 to:2025-13-01')
    Query(terms=['蒸馏', 'KV Cache', 'to:2025-13-01'], excluded=['OpenAI'], \
tags=['阶跃星辰'], date_from=datetime.date(2025, 1, 1), date_to=None)
    """
    query = Query()
    text = without_nul(text, " ")[:MAX_QUERY_LENGTH]
    if text.count('"') % 2:
        text = text.replace('"', " ")  # unbalanced: quotes are plain text
    for match in _QUERY_TOKEN.finditer(text):
        negated, quoted, word = match.groups()
        if word is None:
            target = query.excluded if negated else query.terms
            if term_phrases(quoted):
                target.append(quoted.strip())
            continue
        lower = word.lower()
        if when := _DATE.fullmatch(word):
            try:
                day = date.fromisoformat(when.group(2))
            except ValueError:
                pass
            else:
                if when.group(1).lower() == "from":
                    query.date_from = day
                else:
                    query.date_to = day
                continue
        if word.startswith("#") and len(word) > 1:
            query.tags.append(word[1:])
        elif lower.startswith("tag:") and len(word) > 4:
            query.tags.append(word[4:])
        elif word.startswith("-") and term_phrases(word[1:]):
            query.excluded.append(word[1:])
        elif term_phrases(word):
            query.terms.append(word)
    return query


# --------------------------------------------------------------------------
# Snippets

SNIPPET_LENGTH = 80


def term_pattern(terms: list[str]) -> re.Pattern[str] | None:
    """A regex finding the terms as a reader sees them in the text (once the
    text is folded by ``_fold_keep_length``).

    Chinese anywhere, Traditional or Simplified, Latin where a word starts,
    case-insensitive, with any punctuation or spacing between the parts of a
    term (``GPT-5``, ``GPT 5``).
    """
    parts = []
    for term in terms:
        pieces = [re.escape(p) for p in _PIECES.findall(fold(term, simplify=True))]
        if not pieces:
            continue
        start = "" if _is_han(pieces[0][0]) else rf"(?<![^\W_{HAN}])"
        parts.append(start + r"[\W_]*".join(pieces))
    if not parts:
        return None
    # Longest first, so that "小模型" wins over "模型".
    parts.sort(key=len, reverse=True)
    return re.compile("|".join(parts), re.IGNORECASE)


_PIECES = re.compile(rf"[{HAN}]+|[^\W_{HAN}]+")


def snippet(text: str, terms: list[str], length: int = SNIPPET_LENGTH) -> str:
    """About ``length`` characters of ``text`` around its first match, as safe
    HTML: escaped, with every match wrapped in ``<mark>``.

    >>> snippet("前面的话。OpenAI 用蒸馏训练了<b>小模型</b>。后面还有很多很多话。", ["蒸馏"], 20)
    '…OpenAI 用<mark>蒸馏</mark>训练了&lt;b&gt;小模型&lt;…'
    """
    text = " ".join(text.split())
    folded = _fold_keep_length(text)  # once: for Traditional text it costs
    pattern = term_pattern(terms)
    first = pattern.search(folded) if pattern else None
    start = 0
    if first is not None:
        # Start after a sentence end close before the match, else a little
        # before it, but never inside a Latin word.
        lookback = max(0, first.start() - length // 2)
        boundary = max(text.rfind(mark, lookback, first.start()) for mark in "。！？；.!?")
        if boundary >= 0:
            start = boundary + 1
        else:
            start = max(0, first.start() - length // 4)
            while start > 0 and _inside_word(text[start - 1 : start + 1]):
                start -= 1
    end = min(len(text), start + length)
    if pattern:
        # Never cut a match in half.
        for match in pattern.finditer(folded, start, min(len(text), end + 40)):
            if match.start() < end < match.end():
                end = match.end()
    window = text[start:end].strip()
    at = text.index(window, start) if window else start
    out = []
    last = 0
    for match in pattern.finditer(folded[at : at + len(window)]) if pattern else ():
        out.append(html.escape(window[last : match.start()]))
        out.append(f"<mark>{html.escape(window[match.start() : match.end()])}</mark>")
        last = match.end()
    out.append(html.escape(window[last:]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + "".join(out) + suffix


def _inside_word(pair: str) -> bool:
    return pair.isascii() and pair.isalnum()


def _fold_keep_length(text: str) -> str:
    """Fold a text as far as can be done without moving any character (NFKC
    could): lower case, and Simplified for Traditional, so that a match in it
    marks the same characters of the text as the reader wrote them."""
    folded = text.lower()
    return simplified(folded if len(folded) == len(text) else text)
