"""The address a failed login is counted against (django-axes counts and
locks; see settings.AXES_*)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from articles.lib.text import without_nul


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or with ``TRUSTED_PROXIES`` = N
    proxies in front, the address the outermost of them saw, N-th from the
    right of X-Forwarded-For (each proxy appends what it saw). What a client
    writes further left is never read, so a made-up header changes nothing.

    (django-ipware's proxy count also counts the proxies' own addresses in the
    header, which nginx, Caddy and Traefik do not write there.)
    """
    address = request.META.get("REMOTE_ADDR")
    trusted = settings.TRUSTED_PROXIES
    if trusted:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(hops) >= trusted:
            address = hops[-trusted]
    try:
        return str(ipaddress.ip_address(address or ""))
    except ValueError:
        return None


def attempt_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The user name a failed login is counted against, as a database column
    holds it: no NUL (PostgreSQL refuses it) and no longer than any account's
    (the login form does not enforce its own maximum)."""
    if credentials is not None:
        name = credentials.get("username")
    else:
        name = request.POST.get("username") if request is not None else None
    return without_nul(str(name or ""))[:150]
