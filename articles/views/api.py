"""The JSON API: the search page's results for scripts."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from articles.views.caching import cached_for_anonymous, search_for
from articles.views.forms import SearchForm


@require_GET
@cached_for_anonymous
def api_search(request: HttpRequest) -> JsonResponse:
    """``/api/search?q=&tag=&page=``: the search page's results, as JSON."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    results = search_for(request, **form.search_kwargs(), facets=False)
    next_url = None
    if results.has_next:
        query = request.GET.copy()
        query["page"] = results.page + 1
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    response = JsonResponse(
        {
            "count": results.count,
            "results": [
                {
                    "id": h.article.id,
                    "url": request.build_absolute_uri(h.article.get_absolute_url()),
                    "title": h.article.title,
                    "subtitle": h.article.subtitle,
                    # An unknown date is not passed off as one: the import day.
                    "published_on": day if h.article.date_known else None,
                    "imported_on": None if h.article.date_known else day,
                    "tags": [t.name for t in h.tags],
                    "snippet": h.snippet,
                }
                for h in results.hits
                for day in [h.article.published_on.isoformat()]
            ],
            "next": next_url,
        },
        json_dumps_params={"ensure_ascii": False},
    )
    if results.timed_out:
        add_never_cache_headers(response)
    return response
