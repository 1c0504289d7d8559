"""The admin's "Restore from the original" (issue #21): fetch a digest's
origin page, show per article what it would get back, apply what the editor
ticks.

GET shows the preview of the copy stored on the source (the fetch itself
is a POST: it writes the copy). The apply POST plans again from the same
stored copy and writes only the ticked articles whose plan is still the one
previewed (``ArticleRestore.fingerprint``), in one transaction logged in
each article's history.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from articles.ingest import restore
from articles.ingest.alignment import ChangeKind, Op, Piece, Refusal
from articles.ingest.originals import OriginalRefused, Reason
from articles.ingest.originals_settings import policy_from_settings
from articles.lib.ids import id_from
from articles.models import Article, Source

# Why an original gave nothing, in the editor's language.
REFUSALS = {
    Reason.BAD_URL: gettext_lazy("the origin URL cannot be fetched"),
    Reason.SCHEME: gettext_lazy("the source names no http or https origin"),
    Reason.UNRESOLVABLE: gettext_lazy("the origin's host name has no address"),
    Reason.BLOCKED_ADDRESS: gettext_lazy("the origin is a local or private address"),
    Reason.UNREACHABLE: gettext_lazy("the origin could not be reached"),
    Reason.TIMEOUT: gettext_lazy("the origin took too long to answer"),
    Reason.TOO_MANY_REDIRECTS: gettext_lazy("the origin redirects too many times"),
    Reason.HTTP_STATUS: gettext_lazy("the origin answered with HTTP status %(status)s"),
    Reason.BAD_RESPONSE: gettext_lazy("the origin's answer is not valid HTTP"),
    Reason.CONTENT_TYPE: gettext_lazy("the origin is neither a web page nor text"),
    Reason.ENCODING: gettext_lazy("the origin's answer could not be decoded"),
    Reason.TOO_LARGE: gettext_lazy("the origin page is too large"),
    Reason.NO_TEXT: gettext_lazy("the origin page has no main text"),
}
ALIGNMENT_REFUSALS = {
    Refusal.EMPTY: gettext_lazy("the article has no text to align"),
    Refusal.EMPTY_ORIGINAL: gettext_lazy("the original has no text"),
    Refusal.LOW_COVERAGE: gettext_lazy("the original is not this article's text"),
}


def describe_refusal(exc: OriginalRefused) -> str:
    return str(REFUSALS[exc.reason]) % {"status": exc.status or "?"}


def describe_changes(changes: dict[ChangeKind, int]) -> str:
    """ "12 punctuation marks, 3 paragraph breaks": what an article gets back."""
    words = {
        ChangeKind.PUNCTUATION: lambda n: ngettext(
            "%(n)d punctuation change", "%(n)d punctuation changes", n
        ),
        ChangeKind.PARAGRAPH: lambda n: ngettext(
            "%(n)d paragraph break", "%(n)d paragraph breaks", n
        ),
        ChangeKind.LINE_BREAK: lambda n: ngettext("%(n)d line break", "%(n)d line breaks", n),
        ChangeKind.SPACE: lambda n: ngettext("%(n)d space", "%(n)d spaces", n),
    }
    return pgettext("list separator", ", ").join(
        words[kind](changes[kind]) % {"n": changes[kind]} for kind in words if changes.get(kind)
    )


def diff_html(pieces: list[Piece]) -> SafeString:
    """The stored text with what the original adds in ``<ins>`` and what it
    takes away in ``<del>``; a paragraph break shows as ¶, a line break as ↵,
    a removed space as ␣ (each still breaks the line in a ``pre-wrap`` box).
    Every piece is escaped: the text is the imported one."""
    out = []
    for piece in pieces:
        text = piece.text
        if piece.op == Op.EQUAL:
            out.append(escape(text))
            continue
        shown = text.replace("\n\n", "¶\n\n") if "\n\n" in text else text.replace("\n", "↵\n")
        if piece.op == Op.DELETE:
            shown = shown.replace(" ", "␣")
            out.append(format_html("<del>{}</del>", shown))
        else:
            out.append(format_html("<ins>{}</ins>", shown))
    return mark_safe("".join(out))  # each part escaped above


@dataclass
class ShownPart:
    label: str
    html: SafeString
    kept: bool = False  # Markdown of its own, kept as written


@dataclass
class ShownArticle:
    entry: restore.ArticleRestore
    article: Article
    parts: list[ShownPart]
    ticked: bool  # ticked at first: applied unless the editor unticks it
    can_apply: bool
    status: str
    summary: str


def _shown(entry: restore.ArticleRestore, article: Article) -> ShownArticle:
    can_apply = entry.accepted and entry.changed
    if not entry.accepted:
        reason = ALIGNMENT_REFUSALS.get(entry.reason, entry.reason)
        status = _("Refused: %(reason)s (%(coverage)s of its text found in the original).") % {
            "reason": reason,
            "coverage": f"{entry.coverage:.0%}",
        }
    elif not entry.changed:
        status = _("Nothing to restore: it already reads as the original.")
    elif entry.edited:
        status = _("An editor changed this article: tick it to restore it anyway.")
    else:
        status = ""
    parts = []
    if can_apply:
        parts.append(ShownPart(_("Title"), diff_html(entry.title_pieces)))
        if entry.subtitle:
            parts.append(ShownPart(_("Subtitle"), diff_html(entry.subtitle_pieces)))
        for s in entry.sections:
            if s.heading:
                parts.append(ShownPart(_("Heading"), diff_html(s.heading_pieces)))
            label = _("Text") if s.heading else _("Lead")
            if s.kept:
                parts.append(ShownPart(label, escape(s.body), kept=True))
            else:
                parts.append(ShownPart(label, diff_html(s.body_pieces)))
    summary = ""
    if entry.accepted:
        summary = _("%(coverage)s of its text found in the original") % {
            "coverage": f"{entry.coverage:.1%}"
        }
        if can_apply and entry.changes:
            summary += _("; ") + describe_changes(entry.changes)
    return ShownArticle(
        entry,
        article,
        parts,
        ticked=can_apply and not entry.edited,
        can_apply=can_apply,
        status=status,
        summary=summary,
    )


def restore_view(model_admin: admin.ModelAdmin, request: HttpRequest, object_id) -> HttpResponse:
    source = get_object_or_404(Source.objects.defer("raw_text"), pk=object_id)
    if not model_admin.has_change_permission(request, source):
        raise PermissionDenied
    here = reverse("admin:articles_source_restore", args=[source.pk])
    if request.method == "POST" and "fetch" in request.POST:
        try:
            restore.fetch_into(source, policy_from_settings())
        except OriginalRefused as exc:
            model_admin.message_user(
                request,
                _("The original was not fetched: %(reason)s.") % {"reason": describe_refusal(exc)},
                messages.ERROR,
            )
        return HttpResponseRedirect(here)

    plan, error = None, ""
    if source.original_html:
        try:
            plan = restore.plan_restore(source, restore.extract_stored(source).text)
        except OriginalRefused as exc:
            error = _("The stored original gives no text: %(reason)s.") % {
                "reason": describe_refusal(exc)
            }
    elif not source.original_url:
        error = str(REFUSALS[Reason.SCHEME]).capitalize() + "."

    if request.method == "POST" and "apply" in request.POST:
        return _apply(model_admin, request, source, plan, here)

    shown = []
    if plan is not None:
        articles = source.articles.in_bulk([a.article_id for a in plan.articles])
        shown = [_shown(entry, articles[entry.article_id]) for entry in plan.articles]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Source._meta,
        "source": source,
        "title": _("Restore from the original: %(source)s") % {"source": source},
        "url": source.original_url,
        "plan": plan,
        "shown": shown,
        "appliable": any(s.can_apply for s in shown),
        "error": error,
    }
    return render(request, "admin/articles/source/restore.html", context)


def _apply(model_admin, request, source: Source, plan, here: str) -> HttpResponse:
    if plan is None:
        model_admin.message_user(request, _("Fetch the original first."), messages.ERROR)
        return HttpResponseRedirect(here)
    ticked = {id_from(value) for value in request.POST.getlist("article")} - {None}
    confirmed = {
        entry.article_id
        for entry in plan.articles
        if entry.article_id in ticked
        and request.POST.get(f"fingerprint-{entry.article_id}") == entry.fingerprint
    }
    wanted = len(plan.to_apply(ticked))
    restored = restore.apply_restore(
        plan, only=confirmed, fetched_at=source.original_fetched_at, user=request.user
    )
    model_admin.message_user(
        request,
        ngettext("Restored %(n)d article.", "Restored %(n)d articles.", restored) % {"n": restored},
        messages.SUCCESS,
    )
    if restored < wanted:
        left = wanted - restored
        model_admin.message_user(
            request,
            ngettext(
                "%(n)d article changed since the preview and was left alone: "
                "look at the preview again.",
                "%(n)d articles changed since the preview and were left alone: "
                "look at the preview again.",
                left,
            )
            % {"n": left},
            messages.WARNING,
        )
        return HttpResponseRedirect(here)
    return HttpResponseRedirect(reverse("admin:articles_source_change", args=[source.pk]))
