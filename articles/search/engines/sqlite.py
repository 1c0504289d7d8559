"""The search on SQLite: an FTS5 table whose rowid is the recency key, so
matches come newest first for free, and BM25 for best match."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection

from articles.search.engines import SqlMatches
from articles.search.index import ID_MASK
from articles.search.text import term_phrases

# -- index upkeep -----------------------------------------------------------------


def insert(rows: list[tuple[int, int, str, str]]) -> None:
    """(article id, key, title tokens, body tokens) rows into the index."""
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO articles_search (rowid, title, body) VALUES (%s, %s, %s)",
            [(key, title, body) for _, key, title, body in rows],
        )
        cursor.executemany(
            "INSERT INTO articles_search_key (article_id, key) VALUES (%s, %s)",
            [(article_id, key) for article_id, key, _, _ in rows],
        )


def delete(ids: list[int]) -> None:
    marks = ",".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM articles_search WHERE rowid IN"
            f" (SELECT key FROM articles_search_key WHERE article_id IN ({marks}))",
            ids,
        )
        cursor.execute(f"DELETE FROM articles_search_key WHERE article_id IN ({marks})", ids)


def clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM articles_search")
        cursor.execute("DELETE FROM articles_search_key")


def compact() -> None:
    """Merge the index into one b-tree after a rebuild: half the size."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO articles_search (articles_search) VALUES ('optimize')")


# -- a search -------------------------------------------------------------------------


@contextmanager
def searching(ms: int) -> Iterator[None]:
    """Any statement running longer than ``ms`` is interrupted
    (OperationalError)."""
    connection.ensure_connection()
    raw = connection.connection
    deadline = time.monotonic() + ms / 1000
    raw.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


def fts5_match(terms: list[str]) -> str:
    """An FTS5 MATCH expression, every token quoted: no input can break it."""
    groups = []
    for term in terms:
        for tokens, prefix in term_phrases(term):
            groups.append('"' + " ".join(tokens) + '"' + ("*" if prefix else ""))
    return " AND ".join(groups)


def matching_ids_sql(terms: list[str]) -> tuple[str, list[str]]:
    return (
        f"SELECT rowid & {ID_MASK} FROM articles_search WHERE articles_search MATCH %s",
        [fts5_match(terms)],
    )


def matches(terms: list[str], where: str, params: list) -> SqlMatches:
    return SqlMatches(
        f"SELECT s.rowid & {ID_MASK} AS aid, s.rowid AS akey FROM articles_search s"
        f" JOIN articles_article a ON a.id = s.rowid & {ID_MASK}"
        f" WHERE s.articles_search MATCH %s AND {where}"
        " ORDER BY s.rowid DESC",
        [fts5_match(terms), *params],
    )


def scores(terms: list[str], pool: list[tuple[int, int]]) -> dict[int, float]:
    # FTS5 would run the whole match once per id of an IN list; the pool is
    # a range of rowids, which it walks in one pass.
    keys = [key for _, key in pool]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid & {ID_MASK}, -rank FROM articles_search"
            " WHERE articles_search MATCH %s AND rowid BETWEEN %s AND %s",
            [fts5_match(terms), min(keys), max(keys)],
        )
        return dict(cursor.fetchall())


def listed(ids: Iterable[int]) -> str:
    return f"IN ({','.join(str(int(i)) for i in ids)})"
