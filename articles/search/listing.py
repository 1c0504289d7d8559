"""Full-text search over articles, on SQLite FTS5 or PostgreSQL tsvector.

One layer for every page, feed and the API: :func:`search` takes what a
reader typed plus filters and returns a page of hits, with snippets, tags
and facets. The index (:mod:`articles.search.index`) holds the tokens of
:mod:`articles.search.text` (Chinese bigrams, Latin words).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from django.db import OperationalError, connection, transaction

from articles.lib.text import plain_text
from articles.models import Article, ArticleTag, Link, Section, Tag
from articles.search.index import ID_MASK, vendor
from articles.search.text import Query, parse_query, snippet, term_phrases

# --------------------------------------------------------------------------
# Queries


def _fts5_match(terms: list[str]) -> str:
    """An FTS5 MATCH expression, every token quoted: no input can break it."""
    groups = []
    for term in terms:
        for tokens, prefix in term_phrases(term):
            groups.append('"' + " ".join(tokens) + '"' + ("*" if prefix else ""))
    return " AND ".join(groups)


def _tsquery(terms: list[str], phrases: bool = True) -> str:
    """The same for PostgreSQL's to_tsquery; tokens are letters and digits only.

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


def _matching_ids_sql(terms: list[str]) -> tuple[str, list[str]]:
    if vendor() == "postgresql":
        return (
            "SELECT article_id FROM articles_search WHERE document @@ to_tsquery('simple', %s)",
            [_tsquery(terms)],
        )
    return (
        f"SELECT rowid & {ID_MASK} FROM articles_search WHERE articles_search MATCH %s",
        [_fts5_match(terms)],
    )


@dataclass
class Hit:
    article: Article  # with its source loaded
    snippet: str  # safe HTML
    tags: list[Tag]  # by name


@dataclass
class Results:
    query: Query
    order: str
    hits: list[Hit]
    count: int
    page: int
    has_next: bool
    facets: list[tuple[Tag, int]]
    timed_out: bool = False
    ids: list[int] = field(default_factory=list)  # the newest COUNT_CAP matches

    @property
    def count_is_capped(self) -> bool:
        """``count`` stopped at COUNT_CAP: show it as "1,000+"."""
        return self.count > COUNT_CAP


BEST, NEWEST = "best", "newest"
# Counting every one of 90,000 matches costs more than finding the first 20;
# past this many, "1,000+" says enough (counting 10,000 walked 10,000 rows).
COUNT_CAP = 1_000
# No search may hold a worker longer than this.
SEARCH_TIMEOUT_MS = 3000


# How a search's transaction plans on PostgreSQL. The planner counts nothing
# for reading a tsvector from TOAST, so left alone it scans every row for a
# common token, and hashes every article to join a page's matches to them
# rather than looking each one up (figures: bench/README.md).
_PLANNER = {"enable_seqscan": "off", "enable_hashjoin": "off"}


@contextmanager
def _searching(ms: int) -> Iterator[None]:
    """The transaction a search runs in: any statement that runs longer than
    ``ms`` is aborted with OperationalError, and on PostgreSQL the planner
    follows _PLANNER (see also _postgres_matches)."""
    if vendor() == "postgresql":
        # Local settings end with the transaction, or with the savepoint
        # when it rolls back. Inside an outer transaction they would outlive
        # the search, so put them back by hand there when all went well.
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
        return
    connection.ensure_connection()
    raw = connection.connection
    deadline = time.monotonic() + ms / 1000
    raw.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


PAGE_SIZE = 20


def search(
    text: str = "",
    *,
    tags: Iterable[str | Tag] = (),
    source: int | None = None,
    bookmarked_by: int | None = None,
    links: Iterable[str] = (),
    date_from: date | None = None,
    date_to: date | None = None,
    order: str | None = None,
    page: int = 1,
    page_size: int | None = None,
    facets: bool = True,
) -> Results:
    """A page of published articles matching what a reader typed and filters.

    Best match first when there is text to match (unless ``order`` says
    newest), newest first otherwise; ties go to the newer article. A search
    that takes longer than SEARCH_TIMEOUT_MS is cut short: no hits, and
    ``timed_out`` set. With ``bookmarked_by`` (a user id), only that user's
    bookmarks, the newest bookmarked first when there is nothing to match;
    with ``links`` (``"paper"``, ``"code"``), only articles that have them.
    """
    query = parse_query(text)
    for tag in tags:  # a Tag already looked up saves looking it up by name
        name = tag.name if isinstance(tag, Tag) else tag
        if isinstance(tag, Tag):
            query.known_tags[name] = [tag.id]
        if name not in query.tags:
            query.tags.append(name)
    query.date_from = max(filter(None, [query.date_from, date_from]), default=None)
    query.date_to = min(filter(None, [query.date_to, date_to]), default=None)
    query.links = sorted(set(links))
    if order not in (BEST, NEWEST):
        order = BEST if query.terms else NEWEST
    page = max(1, page)
    page_size = page_size or PAGE_SIZE

    try:
        with _searching(SEARCH_TIMEOUT_MS):
            return _search(query, source, bookmarked_by, order, page, page_size, facets)
    except OperationalError as exc:
        if "cancel" not in str(exc) and "interrupt" not in str(exc):
            raise
        return Results(query, order, [], 0, page, False, [], timed_out=True)


def _search(
    query: Query,
    source: int | None,
    bookmarked_by: int | None,
    order: str,
    page: int,
    page_size: int,
    facets: bool,
) -> Results:
    offset = (page - 1) * page_size
    # Without text to match, a tag's listing reads the tag's own rows, newest
    # first: a rare tag does not walk every article to fill a page.
    drive = not query.terms and bool(query.tags) and bookmarked_by is None
    # Without text, a reader's bookmarks are read by joining them (below).
    where, params = _conditions(
        query,
        source=source,
        published_only=not drive,  # the tag's rows leave out the others by id
        bookmarked_by=bookmarked_by if query.terms else None,
        drive_by_tag=drive,
    )
    stream = _Stream(
        query.terms,
        " AND ".join(where),
        params,
        bookmarked_by,
        tag_ids=_tag_ids(query, query.tags[0]) if drive else None,
    )
    # One read of the newest matches serves the count, the ranking pool and
    # the first pages. It also asks for enough rows that PostgreSQL takes a
    # rare term's few matches from the GIN index rather than walking the
    # recency index to find 21 of them.
    head = stream.fetch(max(COUNT_CAP, RANK_POOL) + 1)
    if order == BEST and query.terms:
        ids = _best_ids(stream, head, offset, page_size + 1)
    elif offset + page_size < len(head) or len(head) <= max(COUNT_CAP, RANK_POOL):
        ids = [i for i, _ in head[offset : offset + page_size + 1]]
    else:
        ids = [i for i, _ in stream.fetch(page_size + 1, offset)]
    has_next = len(ids) > page_size
    ids = ids[:page_size]
    articles = (
        Article.objects.select_related("source")
        .defer("source__raw_text", "source__warnings")  # a whole file each
        .in_bulk(ids)
    )
    hits = _with_snippets([articles[i] for i in ids if i in articles], query.terms)
    count = min(len(head), COUNT_CAP + 1)
    matched = [i for i, _ in head[:COUNT_CAP]]
    facet_counts = _facets(matched) if facets else []
    return Results(query, order, hits, count, page, has_next, facet_counts, ids=matched)


def _tag_ids(query: Query, name: str) -> list[int]:
    if name in query.known_tags:
        return query.known_tags[name]
    return list(Tag.objects.named(name).values_list("id", flat=True)) or [0]


def _conditions(
    query: Query,
    source: int | None = None,
    published_only: bool = True,
    bookmarked_by: int | None = None,
    drive_by_tag: bool = False,
) -> tuple[list[str], list]:
    """SQL on the article ``a`` for everything but the terms to match (and
    but the first tag, with ``drive_by_tag``: the stream starts from it)."""
    where: list[str] = []
    params: list = []
    if published_only:
        where.append("a.status = %s")
        params.append(Article.Status.PUBLISHED)
    if bookmarked_by is not None:
        where.append(
            "EXISTS (SELECT 1 FROM articles_bookmark b"
            " WHERE b.article_id = a.id AND b.user_id = %s)"
        )
        params.append(bookmarked_by)
    if source:
        where.append("a.source_id = %s")
        params.append(source)
    if query.date_from:
        where.append("a.published_on >= %s")
        params.append(query.date_from)
    if query.date_to:
        where.append("a.published_on <= %s")
        params.append(query.date_to)
    for name in query.tags[1:] if drive_by_tag else query.tags:
        tag_ids = _tag_ids(query, name)
        marks = ",".join(["%s"] * len(tag_ids))
        where.append(
            "EXISTS (SELECT 1 FROM articles_articletag t"
            f" WHERE t.article_id = a.id AND t.tag_id IN ({marks}))"
        )
        params.extend(tag_ids)
    for kind in query.links:
        where.append(
            "EXISTS (SELECT 1 FROM articles_link l WHERE l.article_id = a.id AND l.kind = %s)"
        )
        params.append(kind)
    for term in query.excluded:
        sql, term_params = _matching_ids_sql([term])
        where.append(f"a.id NOT IN ({sql})")
        params.extend(term_params)
    return where, params


class _Stream:
    """The matches of some terms that pass some conditions, newest first,
    read a page at a time straight from the engine's index (or from the
    article listing index when there are no terms)."""

    def __init__(
        self,
        terms: list[str],
        where: str,
        params: list,
        bookmarked_by: int | None = None,
        tag_ids: list[int] | None = None,
    ) -> None:
        self.terms = terms
        self.postgres: tuple[list[str], str, list] | None = None  # terms, where, params
        if not terms and tag_ids:
            # Unpublished articles are few: leaving them out by id spares
            # looking up the article of each row (a third of the statement),
            # unless something else is to be checked on it.
            marks = ",".join(["%s"] * len(tag_ids))
            join = f" JOIN articles_article a ON a.id = t.article_id AND {where}" if where else ""
            others = [s for s in Article.Status.values if s != Article.Status.PUBLISHED]
            self.sql = (
                f"SELECT t.article_id AS aid, 0 AS akey FROM articles_articletag t{join}"
                f" WHERE t.tag_id IN ({marks}) AND t.article_id NOT IN (SELECT id"
                f" FROM articles_article WHERE status IN ({','.join(['%s'] * len(others))}))"
                " ORDER BY t.published_on DESC, t.article_id DESC"
            )
            self.params = [*params, *tag_ids, *others]
        elif not terms and bookmarked_by is not None:
            self.sql = (
                "SELECT a.id AS aid, 0 AS akey FROM articles_article a"
                " JOIN articles_bookmark bm ON bm.article_id = a.id AND bm.user_id = %s"
                f" WHERE {where} ORDER BY bm.created_at DESC, bm.id DESC"
            )
            self.params = [bookmarked_by, *params]
        elif not terms:
            self.sql = (
                "SELECT a.id AS aid, 0 AS akey FROM articles_article a"
                f" WHERE {where} ORDER BY a.published_on DESC, a.id DESC"
            )
            self.params = params
        elif vendor() == "postgresql" and _short_prefix(terms):
            self.sql, self.params = _postgres_walk(terms, where, params)
        elif vendor() == "postgresql":
            self.postgres = (terms, where, params)
            self.sql, self.params = _postgres_matches(*self.postgres)
        else:
            self.sql = (
                f"SELECT s.rowid & {ID_MASK} AS aid, s.rowid AS akey FROM articles_search s"
                f" JOIN articles_article a ON a.id = s.rowid & {ID_MASK}"
                f" WHERE s.articles_search MATCH %s AND {where}"
                " ORDER BY s.rowid DESC"
            )
            self.params = [_fts5_match(terms), *params]

    def fetch(self, limit: int, offset: int = 0) -> list[tuple[int, int]]:
        """(article id, recency key) of matches offset to offset + limit."""
        if self.postgres and offset == 0:
            return self._fetch_windowed(limit)
        return self._run(self.sql, self.params, limit, offset)

    def _fetch_windowed(self, limit: int) -> list[tuple[int, int]]:
        """The first matches on PostgreSQL: those among the WINDOW newest
        index rows, then, if too few, the older ones."""
        rows = self._run(*_postgres_matches(*self.postgres, window=">="), limit)
        if len(rows) < limit:
            rows += self._run(*_postgres_matches(*self.postgres, window="<"), limit - len(rows))
        return rows

    @staticmethod
    def _run(sql: str, params: list, limit: int, offset: int = 0) -> list[tuple[int, int]]:
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*params, limit, offset])
            return cursor.fetchall()


# PostgreSQL reads the newest matches of a term among this many of the newest
# index rows first (see _postgres_matches).
WINDOW = 5000


def _postgres_matches(
    terms: list[str], where: str, params: list, window: str = ""
) -> tuple[str, list]:
    """The SQL of _Stream's matches, newest first, on PostgreSQL, for terms
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
    match = _tsquery(terms)
    tokens = _tsquery(terms, phrases=False)
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


def _postgres_walk(terms: list[str], where: str, params: list) -> tuple[str, list]:
    """The SQL of _Stream's matches, newest first, on PostgreSQL, for terms
    with a short prefix (see _short_prefix).

    Reading every token such a prefix starts from the GIN index costs more
    than walking the recency index and checking rows one by one, as the
    planner is left free to do here. A phrase is still checked only on the
    rows that hold all of its tokens.
    """
    query = _tsquery(terms)
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
        [_tsquery(terms, phrases=False), query, *params],
    )


# Best match ranks at most this many of the newest matches. A term found in
# more articles than that is too common for BM25 to tell them apart, and news
# is read newest first; scoring every match of a common term would take
# longer than the page may (bench/README.md: search).
RANK_POOL = 1000


def _best_ids(stream: _Stream, head: list[tuple[int, int]], offset: int, limit: int) -> list[int]:
    """Ids in best-match order: the newest pool ranked by the engine, then
    the rest of the matches newest first."""
    pool = head[:RANK_POOL]
    scores = _scores(stream.terms, pool)
    ranked = [i for i, key in sorted(pool, key=lambda p: (-scores.get(p[0], 0.0), -p[1]))]
    ids = ranked[offset : offset + limit]
    if len(ids) < limit and len(pool) == RANK_POOL:
        start = max(offset, len(pool))
        ids += [i for i, _ in stream.fetch(offset + limit - start, start)]
    return ids[:limit]


def _scores(terms: list[str], pool: list[tuple[int, int]]) -> dict[int, float]:
    """The engine's relevance of each article of the pool, higher is better."""
    if not pool:
        return {}
    with connection.cursor() as cursor:
        if vendor() == "postgresql":
            cursor.execute(
                "SELECT article_id, ts_rank_cd(document, to_tsquery('simple', %s))"
                " FROM articles_search WHERE article_id = ANY(%s)",
                [_tsquery(terms), [i for i, _ in pool]],
            )
            return dict(cursor.fetchall())
        # FTS5 would run the whole match once per id of an IN list; the pool
        # is a range of rowids, which it walks in one pass.
        keys = [key for _, key in pool]
        cursor.execute(
            f"SELECT rowid & {ID_MASK}, -rank FROM articles_search"
            " WHERE articles_search MATCH %s AND rowid BETWEEN %s AND %s",
            [_fts5_match(terms), min(keys), max(keys)],
        )
        return dict(cursor.fetchall())


def _with_snippets(articles: list[Article], terms: list[str]) -> list[Hit]:
    """The hits of the page shown: snippets cut from the original text (for
    these articles only) and tags."""
    texts: dict[int, list[str]] = {a.id: [] for a in articles}
    sections = Section.objects.filter(article_id__in=texts).order_by("article_id", "position")
    for article_id, html in sections.values_list("article_id", "html"):
        texts[article_id].append(plain_text(html))
    tags = _tags_of(list(texts))
    hits = []
    for article in articles:
        body = " ".join(texts[article.id])
        hits.append(
            Hit(
                article,
                # Lists show the subtitle: without a match to show, start at the body.
                snippet(f"{article.subtitle} {body}".strip() if terms else body, terms),
                tags[article.id],
            )
        )
    return hits


def _tags_of(ids: list[int]) -> dict[int, list[Tag]]:
    """Each article's tags by name, one Tag object for the articles that share
    it (a page links a few hundred tags: ``prefetch_related`` makes one
    object each and was the slower way)."""
    out: dict[int, list[Tag]] = {i: [] for i in ids}
    made: dict[int, Tag] = {}
    fields = ["name", "slug", "kind", "automatic"]
    rows = (
        ArticleTag.objects.filter(article_id__in=ids)
        .order_by("tag__name")
        .values_list("article_id", "tag_id", *(f"tag__{f}" for f in fields))
    )
    for article_id, tag_id, *values in rows:
        tag = made.get(tag_id)
        if tag is None:
            tag = made[tag_id] = Tag(id=tag_id, **dict(zip(fields, values, strict=True)))
        out[article_id].append(tag)
    return out


def _listed(ids: Iterable[int]) -> str:
    """Up to a thousand ids as SQL to inline, ``IN (1,2,3)`` or on PostgreSQL
    ``= ANY('{1,2,3}'::bigint[])``, which it plans faster than a long list.

    As parameters, the ORM would prepare the ids one by one, and an array
    parameter leads PostgreSQL to a slower plan.
    """
    listed = ",".join(str(int(i)) for i in ids)
    if vendor() == "postgresql":
        return f"= ANY('{{{listed}}}'::bigint[])"
    return f"IN ({listed})"


def papers_of(article_ids: list[int], limit: int = 20) -> list[Link]:
    """Papers linked from these articles (in their order), each paper once."""
    if not article_ids:
        return []
    order = {article_id: n for n, article_id in enumerate(article_ids)}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, article_id, position, label FROM articles_link"
            f" WHERE kind = %s AND article_id {_listed(article_ids)}",
            [Link.Kind.PAPER],
        )
        rows = sorted(cursor.fetchall(), key=lambda r: (order[r[1]], r[2]))
    chosen, seen = [], set()
    for pk, _, _, label in rows:
        if label not in seen:
            seen.add(label)
            chosen.append(pk)
            if len(chosen) == limit:
                break
    links = (
        Link.objects.select_related("article")
        .only("url", "label", "article__title", "article__slug")
        .in_bulk(chosen)
    )
    return [links[pk] for pk in chosen]


def _facets(ids: list[int], limit: int = 30) -> list[tuple[Tag, int]]:
    """The tags of these articles, most used first."""
    if not ids:
        return []
    # Counted by tag id before the join to the tags: half the work of
    # grouping ~10,000 joined rows (1,000 articles) by every tag column.
    counts = Tag.objects.raw(
        "SELECT g.id, g.name, g.slug, g.kind, g.automatic, c.n FROM ("
        f" SELECT tag_id, count(*) AS n FROM articles_articletag WHERE article_id {_listed(ids)}"
        " GROUP BY tag_id"
        ") c JOIN articles_tag g ON g.id = c.tag_id"
        f" ORDER BY c.n DESC, g.name LIMIT {int(limit)}"
    )
    return [(tag, tag.n) for tag in counts]
