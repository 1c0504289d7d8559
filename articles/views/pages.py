from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import resolve
from django.utils.cache import add_never_cache_headers
from django.utils.text import Truncator
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from articles.lib.text import plain_text
from articles.models import Article, ArticleTag, Link, ReadMark, Source, Tag
from articles.models.sources import SOURCE_NAME_FIELDS, UNPUBLISHED
from articles.readers.preferences import LIST_VIEW_COOKIE
from articles.search import Results, papers_of, search
from articles.views.caching import cached_for_anonymous, search_for
from articles.views.forms import SearchForm

LISTING = "articles/index.html"


@dataclass
class Filter:
    """An active filter, shown as a chip that removes it."""

    label: str
    remove: QueryDict | None  # the query string without it; None: leave the page


def _without(params: QueryDict, key: str, value: str | None = None) -> QueryDict:
    """The query string without ``key`` (or one of its values), back to page 1."""
    out = params.copy()
    out.pop("page", None)
    if value is None:
        out.pop(key, None)
    else:
        out.setlist(key, [v for v in out.getlist(key) if v != value])
    return out


def _filters(request: HttpRequest, form: SearchForm, tag: Tag | None) -> list[Filter]:
    data, params = form.cleaned_data, request.GET
    chips = [Filter(f"#{tag.name}", None)] if tag else []
    chips += [Filter(f"#{name}", _without(params, "tag", name)) for name in data["tag"]]
    if data["digest"]:
        source = Source.objects.only(*SOURCE_NAME_FIELDS).filter(pk=data["digest"]).first()
        chips.append(
            Filter(source.name if source else f"#{data['digest']}", _without(params, "digest"))
        )
    for key, sign in (("date_from", "≥"), ("date_to", "≤")):
        if data[key]:
            chips.append(Filter(f"{sign} {data[key].isoformat()}", _without(params, key)))
    return chips


def _facets(
    request: HttpRequest, results: Results, active: list[str]
) -> list[tuple[Tag, int, str]]:
    """Tags of the results, each with the query string that adds it."""
    base = request.GET.copy()
    base.pop("page", None)
    tags = base.getlist("tag")
    out = []
    for tag, n in results.facets:
        if tag.name.lower() in active:
            continue
        base.setlist("tag", [*tags, tag.name])
        out.append((tag, n, base.urlencode()))
    return out


# A list that "more" has grown shows at most this many pages when it is
# loaded again (?page=12 shows pages 3 to 12, with a link to earlier ones).
PAGES_SHOWN = 10


def _listing_kwargs(
    request: HttpRequest, form: SearchForm, tag: Tag | None, bookmarks: bool
) -> dict:
    """What to search for, from a valid form: the page's own limits added."""
    kwargs = form.search_kwargs()
    if tag:
        kwargs["tags"] = [tag, *kwargs["tags"]]
    if bookmarks or form.cleaned_data["mine"]:
        kwargs["bookmarked_by"] = request.user.pk
    if form.cleaned_data["unread"] and request.user.is_authenticated:
        kwargs["unread_by"] = request.user.pk
    return kwargs


def _listing(request: HttpRequest, tag: Tag | None = None, bookmarks: bool = False) -> HttpResponse:
    """The front page, a tag page and the reader's bookmarks: search,
    filters, results, paging.

    An HTMX request gets a fragment: the results when the search form or a
    filter asked for them, else (the "more" button) the next page of hits.
    A whole page shows every page up to ``?page``, the address "more" left.
    """
    form = SearchForm(request.GET)
    context: dict = {"form": form, "tag": tag}
    if not form.is_valid():
        return render(request, LISTING, context, status=400)
    if (bookmarks or form.cleaned_data["mine"]) and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    kwargs = _listing_kwargs(request, form, tag, bookmarks)
    # "More" asks for the next page alone; a search, a filter or htmx putting
    # back a page it has no copy of gets the results (or the whole page).
    more = bool(
        request.htmx
        and request.htmx.target != "results"
        and not request.htmx.history_restore_request
    )
    kwargs["pages"] = 1 if more else PAGES_SHOWN
    results = search_for(request, **kwargs)
    articles = [h.article for h in results.hits]
    active = [t.lower() for t in results.query.tags]
    first_page = results.page - min(PAGES_SHOWN, results.page) + 1 if not more else results.page
    context |= {
        "results": results,
        "filters": _filters(request, form, tag),
        "facets": _facets(request, results, active),
        "next_page": results.page + 1,
        "first_page": first_page,
        "first_number": (first_page - 1) * results.page_size + 1,
        "marks": _marks(request, articles),
        "read": _read(request, articles),
        "bookmarks_page": bookmarks,
        "compact": request.COOKIES.get(LIST_VIEW_COOKIE) == "compact",
        "more_filters": any(
            form.cleaned_data[k]
            for k in ("date_from", "date_to", "paper", "code", "mine", "unread")
        ),
        "inverted_dates": bool(
            kwargs["date_from"] and kwargs["date_to"] and kwargs["date_from"] > kwargs["date_to"]
        ),
        "tag_papers": papers_of(results.ids[:200]) if tag and not request.htmx else [],
        "unread_count": _unread_in(request, tag) if tag and not request.htmx else None,
    }
    template = LISTING
    if more:
        template += "#page"
    elif request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, context)
    if results.timed_out:
        add_never_cache_headers(response)  # asked again, it may not time out
    return response


@require_POST
@login_required
def mark_listing_read(request: HttpRequest) -> HttpResponse:
    """ "Mark these as read": the articles that the list at ``next`` (a
    front, tag or bookmarks page with its query) shows."""
    back = urlsplit(request.POST.get("next", ""))
    try:
        match = resolve(back.path) if back.path.startswith("/") and not back.netloc else None
    except Http404:
        match = None
    if match is None or match.url_name not in ("index", "tag", "bookmarks"):
        return HttpResponseBadRequest("next must be a list of articles")
    form = SearchForm(QueryDict(back.query))
    if not form.is_valid():
        return HttpResponseBadRequest("bad query")
    tag = get_object_or_404(Tag, slug=match.kwargs["slug"]) if match.url_name == "tag" else None
    kwargs = _listing_kwargs(request, form, tag, match.url_name == "bookmarks")
    results = search(**kwargs, pages=PAGES_SHOWN, facets=False)
    ids = [h.article.pk for h in results.hits]
    ReadMark.objects.bulk_create(
        [ReadMark(user=request.user, article_id=i) for i in ids], ignore_conflicts=True
    )
    messages.success(
        request,
        ngettext("%(n)d article marked as read.", "%(n)d articles marked as read.", len(ids))
        % {"n": len(ids)},
    )
    return redirect(urlunsplit(("", "", back.path, back.query, "")))


def _unread_in(request: HttpRequest, tag: Tag) -> int | None:
    """How many of the tag's published articles the reader has not read.

    Counted from the small sides: the tag's rows (index only), less the few
    unpublished articles among them, less the reader's read marks in it. A
    join of every tagged article to its status took 0.2 s on a tag of 50,000.
    """
    if not request.user.is_authenticated:
        return None
    unpublished = Article.objects.unpublished().values("id")
    rows = ArticleTag.objects.filter(tag=tag)
    read = request.user.reads.filter(article__articletag__tag=tag).exclude(
        article__status__in=UNPUBLISHED
    )
    return rows.count() - rows.filter(article_id__in=unpublished).count() - read.count()


@require_GET
@cached_for_anonymous
@vary_on_headers("HX-Request", "HX-Target", "HX-History-Restore-Request")
def index(request: HttpRequest) -> HttpResponse:
    return _listing(request)


@require_GET
@cached_for_anonymous
@vary_on_headers("HX-Request", "HX-Target", "HX-History-Restore-Request")
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        # A slug typed in other case (/tags/AIME/) is the same tag.
        tag = get_object_or_404(Tag.objects.order_by("id"), slug__iexact=slug)
        query = request.META.get("QUERY_STRING", "")
        return redirect(tag.get_absolute_url() + (f"?{query}" if query else ""), permanent=True)
    return _listing(request, tag)


@require_GET
@login_required
@vary_on_headers("HX-Request", "HX-Target", "HX-History-Restore-Request")
def bookmark_list(request: HttpRequest) -> HttpResponse:
    return _listing(request, bookmarks=True)


@require_GET
@cached_for_anonymous
def tag_list(request: HttpRequest) -> HttpResponse:
    tags = list(Tag.objects.with_counts().order_by("-n", "name"))
    if request.user.is_authenticated:
        read = dict(
            ArticleTag.objects.filter(
                article__reads__user=request.user, article__status=Article.Status.PUBLISHED
            )
            .values("tag")
            .annotate(n=Count("id"))
            .values_list("tag", "n")
        )
        for tag in tags:
            tag.unread = tag.n - read.get(tag.pk, 0)  # type: ignore[attr-defined]
    return render(request, "articles/tags.html", {"tags": tags})


@require_GET
def article_without_slug(request: HttpRequest, pk: int) -> HttpResponse:
    """``/articles/9/``: the article's canonical address."""
    return redirect(get_object_or_404(Article.objects.published(), pk=pk), permanent=True)


@require_GET
@cached_for_anonymous
def article_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.published()
        .select_related("source")
        .defer("source__raw_text", "source__warnings", "source__original_html")
        .prefetch_related("tags", "links"),
        pk=pk,
    )
    if slug != article.slug:
        return redirect(article, permanent=True)
    sections = list(article.sections.all())
    first = plain_text(sections[0].html) if sections else ""
    lead = " ".join(f"{article.subtitle} {first}".split())
    groups: dict[str, list] = {kind: [] for kind in Link.Kind.values}
    for link in article.links.all():
        groups[link.kind].append((link.url, link.label or link.url))
    previous, following = article.neighbours()
    if request.user.is_authenticated:
        # Opening an article reads it (one statement, whether or not it was).
        ReadMark.objects.bulk_create(
            [ReadMark(user=request.user, article=article)], ignore_conflicts=True
        )
    context = {
        "article": article,
        "sections": sections,
        "canonical": request.build_absolute_uri(article.get_absolute_url()),
        "toc": [s for s in sections if s.heading],
        "description": Truncator(lead).chars(160),
        "links": [(kind, items) for kind, items in groups.items() if items],
        "previous": previous,
        "next": following,
        "related": Article.objects.related_to(article),
        "appearances": list(
            # With the article's id: the related manager checks it on each row.
            article.appearances.select_related("source").only(
                "article_id", *(f"source__{f}" for f in SOURCE_NAME_FIELDS)
            )
        ),
        "marks": _marks(request, [article]),
        "read": {article.pk} if request.user.is_authenticated else set(),
        "my_lists": list(request.user.reading_lists.alive().only("id", "name"))
        if request.user.is_authenticated
        else [],
    }
    return render(request, "articles/article.html", context)


def _marks(request: HttpRequest, articles: list[Article]) -> dict:
    if not request.user.is_authenticated:
        return {}
    return {m.article_id: m for m in request.user.bookmarks.filter(article__in=articles)}


def _read(request: HttpRequest, articles: list[Article]) -> set[int]:
    """Which of these articles the reader has read."""
    if not request.user.is_authenticated:
        return set()
    return set(request.user.reads.filter(article__in=articles).values_list("article_id", flat=True))


@require_GET
@cached_for_anonymous
def digest_list(request: HttpRequest) -> HttpResponse:
    sources = (
        Source.objects.only(*SOURCE_NAME_FIELDS)
        .annotate(n=Count("articles", filter=Q(articles__status=Article.Status.PUBLISHED)))
        .order_by("-imported_at", "-id")
    )
    page = Paginator(sources, 50).get_page(request.GET.get("page"))
    return render(request, "articles/digests.html", {"page": page})


@require_GET
@cached_for_anonymous
def digest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source.objects.defer("raw_text", "original_html"), pk=pk)
    own = list(source.articles.published().order_by("position").prefetch_related("tags"))
    # Articles first found in another digest appear here too, in text order.
    again = Article.objects.published().filter(appearances__source=source)
    spans = dict(source.appearances.values_list("article_id", "span_start"))
    articles = sorted(
        own + list(again.prefetch_related("tags")),
        key=lambda a: a.span_start if a.source_id == source.pk else spans.get(a.pk, 0),
    )
    return render(request, "articles/digest.html", {"source": source, "articles": articles})


@require_GET
@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and container health checks: is the database there?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
