from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_not_required, login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import Truncator
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from articles.lib.text import plain_text
from articles.models import Article, Link, Source, Tag
from articles.models.sources import SOURCE_NAME_FIELDS
from articles.search import Results, papers_of, search
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


def _listing(request: HttpRequest, tag: Tag | None = None, bookmarks: bool = False) -> HttpResponse:
    """The front page, a tag page and the reader's bookmarks: search,
    filters, results, paging.

    An HTMX request gets a fragment: the results when the search form or a
    filter asked for them, else (the "more" button) the next page of hits.
    """
    form = SearchForm(request.GET)
    context: dict = {"form": form, "tag": tag}
    if not form.is_valid():
        return render(request, LISTING, context, status=400)
    kwargs = form.search_kwargs()
    if tag:
        kwargs["tags"] = [tag, *kwargs["tags"]]
    mine = bookmarks or form.cleaned_data["mine"]
    if mine and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if mine:
        kwargs["bookmarked_by"] = request.user.pk
    results = search(**kwargs)
    marks = _marks(request, [h.article for h in results.hits])
    active = [t.lower() for t in results.query.tags]
    context |= {
        "results": results,
        "filters": _filters(request, form, tag),
        "facets": _facets(request, results, active),
        "next_page": results.page + 1,
        "marks": marks,
        "bookmarks_page": bookmarks,
        "inverted_dates": bool(
            kwargs["date_from"] and kwargs["date_to"] and kwargs["date_from"] > kwargs["date_to"]
        ),
        "tag_papers": papers_of(results.ids[:200]) if tag and not request.htmx else [],
    }
    template = LISTING
    if request.htmx:
        template += "#results" if request.htmx.target == "results" else "#page"
    return render(request, template, context)


@require_GET
@vary_on_headers("HX-Request", "HX-Target")
def index(request: HttpRequest) -> HttpResponse:
    return _listing(request)


@require_GET
@vary_on_headers("HX-Request", "HX-Target")
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
@vary_on_headers("HX-Request", "HX-Target")
def bookmark_list(request: HttpRequest) -> HttpResponse:
    return _listing(request, bookmarks=True)


@require_GET
def tag_list(request: HttpRequest) -> HttpResponse:
    tags = Tag.objects.with_counts().order_by("-n", "name")
    return render(request, "articles/tags.html", {"tags": tags})


@require_GET
def article_without_slug(request: HttpRequest, pk: int) -> HttpResponse:
    """``/articles/9/``: the article's canonical address."""
    return redirect(get_object_or_404(Article.objects.published(), pk=pk), permanent=True)


@require_GET
def article_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.published()
        .select_related("source")
        .defer("source__raw_text", "source__warnings")
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
        "my_lists": list(request.user.reading_lists.only("id", "name"))
        if request.user.is_authenticated
        else [],
    }
    return render(request, "articles/article.html", context)


def _marks(request: HttpRequest, articles: list[Article]) -> dict:
    if not request.user.is_authenticated:
        return {}
    return {m.article_id: m for m in request.user.bookmarks.filter(article__in=articles)}


@require_GET
def digest_list(request: HttpRequest) -> HttpResponse:
    sources = (
        Source.objects.only(*SOURCE_NAME_FIELDS)
        .annotate(n=Count("articles", filter=Q(articles__status=Article.Status.PUBLISHED)))
        .order_by("-imported_at", "-id")
    )
    page = Paginator(sources, 50).get_page(request.GET.get("page"))
    return render(request, "articles/digests.html", {"page": page})


@require_GET
def digest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source.objects.defer("raw_text"), pk=pk)
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
