"""Small middleware: a strict Content-Security-Policy and one log line per request."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

log = logging.getLogger("newsroom.requests")


def security_headers(get_response: Callable[[HttpRequest], HttpResponse]):
    """Content-Security-Policy on every response (Django 5.2 has none built in)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if request.path.startswith("/admin/"):
            policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        response.headers.setdefault("Content-Security-Policy", policy)
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
