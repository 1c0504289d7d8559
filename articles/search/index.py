"""The search index's upkeep: every article's tokens, kept in step with the
articles inside the transaction that changes them (``sync``, called by the
signals in ``apps.py``, ``index_new`` by the importer), and rebuilt whole by
``rebuild`` (the ``rebuild_search_index`` command, and ``migrate`` when a
migration says the tokens changed)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import TextIO

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.migrations import Migration

from articles.models import Article, Section
from articles.search import engines
from articles.search.text import article_minutes, document_tokens


def _document(article: Article, sections: Iterable[Section]) -> tuple[str, str]:
    return document_tokens(article.title, article.subtitle, [(s.heading, s.html) for s in sections])


# Index rows are keyed by recency: the publication day in the high bits, the
# article id in the low ones. Both engines then walk the matches newest
# first and stop after a page (FTS5 orders by rowid for free; PostgreSQL
# walks a b-tree on the key) instead of collecting every match and sorting.
ID_BITS = 32
ID_MASK = (1 << ID_BITS) - 1


def recency_key(published_on: date, article_id: int) -> int:
    return (published_on.toordinal() << ID_BITS) | article_id


def sync(article_ids: Iterable[int]) -> None:
    """Bring the index in line with these articles: (re)index or drop each,
    and keep each one's reading time in step with its sections."""
    ids = sorted(set(article_ids))
    if not ids:
        return
    pending = _deferred.get()
    if pending is not None:
        pending.update(ids)
        return
    for chunk in _chunks(ids, 500):
        articles = list(
            Article.objects.filter(id__in=chunk).only(
                "id", "title", "subtitle", "published_on", "reading_minutes"
            )
        )
        sections: dict[int, list[Section]] = {}
        for s in Section.objects.filter(article_id__in=chunk).only("article_id", "heading", "html"):
            sections.setdefault(s.article_id, []).append(s)
        _delete(chunk)  # those that are gone stay gone
        _insert([_row(a, *_document(a, sections.get(a.id, []))) for a in articles])
        changed = []
        for a in articles:
            minutes = article_minutes(s.html for s in sections.get(a.id, []))
            if a.reading_minutes != minutes:
                a.reading_minutes = minutes
                changed.append(a)
        Article.objects.bulk_update(changed, ["reading_minutes"])  # no signal: no loop


def index_new(docs: Iterable[tuple[Article, str, str]]) -> None:
    """Index new articles whose tokens are already known (the importer's
    workers compute them): ``(article, title tokens, body tokens)``."""
    _insert([_row(*doc) for doc in docs])


def _row(article: Article, title: str, body: str) -> tuple[int, int, str, str]:
    return (article.id, recency_key(article.published_on, article.id), title, body)


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _delete(ids: list[int]) -> None:
    engines.current().delete(ids)


def _insert(docs: list[tuple[int, int, str, str]]) -> None:
    if docs:
        engines.current().insert(docs)


_deferred: ContextVar[set[int] | None] = ContextVar("deferred_search_sync", default=None)


@contextmanager
def batch() -> Iterator[None]:
    """Collect the articles changed inside, and index each once at the end.

    Use it inside the transaction: the index changes with the data or not at
    all. On an exception nothing is indexed (the transaction rolls back).
    """
    if _deferred.get() is not None:
        yield
        return
    changed: set[int] = set()
    token = _deferred.set(changed)
    try:
        yield
    finally:
        _deferred.reset(token)
    sync(changed)


def rebuild() -> int:
    """Drop and rebuild the whole index; returns the number of articles."""
    engine = engines.current()
    engine.clear()
    ids = list(Article.objects.order_by("id").values_list("id", flat=True))
    sync(ids)
    engine.compact()
    return len(ids)


def rebuild_after_migrate(
    plan: list[tuple[Migration, bool]] | None = None,
    using: str = DEFAULT_DB_ALIAS,
    verbosity: int = 1,
    stdout: TextIO | None = None,
    **kwargs,
) -> None:
    """``post_migrate``: rebuild the index when ``migrate`` applied a
    migration marked ``rebuilds_search_index`` (the tokens changed, and an
    upgraded database must be searched as a new one is). After the last
    migration, so the schema is the one this code knows."""
    applied = (m for m, backwards in plan or () if not backwards)
    if using != DEFAULT_DB_ALIAS or not any(
        getattr(m, "rebuilds_search_index", False) for m in applied
    ):
        return
    with transaction.atomic():
        count = rebuild()
    if verbosity and count:  # a new database has nothing to say
        (stdout or sys.stdout).write(
            f"  Rebuilt the search index: {count} article{'' if count == 1 else 's'}\n"
        )
