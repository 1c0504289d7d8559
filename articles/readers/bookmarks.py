"""A bookmark asked for before logging in is made on login."""

from __future__ import annotations

from articles.models import Article, Bookmark

PENDING = "pending_bookmark"  # the session key: the article a reader asked to keep


def make_pending_bookmark(sender, request, user, **kwargs) -> None:
    """On login, the bookmark asked for before it (connected in apps.py)."""
    article_id = request.session.pop(PENDING, None) if request is not None else None
    if article_id and Article.objects.published().filter(pk=article_id).exists():
        Bookmark.objects.get_or_create(user=user, article_id=article_id)
