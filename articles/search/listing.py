"""Full-text search over articles, on SQLite FTS5 or PostgreSQL tsvector.

One layer for every page, feed and the API: :func:`search` takes what a
reader typed plus filters and returns a page of hits, with snippets, tags
and facets. The index (:mod:`articles.search.index`) holds the tokens of
:mod:`articles.search.text` (Chinese bigrams, Latin words).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import OperationalError, connection

from articles.lib.text import plain_text, simplified
from articles.models import Article, ArticleTag, Link, Section, Tag
from articles.models.sources import UNPUBLISHED
from articles.search import engines
from articles.search.engines import SqlMatches
from articles.search.text import Query, parse_query, snippet

# --------------------------------------------------------------------------
# Queries


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
    page_size: int = 0  # hits a page of this listing holds

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


PAGE_SIZE = 20


def search(
    text: str = "",
    *,
    tags: Iterable[str | Tag] = (),
    source: int | None = None,
    bookmarked_by: int | None = None,
    unread_by: int | None = None,
    links: Iterable[str] = (),
    date_from: date | None = None,
    date_to: date | None = None,
    order: str | None = None,
    page: int = 1,
    page_size: int | None = None,
    pages: int = 1,
    facets: bool = True,
) -> Results:
    """A page of published articles matching what a reader typed and filters.

    Best match first when there is text to match (unless ``order`` says
    newest), newest first otherwise; ties go to the newer article. A search
    that takes longer than SEARCH_TIMEOUT_MS is cut short: no hits, and
    ``timed_out`` set. With ``bookmarked_by`` (a user id), only that user's
    bookmarks, the newest bookmarked first when there is nothing to match;
    with ``unread_by`` (a user id), only articles that user has not read;
    with ``links`` (``"paper"``, ``"code"``), only articles that have them.
    With ``pages``, the hits of that many pages up to ``page``, for a list
    that "more" has grown to ``page``.
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
    pages = max(1, min(pages, page))

    try:
        with engines.current().searching(SEARCH_TIMEOUT_MS):
            readers = _Readers(bookmarked_by, unread_by)
            shown = _Shown(page, page_size, pages)
            return _search(query, source, readers, order, shown, facets)
    except OperationalError as exc:
        if "cancel" not in str(exc) and "interrupt" not in str(exc):
            raise
        return Results(query, order, [], 0, page, False, [], timed_out=True)


@dataclass(frozen=True)
class _Shown:
    """Which hits a page shows: ``pages`` pages of ``page_size`` up to ``page``."""

    page: int
    page_size: int
    pages: int


@dataclass(frozen=True)
class _Readers:
    """Whose bookmarks, and whose unread articles, a search is limited to."""

    bookmarked_by: int | None = None
    unread_by: int | None = None


def _search(
    query: Query,
    source: int | None,
    readers: _Readers,
    order: str,
    shown: _Shown,
    facets: bool,
) -> Results:
    page = shown.page
    offset = (page - shown.pages) * shown.page_size
    page_size = shown.pages * shown.page_size
    bookmarked_by = readers.bookmarked_by
    # Without text to match, a tag's listing reads the tag's own rows, newest
    # first: a rare tag does not walk every article to fill a page.
    drive = not query.terms and bool(query.tags) and bookmarked_by is None
    # Without text, a reader's bookmarks are read by joining them (below).
    where, params = _conditions(
        query,
        source=source,
        published_only=not drive,  # the tag's rows leave out the others by id
        bookmarked_by=bookmarked_by if query.terms else None,
        unread_by=readers.unread_by,
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
    if bookmarked_by is not None and query.terms:
        # A reader's own note about a bookmark counts as its text: those
        # found with the help of their note come after the matches of the text.
        found = {i for i, _ in head}
        head += [
            row
            for row in _note_matches(query.terms, where, params, bookmarked_by)
            if row[0] not in found
        ][: max(0, COUNT_CAP + 1 - len(head))]
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
        .defer("source__raw_text", "source__warnings", "source__original_html")  # whole files
        .in_bulk(ids)
    )
    hits = _with_snippets([articles[i] for i in ids if i in articles], query.terms)
    count = min(len(head), COUNT_CAP + 1)
    matched = [i for i, _ in head[:COUNT_CAP]]
    facet_counts = _facets(matched) if facets else []
    return Results(
        query,
        order,
        hits,
        count,
        page,
        has_next,
        facet_counts,
        ids=matched,
        page_size=shown.page_size,
    )


def _note_matches(
    terms: list[str], where: list[str], params: list, user_id: int
) -> list[tuple[int, int]]:
    """The reader's bookmarks that hold every term in their text or in the
    reader's note about them, newest bookmarked first."""
    conditions, values = list(where), list(params)
    for term in terms:
        text_sql, text_params = engines.current().matching_ids_sql([term])
        conditions.append(f"(a.id IN ({text_sql}) OR UPPER(bm.note) LIKE UPPER(%s) ESCAPE '!')")
        values += [*text_params, "%" + re.sub(r"([!%_])", r"!\1", term) + "%"]
    return SqlMatches(
        "SELECT a.id AS aid, 0 AS akey FROM articles_article a"
        " JOIN articles_bookmark bm ON bm.article_id = a.id AND bm.user_id = %s"
        f" WHERE {' AND '.join(conditions)} ORDER BY bm.created_at DESC, bm.id DESC",
        [user_id, *values],
    ).fetch(COUNT_CAP + 1)


def _tag_ids(query: Query, name: str) -> list[int]:
    if name in query.known_tags:
        return query.known_tags[name]
    # A reader may type a tag in Traditional Chinese; tags are mostly named in
    # Simplified (the vocabulary is).
    names = dict.fromkeys([name, simplified(name)])
    return list(Tag.objects.named(*names).values_list("id", flat=True)) or [0]


def _conditions(
    query: Query,
    source: int | None = None,
    published_only: bool = True,
    bookmarked_by: int | None = None,
    unread_by: int | None = None,
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
    if unread_by is not None:
        where.append(
            "NOT EXISTS (SELECT 1 FROM articles_readmark r"
            " WHERE r.article_id = a.id AND r.user_id = %s)"
        )
        params.append(unread_by)
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
        sql, term_params = engines.current().matching_ids_sql([term])
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
        if terms:
            self.matches = engines.current().matches(terms, where, params)
        elif tag_ids:
            # Unpublished articles are few: leaving them out by id spares
            # looking up the article of each row (a third of the statement),
            # unless something else is to be checked on it.
            marks = ",".join(["%s"] * len(tag_ids))
            join = f" JOIN articles_article a ON a.id = t.article_id AND {where}" if where else ""
            self.matches = SqlMatches(
                f"SELECT t.article_id AS aid, 0 AS akey FROM articles_articletag t{join}"
                f" WHERE t.tag_id IN ({marks}) AND t.article_id NOT IN (SELECT id"
                f" FROM articles_article WHERE status IN ({','.join(['%s'] * len(UNPUBLISHED))}))"
                " ORDER BY t.published_on DESC, t.article_id DESC",
                [*params, *tag_ids, *UNPUBLISHED],
            )
        elif bookmarked_by is not None:
            self.matches = SqlMatches(
                "SELECT a.id AS aid, 0 AS akey FROM articles_article a"
                " JOIN articles_bookmark bm ON bm.article_id = a.id AND bm.user_id = %s"
                f" WHERE {where} ORDER BY bm.created_at DESC, bm.id DESC",
                [bookmarked_by, *params],
            )
        else:
            self.matches = SqlMatches(
                "SELECT a.id AS aid, 0 AS akey FROM articles_article a"
                f" WHERE {where} ORDER BY a.published_on DESC, a.id DESC",
                params,
            )

    def fetch(self, limit: int, offset: int = 0) -> list[tuple[int, int]]:
        """(article id, recency key) of matches offset to offset + limit."""
        return self.matches.fetch(limit, offset)


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
    return engines.current().scores(terms, pool) if pool else {}


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
    """Up to a thousand ids as SQL to inline (the ORM would prepare them one
    by one as parameters)."""
    return engines.current().listed(ids)


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
