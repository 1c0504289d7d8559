"""Anonymous pages that survive a spike (#20): conditional GET, and rendered
pages and searches kept in Django's cache.

Every anonymous GET of a reading page, feed or the search API carries an
ETag and a Last-Modified taken from the content version
(articles.models.versions), which the database bumps on every change of what
those pages show. A matching If-None-Match gets 304 without rendering. The
rendered page is kept under a key holding that version, the address, the
language, the HTMX fragment asked for and the reader's list view: no entry
is ever stale, since a change moves every key. ``Cache-Control: public``
lets a proxy or CDN in front take a spike too.

Only a request with no session and no pending message is served from (or
stored in) the cache: it can have nothing of its own. Logged-in readers'
pages are private and never kept (newsroom.middleware.private_pages), and a
page that rendered a CSRF token or set a cookie is never kept either.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import condition

from articles.models import ContentVersion
from articles.readers.preferences import LIST_VIEW_COOKIE
from articles.search import Results, listing, search

# What changes an anonymous page besides its address.
VARY = ("Cookie", "Accept-Language", "HX-Request", "HX-Target", "HX-History-Restore-Request")
_NEVER = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Version:
    number: int
    changed_at: datetime

    @property
    def tag(self) -> str:
        """Unique across databases emptied and refilled (tests), not just rows."""
        return f"{self.number}.{int(self.changed_at.timestamp() * 1_000_000)}"


def content_version(request: HttpRequest) -> Version:
    """The content version, read once per request (one small query)."""
    if not hasattr(request, "_content_version"):
        # Plain SQL: on a kept page this is most of the work, and the ORM
        # took longer to build the statement than the database to answer it.
        with connection.cursor() as cursor:
            cursor.execute(_VERSION_SQL)
            row = cursor.fetchone()
        version = Version(0, _NEVER)
        if row:
            changed_at = row[1]
            if isinstance(changed_at, str):  # SQLite hands back text
                changed_at = parse_datetime(changed_at).replace(tzinfo=UTC)
            version = Version(row[0], changed_at)
        request._content_version = version  # type: ignore[attr-defined]
    return request._content_version  # type: ignore[attr-defined]


_VERSION_SQL = f"SELECT version, changed_at FROM {ContentVersion._meta.db_table} WHERE id = 1"


def shareable(request: HttpRequest) -> bool:
    """Whether the request may be answered with a shared copy: a GET from
    a reader with no session (so not logged in) and no message waiting."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def _variant(request: HttpRequest) -> str:
    """Everything besides the version that one copy of a page depends on
    (worked out once a request: the ETag and the kept copy both need it)."""
    if not hasattr(request, "_cache_variant"):
        request._cache_variant = _hash_variant(request)  # type: ignore[attr-defined]
    return request._cache_variant  # type: ignore[attr-defined]


def _hash_variant(request: HttpRequest) -> str:
    parts = [
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        getattr(request, "LANGUAGE_CODE", ""),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        request.headers.get("HX-History-Restore-Request", ""),
        request.COOKIES.get(LIST_VIEW_COOKIE, ""),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _etag(request: HttpRequest, *args, **kwargs) -> str | None:
    if not shareable(request):
        return None
    return f"{content_version(request).tag}-{_variant(request)[:16]}"


def _last_modified(request: HttpRequest, *args, **kwargs) -> datetime | None:
    return content_version(request).changed_at if shareable(request) else None


@dataclass(frozen=True)
class _Copy:
    content: bytes
    status: int
    headers: dict[str, str]


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "no-store" not in control
        and "private" not in control
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def _kept(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not shareable(request):
            return view(request, *args, **kwargs)
        key = f"page:{content_version(request).tag}:{_variant(request)}"
        copy = cache.get(key)
        if copy is not None:
            return HttpResponse(copy.content, status=copy.status, headers=copy.headers)
        response = view(request, *args, **kwargs)
        if _keepable(request, response):
            copy = _Copy(response.content, response.status_code, dict(response.items()))
            cache.set(key, copy, settings.PAGE_CACHE_SECONDS)
        return response

    return wrapper


def cached_for_anonymous(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the views of pages anyone may read: ETag and Last-Modified, 304s,
    kept copies, and public caching headers, for shareable requests."""
    conditional = condition(etag_func=_etag, last_modified_func=_last_modified)(_kept(view))

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = conditional(request, *args, **kwargs)
        if shareable(request) and "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(
                response,
                public=True,
                max_age=settings.PUBLIC_MAX_AGE,
                stale_while_revalidate=settings.STALE_WHILE_REVALIDATE,
            )
        patch_vary_headers(response, VARY)
        return response

    return wrapper


def search_for(request: HttpRequest, **kwargs) -> Results:
    """``search(**kwargs)``, kept for anonymous readers by the normalised
    query and the content version; a search that timed out is not kept."""
    if not shareable(request) or kwargs.get("bookmarked_by") or kwargs.get("unread_by"):
        return search(**kwargs)
    key = f"search:{content_version(request).tag}:{_normalised(kwargs)}"
    results = cache.get(key)
    if results is None:
        results = search(**kwargs)
        if not results.timed_out:
            cache.set(key, results, settings.PAGE_CACHE_SECONDS)
    return results


def _normalised(kwargs: dict) -> str:
    """The same search however it was typed: spaces, case of tags, order."""
    named = dict(kwargs)
    named["text"] = " ".join(str(named.get("text", "")).split())
    named["tags"] = sorted(
        f"#{t.pk}" if hasattr(t, "pk") else str(t).casefold() for t in named.get("tags", ())
    )
    named["links"] = sorted(named.get("links", ()))
    named["page_size"] = named.get("page_size") or listing.PAGE_SIZE
    text = json.dumps(named, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]
