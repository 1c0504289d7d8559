"""URL helpers shared by models, views and templates: slugs, and reverse()
remembered."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.text import slugify

SLUG_LENGTH = 80


def cached_reverse(viewname: str, **kwargs) -> str:
    """``reverse(viewname, kwargs=kwargs)``, remembered.

    A listing links 20 articles, their digests and ~200 tags, mostly the same
    ones from one request to the next, and ``reverse()`` took a tenth of a
    page's time. The script prefix and URLconf are part of the key.
    """
    return _reverse(viewname, tuple(kwargs.items()), *url_context())


def url_context() -> tuple[str, str]:
    """What ``reverse()`` depends on besides its arguments: the script prefix
    and the URLconf of the current thread or request."""
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF


@lru_cache(maxsize=16384)
def _reverse(viewname: str, kwargs: tuple, prefix: str, urlconf: str) -> str:
    return reverse(viewname, kwargs=dict(kwargs), urlconf=urlconf)


def make_slug(text: str, fallback: str = "article") -> str:
    """A URL slug that keeps Chinese: ``GPT-5 为何迟迟不发`` -> ``gpt-5-为何迟迟不发``."""
    return slugify(text, allow_unicode=True)[:SLUG_LENGTH].strip("-_") or fallback
