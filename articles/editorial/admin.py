from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from articles.editorial import editing, restoring
from articles.ingest.reasons import Reason, Warn
from articles.lib.ids import id_from
from articles.models import (
    Article,
    ArticleTag,
    Link,
    RemovedTag,
    Section,
    Source,
    Tag,
    TagAlias,
    remove_tag,
)

# The admin says whose it is, in the editor's language.
admin.site.site_header = gettext_lazy("Newsroom editorial")
admin.site.site_title = gettext_lazy("Newsroom editorial")
admin.site.index_title = gettext_lazy("Articles, tags and sources")


class ModelAdmin(admin.ModelAdmin):
    """The project's admin classes: the ids ticked for a list action come
    from the form, and one that is not an id is dropped (Django would filter
    on it and fail with a server error)."""

    def response_action(self, request, queryset):
        name = admin.helpers.ACTION_CHECKBOX_NAME
        selected = request.POST.getlist(name)
        kept = [value for value in selected if id_from(value) is not None]
        if kept != selected:
            request.POST = request.POST.copy()
            request.POST.setlist(name, kept)
        return super().response_action(request, queryset)


# Django 6 makes https the scheme assumed for a URL typed without one; say so now.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = ["position", "heading", "anchor", "body"]


class LinkInline(admin.TabularInline):
    model = Link
    extra = 0
    fields = ["position", "url", "kind", "label"]
    readonly_fields = ["kind", "label"]  # from the URL, at save
    formfield_overrides = URL_FIELDS


class ArticleTagInline(admin.TabularInline):
    model = ArticleTag
    extra = 0
    autocomplete_fields = ["tag"]
    readonly_fields = ["origin"]


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
class SourceAdmin(ModelAdmin):
    list_display = [
        "filename", "format", "imported_at", "published_on", "encoding", "parser_version",
    ]  # fmt: skip
    list_filter = ["format", "encoding", "parser_version", "published_on"]
    search_fields = ["filename", "title", "origin_url", "page_url", "sha256"]
    readonly_fields = [
        "sha256", "size", "format", "encoding", "parser_version", "parser_warnings", "imported_at",
        "original_fetched_at", "split_view",
    ]  # fmt: skip
    # The fetched original page (original_html) is never shown: only text
    # extracted from it, through the one sanitiser, reaches a page.
    fields = [
        "filename", "title", "format", "sha256", "size", "encoding", "origin_url", "page_url",
        "published_on", "parser_version", "parser_warnings", "imported_at", "original_fetched_at",
        "split_view",
    ]  # fmt: skip
    inlines = [ArticleInline]
    formfield_overrides = URL_FIELDS
    actions = ["restore_from_original"]
    change_form_template = "admin/articles/source/change_form.html"

    def get_urls(self):
        return [
            path(
                "<id:object_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="articles_source_restore",
            ),
            *super().get_urls(),
        ]

    def restore_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        return restoring.restore_view(self, request, object_id)

    @admin.action(description=gettext_lazy("Restore from the original"), permissions=["change"])
    def restore_from_original(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request,
                _("Choose one source: its preview shows every article it would change."),
                messages.WARNING,
            )
            return None
        source = queryset.get()
        return HttpResponseRedirect(reverse("admin:articles_source_restore", args=[source.pk]))

    @admin.display(description=gettext_lazy("warnings"))
    def parser_warnings(self, source: Source) -> str:
        return "; ".join(describe_warning(w) for w in source.warnings or []) or "-"

    @admin.display(description=gettext_lazy("raw text and its articles"))
    def split_view(self, source: Source) -> str:
        """The raw text, each article's span in its own colour and linked to
        it, the rest (the site's chrome) greyed out: one element a span."""
        text = source.raw_text
        articles = list(
            source.articles.order_by("span_start").only("id", "title", "span_start", "span_end")
        )
        parts, at = [], 0
        for n, article in enumerate(articles):
            start, end = max(at, article.span_start), max(at, article.span_end)
            if start > at:
                parts.append(format_html('<span class="chrome">{}</span>', text[at:start]))
            url = reverse("admin:articles_article_change", args=[article.pk])
            parts.append(
                format_html(
                    '<a class="span span-{}" href="{}" title="{}">{}</a>',
                    n % 6,
                    url,
                    f"{article.position}. {article.title}",
                    text[start:end],
                )
            )
            at = end
        if at < len(text):
            parts.append(format_html('<span class="chrome">{}</span>', text[at:]))
        # Every part came out of format_html, which escaped the text in it.
        return format_html('<div class="split-view">{}</div>', mark_safe("".join(parts)))

    class Media:
        css = {"all": ["articles/admin.css"]}


@dataclass
class Tool:
    """One of the split tools: a link to the preview of an edit."""

    label: str
    url: str


@dataclass
class SectionTools:
    section: Section
    tools: list[Tool]  # for the whole section
    paragraphs: list[tuple[str, Tool]]  # each paragraph, and the tool to make it a heading


def _split_tools(article: Article, *, has_next: bool) -> list[SectionTools]:
    """The edits offered at each section of the article's change page."""

    def tool(label: str, operation: str, section: Section, **params: int) -> Tool:
        url = reverse("admin:articles_article_edit", args=[article.pk, operation])
        return Tool(label, f"{url}?{urlencode({'section': section.pk, **params})}")

    sections = list(article.sections.order_by("position"))
    shown = []
    for n, section in enumerate(sections):
        first, last = n == 0, n == len(sections) - 1
        tools = []
        if not first:
            tools.append(tool(_("Split here"), "split", section))
        if first and article.position > 1 and not last:
            tools.append(tool(_("Move to previous article"), "move-up", section))
        if last and has_next and not first:
            tools.append(tool(_("Move to next article"), "move-down", section))
        if section.heading:
            tools.append(tool(_("Heading → paragraph"), "to-paragraph", section))
        paragraphs = [
            (text, tool(_("Make heading"), "to-heading", section, paragraph=i))
            for i, text in enumerate(editing.paragraphs_of(section))
        ]
        shown.append(SectionTools(section, tools, paragraphs))
    return shown


# The words for the review reasons (stored as codes, articles.ingest.reasons).
_REVIEW_REASONS = {
    Reason.VERY_LONG: gettext_lazy("very long (%(n)s characters)"),
    Reason.VERY_SHORT: gettext_lazy("very short (%(n)s characters)"),
    Reason.TITLE_CUT: gettext_lazy("title looks cut"),
    Reason.SUBTITLE_CUT: gettext_lazy("subtitle looks cut"),
    Reason.NO_LEAD: gettext_lazy("no lead paragraph"),
    Reason.UNSECTIONED: gettext_lazy("long text without a section"),
    Reason.HEADING_LIKE: gettext_lazy("a paragraph looks like a heading"),
    Reason.NO_STRUCTURE: gettext_lazy("no structure found"),
    Reason.TITLE_FROM_TEXT: gettext_lazy("title taken from the text"),
    Reason.PARSER_WARNING: gettext_lazy("parser: %(warning)s"),
}


# The words for what the parser noticed in a file (articles.ingest.reasons.Warn).
_WARNINGS = {
    Warn.NUL_REPLACED: gettext_lazy("%(n)s NUL characters replaced"),
    Warn.NO_BOM: gettext_lazy("no byte-order mark: read as %(codec)s"),
    Warn.INVALID_BYTES: gettext_lazy("%(n)s invalid byte sequences in %(codec)s replaced"),
    Warn.IMPOSSIBLE_DATE: gettext_lazy("impossible publication date “%(date)s” ignored"),
    Warn.EMPTY_ARTICLE: gettext_lazy("article “%(title)s” has no text and was dropped"),
}


def _described(table: dict, stored: dict, code_type) -> str | None:
    """A stored code with its parameters in the current language, or None
    for one this version does not know."""
    try:
        text = str(table[code_type(stored["code"])])
    except (KeyError, TypeError, ValueError):
        return None
    params = {k: f"{v:,}" if isinstance(v, int) else v for k, v in stored.items()}
    try:
        return text % params if "%(" in text else text
    except (KeyError, TypeError, ValueError):
        return None


def describe_warning(warning: dict | str) -> str:
    """A parser warning stored on a source (older imports stored its English)."""
    if isinstance(warning, dict):
        return _described(_WARNINGS, warning, Warn) or str(warning)
    return str(warning)


def describe_reason(reason: dict) -> str:
    """A stored review reason in the current language."""
    if isinstance(reason, dict) and isinstance(reason.get("parser"), dict):
        reason = {**reason, "warning": describe_warning(reason["parser"])}
    return _described(_REVIEW_REASONS, reason, Reason) or str(reason)


class NeedsReview(admin.SimpleListFilter):
    title = gettext_lazy("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("needed", _("needs review")), ("done", _("no review needed"))]

    def queryset(self, request, queryset):
        unsure = models.Q(status=Article.Status.REVIEW) | ~models.Q(review_reasons=[])
        if self.value() == "needed":
            return queryset.filter(unsure)
        if self.value() == "done":
            return queryset.exclude(unsure)
        return queryset


class TagChoiceForm(forms.Form):
    tag = forms.CharField(
        max_length=100,
        label=gettext_lazy("Tag"),
        help_text=gettext_lazy("A tag name or one of its aliases."),
    )


@admin.register(Article)
class ArticleAdmin(ModelAdmin):
    list_display = ["title", "source", "position", "published_on", "status", "edited", "review"]
    list_filter = [
        NeedsReview,
        ("duplicate_of", admin.EmptyFieldListFilter),
        ("restored_at", admin.EmptyFieldListFilter),
        "status",
        "edited",
        "published_on",
        ("source", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["source"]
    search_fields = ["title", "subtitle"]
    readonly_fields = [
        "source", "position", "span_start", "span_end", "reasons", "created_at",
        "updated_at", "duplicate_of", "restored_at",
    ]  # fmt: skip
    fields = [
        "title", "subtitle", "byline", "slug", "published_on", "date_known", "status", "edited",
        "restored_at", "reasons",
        "duplicate_of",
        "source", "position", "span_start", "span_end", "created_at", "updated_at",
    ]  # fmt: skip
    inlines = [ArticleTagInline, SectionInline, LinkInline]
    actions = ["mark_reviewed", "merge_with_next", "add_tag", "remove_tag", "not_a_duplicate"]
    change_form_template = "admin/articles/article/change_form.html"

    class Media:
        css = {"all": ["articles/admin.css"]}

    @admin.display(description=gettext_lazy("review"), boolean=False)
    def review(self, article: Article) -> str:
        return "; ".join(describe_reason(r) for r in article.review_reasons)

    @admin.display(description=gettext_lazy("review reasons"))
    def reasons(self, article: Article) -> str:
        return self.review(article) or "-"

    def save_model(self, request, obj: Article, form, change: bool) -> None:
        # Any save here, of the article or of its inlines (the admin calls
        # save_model for both), is an editor's: re-imports must not undo it.
        obj.edited = True
        if "published_on" in form.changed_data:
            # An editor who sets the date knows it: no longer "imported on".
            obj.date_known = True
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change: bool) -> None:
        if formset.model is not ArticleTag:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for tagging in formset.deleted_objects:
            remove_tag(tagging.article, tagging.tag)  # remembers automatic ones
        for tagging in instances:
            tagging.save()
        formset.save_m2m()

    # -- tools on the change page ------------------------------------------

    def get_urls(self):
        return [
            path(
                "<id:object_id>/edit/<str:operation>/",
                self.admin_site.admin_view(self.edit_view),
                name="articles_article_edit",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        extra = extra_context or {}
        if article is not None:
            extra["has_next"] = Article.objects.filter(
                source_id=article.source_id, position=article.position + 1
            ).exists()
            extra["edit_sections"] = _split_tools(article, has_next=extra["has_next"])
        return super().change_view(request, object_id, form_url, extra)

    def edit_view(self, request: HttpRequest, object_id: int, operation: str) -> HttpResponse:
        """Preview an edit of the split on GET, apply it on POST."""
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        edit, args, label = self._edit(article, operation, request)
        if request.method == "POST":
            try:
                outcome = edit(*args)
            except editing.EditError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return HttpResponseRedirect(
                    reverse("admin:articles_article_change", args=[article.pk])
                )
            for changed in outcome.articles:
                if changed.pk == article.pk or Article.objects.filter(pk=changed.pk).exists():
                    self.log_change(request, changed, outcome.message)
            self.message_user(request, outcome.message, messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        try:
            result = editing.preview(edit, *args)
            error = ""
        except editing.EditError as exc:
            result, error = [], str(exc)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "article": article,
            "label": label,
            "result": result,
            "error": error,
            "title": f"{label}: {article.title}",
        }
        return render(request, "admin/articles/article/edit_confirmation.html", context)

    def _edit(self, article: Article, operation: str, request: HttpRequest):
        def section() -> Section:
            pk = id_from(request.GET.get("section"))
            return get_object_or_404(Section, pk=pk or 0, article=article)

        if operation == "split":
            s = section()
            label = _("Split before “%(heading)s”") % {"heading": s.heading or s.pk}
            return editing.split, [s], label
        if operation == "merge":
            return editing.merge_with_next, [article], _("Merge with the next article")
        if operation in ("move-up", "move-down"):
            s = section()
            direction = -1 if operation == "move-up" else 1
            label = (
                _("Move “%(section)s” to the previous article")
                if direction < 0
                else _("Move “%(section)s” to the next article")
            ) % {"section": s.heading or _("lead")}
            return editing.move_section, [s, direction], label
        if operation == "to-paragraph":
            s = section()
            label = _("Turn heading “%(heading)s” into a paragraph") % {"heading": s.heading}
            return editing.heading_to_paragraph, [s], label
        if operation == "to-heading":
            s = section()
            try:
                index = int(request.GET.get("paragraph", ""))
            except ValueError:
                index = -1
            return editing.paragraph_to_heading, [s, index], _("Turn a paragraph into a heading")
        raise Http404(_("No such edit."))

    # -- list actions --------------------------------------------------------

    @admin.action(description=gettext_lazy("Mark reviewed"), permissions=["change"])
    def mark_reviewed(self, request, queryset) -> None:
        def reviewed(article: Article) -> None:
            article.review_reasons = []
            if article.status == Article.Status.REVIEW:
                article.status = Article.Status.PUBLISHED

        self._fix_each(request, queryset, reviewed, _("Marked reviewed."))

    @admin.action(description=gettext_lazy("Not a duplicate: show it"), permissions=["change"])
    def not_a_duplicate(self, request, queryset) -> None:
        def shown(article: Article) -> None:
            article.duplicate_of = None
            article.status = Article.Status.PUBLISHED

        queryset = queryset.exclude(duplicate_of=None)
        self._fix_each(request, queryset, shown, _("Not a duplicate: shown again."))

    def _fix_each(self, request, queryset, fix, note: str) -> None:
        """Fix each article in one transaction, marked edited and logged."""
        with transaction.atomic():
            n = 0
            for article in queryset:
                fix(article)
                article.edited = True
                article.save()
                self.log_change(request, article, note)
                n += 1
        self.message_user(request, f"{note} ({n})", messages.SUCCESS)

    @admin.action(
        description=gettext_lazy("Merge with the next article of its digest"),
        permissions=["change"],
    )
    def merge_with_next(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one article to merge."), messages.WARNING)
            return None
        article = queryset.get()
        return HttpResponseRedirect(
            reverse("admin:articles_article_edit", args=[article.pk, "merge"])
        )

    @admin.action(description=gettext_lazy("Add a tag"), permissions=["change"])
    def add_tag(self, request, queryset):
        return self._tag_action(request, queryset, "add_tag", add=True)

    @admin.action(description=gettext_lazy("Remove a tag"), permissions=["change"])
    def remove_tag(self, request, queryset):
        return self._tag_action(request, queryset, "remove_tag", add=False)

    def _tag_action(self, request, queryset, action: str, add: bool):
        form = TagChoiceForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            name = form.cleaned_data["tag"].strip()
            tag = Tag.objects.named(name).first()
            if tag is None and add:
                tag = Tag.objects.create(name=name)
            n = 0
            with transaction.atomic():
                for article in queryset:
                    if tag is None:
                        break
                    if add:
                        created = ArticleTag.objects.get_or_create(article=article, tag=tag)[1]
                        RemovedTag.objects.filter(article=article, tag=tag).delete()
                    else:
                        created = remove_tag(article, tag)
                    if created:
                        Article.objects.filter(pk=article.pk).update(edited=True)
                        note = _("Added tag “%(tag)s”.") if add else _("Removed tag “%(tag)s”.")
                        self.log_change(request, article, note % {"tag": name})
                        n += 1
            done = (
                ngettext(
                    "Tag “%(tag)s” added to %(n)d article.",
                    "Tag “%(tag)s” added to %(n)d articles.",
                    n,
                )
                if add
                else ngettext(
                    "Tag “%(tag)s” removed from %(n)d article.",
                    "Tag “%(tag)s” removed from %(n)d articles.",
                    n,
                )
            )
            self.message_user(request, done % {"tag": name, "n": n}, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Add a tag") if add else _("Remove a tag"),
            "form": form,
            "articles": queryset,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return render(request, "admin/articles/article/tag_action.html", context)


class TagAliasInline(admin.TabularInline):
    model = TagAlias
    extra = 1


class TagMergeForm(forms.Form):
    into = forms.ModelChoiceField(queryset=Tag.objects.none(), label=gettext_lazy("Keep this tag"))


@admin.register(Tag)
class TagAdmin(ModelAdmin):
    list_display = ["name", "kind", "automatic", "articles_count"]
    list_filter = ["kind", "automatic"]
    ordering = ["name"]
    search_fields = ["name", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TagAliasInline]
    actions = ["merge_tags"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n=Count("articletag", distinct=True))

    @admin.display(description=gettext_lazy("articles"), ordering="n")
    def articles_count(self, tag: Tag) -> int:
        return tag.n

    def save_model(self, request, obj: Tag, form, change: bool) -> None:
        # A renamed tag keeps answering to its old name.
        if change and "name" in form.changed_data:
            old = Tag.objects.get(pk=obj.pk).name
            with transaction.atomic():
                super().save_model(request, obj, form, change)
                if not TagAlias.objects.filter(name=old).exists():
                    TagAlias.objects.create(tag=obj, name=old)
            return
        super().save_model(request, obj, form, change)

    @admin.action(
        description=gettext_lazy("Merge the selected tags into one"), permissions=["change"]
    )
    def merge_tags(self, request, queryset):
        form = TagMergeForm(request.POST if "apply" in request.POST else None)
        form.fields["into"].queryset = queryset
        if queryset.count() < 2:
            self.message_user(request, _("Choose two or more tags to merge."), messages.WARNING)
            return None
        if form.is_valid():
            into = form.cleaned_data["into"]
            others = list(queryset.exclude(pk=into.pk))
            merge_tags(into, others)
            names = ", ".join(t.name for t in others)
            self.log_change(request, into, _("Merged %(names)s into it.") % {"names": names})
            self.message_user(
                request,
                _("Merged %(names)s into “%(tag)s”.") % {"names": names, "tag": into.name},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Merge tags"),
            "form": form,
            "tags": queryset,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return render(request, "admin/articles/tag/merge.html", context)


def merge_tags(into: Tag, others: list[Tag]) -> None:
    """Articles of ``others`` move to ``into``; their names and aliases
    become its aliases. One transaction: a half-merged tag would be lost."""
    with transaction.atomic():
        for other in others:
            for tagging in ArticleTag.objects.filter(tag=other):
                exists = ArticleTag.objects.filter(article_id=tagging.article_id, tag=into)
                if exists.exists():
                    tagging.delete()
                else:
                    tagging.tag = into
                    tagging.save()
            RemovedTag.objects.filter(tag=other).exclude(
                article_id__in=RemovedTag.objects.filter(tag=into).values("article_id")
            ).update(tag=into)
            TagAlias.objects.filter(tag=other).update(tag=into)
            name = other.name
            other.delete()
            TagAlias.objects.get_or_create(name=name, defaults={"tag": into})


@admin.register(RemovedTag)
class RemovedTagAdmin(ModelAdmin):
    list_display = ["article", "tag", "removed_at"]
    list_select_related = ["article", "tag"]
    search_fields = ["article__title", "tag__name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
