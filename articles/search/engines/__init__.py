"""One module per database, behind the same small interface:

* index upkeep: ``insert(rows)``, ``delete(ids)``, ``clear()``, ``compact()``;
* a search: ``searching(ms)`` (the transaction it runs in: a time limit, and
  on PostgreSQL its planner settings), ``matches(terms, where, params)`` (the
  matches newest first, read a page at a time), ``matching_ids_sql(terms)``
  (for exclusions), ``scores(terms, pool)`` (relevance), ``listed(ids)``.

``current()`` is the one for the database in use.
"""

from __future__ import annotations

from types import ModuleType

from django.db import connection


def current() -> ModuleType:
    from articles.search.engines import postgres, sqlite

    return postgres if connection.vendor == "postgresql" else sqlite


def run(sql: str, params: list, limit: int, offset: int = 0) -> list[tuple[int, int]]:
    """(article id, recency key) rows of a statement, a page of them."""
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*params, limit, offset])
        return cursor.fetchall()


class SqlMatches:
    """Matches read by one statement, newest first."""

    def __init__(self, sql: str, params: list) -> None:
        self.sql, self.params = sql, params

    def fetch(self, limit: int, offset: int = 0) -> list[tuple[int, int]]:
        """(article id, recency key) of matches offset to offset + limit."""
        return run(self.sql, self.params, limit, offset)
