from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from .forms import SearchForm
from .models import Article
from .search import search


@require_GET
def article_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.published().select_related("source"), pk=pk)
    if slug != article.slug:
        return redirect(article, permanent=True)
    return render(
        request,
        "articles/article.html",
        {"article": article, "sections": article.sections.all()},
    )


@require_GET
def api_search(request: HttpRequest) -> JsonResponse:
    """``/api/search?q=&tag=&page=``: the search page's results, as JSON."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    results = search(**form.search_kwargs(), facets=False)
    tags = {
        a.id: [t.name for t in a.tags.all()]
        for a in Article.objects.filter(
            id__in=[h.article.id for h in results.hits]
        ).prefetch_related("tags")
    }
    next_url = None
    if results.has_next:
        query = request.GET.copy()
        query["page"] = results.page + 1
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return JsonResponse(
        {
            "count": results.count,
            "results": [
                {
                    "id": h.article.id,
                    "url": request.build_absolute_uri(h.article.get_absolute_url()),
                    "title": h.article.title,
                    "subtitle": h.article.subtitle,
                    "published_on": h.article.published_on.isoformat(),
                    "tags": tags.get(h.article.id, []),
                    "snippet": h.snippet,
                }
                for h in results.hits
            ],
            "next": next_url,
        },
        json_dumps_params={"ensure_ascii": False},
    )
