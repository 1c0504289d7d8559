"""What readers keep: bookmarks, what they have read, and reading lists."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse

from articles.models.sources import Article


class Bookmark(models.Model):
    """An article a reader keeps, with a private note."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bookmarks")
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="bookmark_once"),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="bookmark_recent")]

    def __str__(self) -> str:
        return f"{self.user} / {self.article}"


class ReadMark(models.Model):
    """An article a reader has read: one row each, none for unread ones
    (most articles), so "unread" is a NOT EXISTS on the unique index."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reads"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="read_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.article}"


def new_list_token() -> str:
    return secrets.token_urlsafe(18)


class ReadingListQuerySet(models.QuerySet["ReadingList"]):
    def alive(self) -> ReadingListQuerySet:
        return self.filter(deleted_at=None)


class ReadingList(models.Model):
    """A named list of articles its owner can share read-only at an
    unguessable link, and revoke or rotate that link."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_lists"
    )
    name = models.CharField(max_length=200)
    articles = models.ManyToManyField(Article, through="ReadingListItem", related_name="+")
    token = models.CharField(max_length=40, unique=True, null=True, blank=True, default=None)
    created_at = models.DateTimeField(auto_now_add=True)
    # A deleted list is kept until its owner deletes another, so that the
    # deletion can be undone.
    deleted_at = models.DateTimeField(null=True, blank=True, default=None)

    objects = ReadingListQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reading-list", kwargs={"pk": self.pk})

    @property
    def is_shared(self) -> bool:
        return bool(self.token)

    def share_url(self) -> str:
        return reverse("shared-list", kwargs={"token": self.token}) if self.token else ""


class ReadingListItem(models.Model):
    reading_list = models.ForeignKey(ReadingList, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey(Article, on_delete=models.CASCADE)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["reading_list", "article"], name="list_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.reading_list} / {self.article}"
