"""The search on PostgreSQL: a table of tsvectors with a GIN index that also
holds the recency key (btree_gin), so a search takes the newest matches of
its tokens from the index alone."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from articles.search.engines import SqlMatches, run
from articles.search.text import term_phrases

# -- index upkeep -----------------------------------------------------------------


def insert(rows: list[tuple[int, int, str, str]]) -> None:
    """(article id, key, title tokens, body tokens) rows into the index."""
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO articles_search (article_id, key, document) VALUES (%s, %s, "
            "setweight(to_tsvector('simple', %s), 'A') || to_tsvector('simple', %s))",
            rows,
        )


def delete(ids: list[int]) -> None:
    marks = ",".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM articles_search WHERE article_id IN ({marks})", ids)


def clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM articles_search")


def compact() -> None:
    """Nothing here: VACUUM FULL cannot run in a transaction (README)."""


# -- a search -------------------------------------------------------------------------


# How a search's transaction plans on PostgreSQL. The planner counts nothing
# for reading a tsvector from TOAST, so left alone it scans every row for a
# common token, and hashes every article to join a page's matches to them
# rather than looking each one up (figures: bench/README.md).
_PLANNER = {"enable_seqscan": "off", "enable_hashjoin": "off"}


@contextmanager
def searching(ms: int) -> Iterator[None]:
    """The transaction a search runs in: any statement that runs longer than
    ``ms`` is aborted with OperationalError, and the planner follows _PLANNER
    (see _matches_by_index)."""
    # Local settings end with the transaction, or with the savepoint when it
    # rolls back. Inside an outer transaction they would outlive the search,
    # so put them back by hand there when all went well.
    wanted = {"statement_timeout": str(ms), **_PLANNER}
    outer = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT "
            + ", ".join(["current_setting(%s)"] * len(wanted))
            + ", "
            + ", ".join(["set_config(%s, %s, true)"] * len(wanted)),
            [*wanted, *(x for pair in wanted.items() for x in pair)],
        )
        before = cursor.fetchone()[: len(wanted)]
        yield
        if outer:
            cursor.execute(
                "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(wanted)),
                [x for pair in zip(wanted, before, strict=True) for x in pair],
            )


def tsquery(terms: list[str], phrases: bool = True) -> str:
    """A to_tsquery expression of the terms; tokens are letters and digits only.

    Without ``phrases`` the tokens of a phrase need only all be there: the GIN
    index answers that alone, while checking their order reads the row's
    whole tsvector.
    """
    groups = []
    for term in terms:
        for tokens, prefix in term_phrases(term):
            quoted = [f"'{t}'" for t in tokens]
            if prefix:
                quoted[-1] += ":*"
            groups.append("(" + (" <-> " if phrases else " & ").join(quoted) + ")")
    return " & ".join(groups)


def matching_ids_sql(terms: list[str]) -> tuple[str, list[str]]:
    return (
        "SELECT article_id FROM articles_search WHERE document @@ to_tsquery('simple', %s)",
        [tsquery(terms)],
    )


class _WindowedMatches(SqlMatches):
    """The first matches among the WINDOW newest index rows, then, if too
    few, among the older ones; later pages in one statement."""

    def __init__(self, terms: list[str], where: str, params: list) -> None:
        self.terms, self.where, self.where_params = terms, where, params
        super().__init__(*_matches_by_index(terms, where, params))

    def fetch(self, limit: int, offset: int = 0) -> list[tuple[int, int]]:
        if offset:
            return super().fetch(limit, offset)
        match = (self.terms, self.where, self.where_params)
        rows = run(*_matches_by_index(*match, window=">="), limit)
        if len(rows) < limit:
            rows += run(*_matches_by_index(*match, window="<"), limit - len(rows))
        return rows


def matches(terms: list[str], where: str, params: list) -> SqlMatches:
    if _short_prefix(terms):
        return SqlMatches(*_matches_by_walk(terms, where, params))
    return _WindowedMatches(terms, where, params)


# PostgreSQL reads the newest matches of a term among this many of the newest
# index rows first (see _matches_by_index).
WINDOW = 5000


def _matches_by_index(
    terms: list[str], where: str, params: list, window: str = ""
) -> tuple[str, list]:
    """The SQL of the matches, newest first, for terms
    without a short prefix: with ``window`` ``">="`` among the WINDOW newest
    index rows only, with ``"<"`` among the older ones.

    Checking ``document @@ query`` on a row reads its whole tsvector from
    TOAST, and the planner counts nothing for that: walking the recency index
    it checks rows one by one, and a sequential scan reads them all. So the
    rows holding every token come from the GIN index alone, which needs no
    tsvector (sequential scans are off during a search, see _PLANNER). The
    index also holds ``key + 0``: the window is part of the same index scan,
    which hands over only the window's matches, and no other index can serve
    that expression, so the planner cannot go back to the recency index.
    Only a phrase is then checked, on the newest candidates first, until the
    page is full.
    """
    match = tsquery(terms)
    tokens = tsquery(terms, phrases=False)
    inner, inner_params = ["s.document @@ to_tsquery('simple', %s)"], [tokens]
    if window:  # the key of the oldest row in the window, 0 when all are
        inner.append(
            f"s.key + 0 {window} COALESCE((SELECT key FROM articles_search"
            " ORDER BY key DESC LIMIT 1 OFFSET %s), 0)"
        )
        inner_params.append(WINDOW)
    outer, outer_params = [where], params
    if match != tokens:
        outer, outer_params = ["c.document @@ to_tsquery('simple', %s)", where], [match, *params]
    return (
        "SELECT c.aid, c.akey FROM ("
        " SELECT s.article_id AS aid, s.key + 0 AS akey"
        + (", s.document" if match != tokens else "")
        + f" FROM articles_search s WHERE {' AND '.join(inner)}"
        " ORDER BY s.key + 0 DESC OFFSET 0"
        ") c JOIN articles_article a ON a.id = c.aid"
        f" WHERE {' AND '.join(outer)} ORDER BY c.akey DESC",
        [*inner_params, *outer_params],
    )


def _short_prefix(terms: list[str]) -> bool:
    """Whether a term ends in a prefix of one or two characters (a lone
    Chinese character, the ``o`` of ``GPT-4o``): in the GIN index that is
    every token it starts (``的``: thousands)."""
    return any(
        prefix and len(tokens[-1]) < 3 for term in terms for tokens, prefix in term_phrases(term)
    )


def _matches_by_walk(terms: list[str], where: str, params: list) -> tuple[str, list]:
    """The SQL of the matches, newest first, for terms
    with a short prefix (see _short_prefix).

    Reading every token such a prefix starts from the GIN index costs more
    than walking the recency index and checking rows one by one, as the
    planner is left free to do here. A phrase is still checked only on the
    rows that hold all of its tokens.
    """
    query = tsquery(terms)
    if "<->" not in query:
        return (
            "SELECT s.article_id AS aid, s.key AS akey FROM articles_search s"
            " JOIN articles_article a ON a.id = s.article_id"
            f" WHERE s.document @@ to_tsquery('simple', %s) AND {where}"
            " ORDER BY s.key DESC",
            [query, *params],
        )
    return (
        "SELECT c.aid, c.akey FROM ("
        " SELECT s.article_id AS aid, s.key AS akey, s.document FROM articles_search s"
        " WHERE s.document @@ to_tsquery('simple', %s) ORDER BY s.key DESC OFFSET 0"
        ") c JOIN articles_article a ON a.id = c.aid"
        f" WHERE c.document @@ to_tsquery('simple', %s) AND {where}"
        " ORDER BY c.akey DESC",
        [tsquery(terms, phrases=False), query, *params],
    )


def scores(terms: list[str], pool: list[tuple[int, int]]) -> dict[int, float]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT article_id, ts_rank_cd(document, to_tsquery('simple', %s))"
            " FROM articles_search WHERE article_id = ANY(%s)",
            [tsquery(terms), [i for i, _ in pool]],
        )
        return dict(cursor.fetchall())


def listed(ids: Iterable[int]) -> str:
    """``= ANY('{1,2,3}'::bigint[])``: planned faster than a long IN list."""
    return f"= ANY('{{{','.join(str(int(i)) for i in ids)}}}'::bigint[])"
