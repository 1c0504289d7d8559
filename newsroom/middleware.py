"""Small middleware: the admin's exception to the Content-Security-Policy,
and one log line per request."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django_htmx.http import HttpResponseClientRedirect

log = logging.getLogger("newsroom.requests")


class ContentSecurityPolicy(CSPMiddleware):
    """django-csp's policy (settings.CONTENT_SECURITY_POLICY) on every
    response, with the one exception: the Django admin's templates still
    carry inline styles, so its pages allow them."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(reverse("admin:index")):
            parts.update = {**(parts.update or {}), "style-src": [UNSAFE_INLINE]}
        return parts


def private_pages(get_response: Callable[[HttpRequest], HttpResponse]):
    """A page made for a logged-in reader (their bookmarks, what they have
    read) is neither shared by a cache nor kept: Back to a list shows the
    article just opened as read, not the copy from before it was."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response

    return middleware


def htmx_login_redirect(get_response: Callable[[HttpRequest], HttpResponse]):
    """An HTMX request that needs a login is sent to the login page as a
    whole (HX-Redirect), not given the login page to paste into a fragment:
    the browser would follow a plain redirect inside the request."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        login = resolve_url(settings.LOGIN_URL)
        if (
            getattr(request, "htmx", False)
            and response.status_code in (301, 302)
            and urlsplit(response["Location"]).path == login
        ):
            return HttpResponseClientRedirect(response["Location"])
        return response

    return middleware


class RequestLog:
    """``GET /tags/x/ 200 12.3ms``: one line per request, to stdout."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        ms = (time.perf_counter() - started) * 1000
        log.info("%s %s %s %.1fms", request.method, request.path, response.status_code, ms)
        return response
