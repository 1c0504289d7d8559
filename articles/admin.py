from __future__ import annotations

from django.contrib import admin
from django.db import models

from .models import Article, ArticleTag, Link, Section, Source, Tag, TagAlias

# Django 6 makes https the scheme assumed for a URL typed without one; say so now.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = ["position", "heading", "anchor", "body"]


class LinkInline(admin.TabularInline):
    model = Link
    extra = 0
    formfield_overrides = URL_FIELDS


class ArticleTagInline(admin.TabularInline):
    model = ArticleTag
    extra = 0
    autocomplete_fields = ["tag"]


class ArticleInline(admin.TabularInline):
    model = Article
    extra = 0
    fields = ["position", "title", "status", "edited"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["filename", "imported_at", "published_on", "encoding", "parser_version"]
    list_filter = ["encoding", "parser_version", "published_on"]
    search_fields = ["filename", "origin_url", "page_url", "sha256"]
    readonly_fields = ["sha256", "size", "encoding", "parser_version", "warnings", "imported_at"]
    fields = [
        "filename", "sha256", "size", "encoding", "origin_url", "page_url", "published_on",
        "parser_version", "warnings", "imported_at", "raw_text",
    ]  # fmt: skip
    inlines = [ArticleInline]
    formfield_overrides = URL_FIELDS


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "position", "published_on", "status", "edited"]
    list_filter = ["status", "edited", "published_on", ("source", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["source"]
    search_fields = ["title", "subtitle"]
    readonly_fields = ["source", "position", "span_start", "span_end", "created_at", "updated_at"]
    fields = [
        "title", "subtitle", "slug", "published_on", "status", "edited",
        "source", "position", "span_start", "span_end", "created_at", "updated_at",
    ]  # fmt: skip
    inlines = [ArticleTagInline, SectionInline, LinkInline]

    def save_model(self, request, obj: Article, form, change: bool) -> None:
        # Any save here, of the article or of its inlines (the admin calls
        # save_model for both), is an editor's: re-imports must not undo it.
        obj.edited = True
        super().save_model(request, obj, form, change)


class TagAliasInline(admin.TabularInline):
    model = TagAlias
    extra = 1


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TagAliasInline]
