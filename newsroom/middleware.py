"""Small middleware: the admin's exception to the Content-Security-Policy,
and one log line per request."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

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
