"""What a signed-in reader keeps: bookmarks with notes, and reading lists
shared at unguessable links. Every change is a POST; every lookup is scoped
to the reader, so guessing ids finds nothing (404)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required, login_required
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from articles.lib.ids import id_from
from articles.lib.text import without_nul
from articles.models import (
    Article,
    Bookmark,
    ReadingList,
    ReadingListItem,
    ReadMark,
    new_list_token,
)
from articles.readers import bookmark_files
from articles.readers.bookmarks import PENDING
from articles.readers.preferences import LIST_VIEW_COOKIE
from articles.views.caching import cached_for_anonymous


def _back(request: HttpRequest, fallback: str) -> str:
    """Where to return after a form: its ``next`` when it is a path of ours,
    else ``fallback`` (a path)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return fallback


# -- bookmarks -------------------------------------------------------------


@require_POST
@login_not_required  # a reader who is not logged in is sent to log in first
@csrf_exempt  # anonymous pages carry no token (caching); a reader's change needs one
def bookmark(request: HttpRequest, pk: int) -> HttpResponse:
    """Add (``action=add``) or remove a bookmark; HTMX gets the new button."""
    article = get_object_or_404(Article.objects.published(), pk=pk)
    back = _back(request, article.get_absolute_url())
    if not request.user.is_authenticated:
        # Made when they come back logged in (see make_pending_bookmark).
        request.session[PENDING] = article.pk
        return redirect_to_login(back)
    return _change_bookmark(request, article, back)


@csrf_protect
def _change_bookmark(request: HttpRequest, article: Article, back: str) -> HttpResponse:
    if request.POST.get("action") == "remove":
        mark = Bookmark.objects.filter(user=request.user, article=article).first()
        note = mark.note if mark else ""
        if mark:
            mark.delete()
        state = {"bookmarked": False, "undo_note": note, "removed": mark is not None}
    else:
        mark, _ = Bookmark.objects.get_or_create(user=request.user, article=article)
        note = without_nul(request.POST.get("note", ""))[:2000]
        if note and not mark.note:
            mark.note = note
            mark.save(update_fields=["note"])
        state = {"bookmarked": True}
    if request.htmx:
        context = {"article": article, "next": back, **state}
        return render(request, "articles/bookmark_button.html", context)
    return HttpResponseRedirect(back)


@require_POST
@login_required
def read_state(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an article read (``read=1``) or unread; HTMX gets the new button."""
    article = get_object_or_404(Article.objects.published(), pk=pk)
    read = request.POST.get("read") == "1"
    if read:
        ReadMark.objects.bulk_create(
            [ReadMark(user=request.user, article=article)], ignore_conflicts=True
        )
    else:
        ReadMark.objects.filter(user=request.user, article=article).delete()
    back = _back(request, article.get_absolute_url())
    if request.htmx:
        context = {"article": article, "is_read": read, "next": back}
        return render(request, "articles/read_button.html", context)
    return HttpResponseRedirect(back)


class NoteForm(forms.Form):
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


@require_POST
@login_required
def bookmark_note(request: HttpRequest, pk: int) -> HttpResponse:
    mark = get_object_or_404(Bookmark, user=request.user, article_id=pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    mark.note = form.cleaned_data["note"]
    mark.save(update_fields=["note"])
    if request.htmx:
        return render(request, "articles/bookmark_note.html", {"mark": mark, "saved": True})
    return HttpResponseRedirect(_back(request, reverse("bookmarks")))


@require_GET
@login_required
def bookmarks_export(request: HttpRequest, fmt: str) -> HttpResponse:
    entries = [
        bookmark_files.Entry(
            request.build_absolute_uri(m.article.get_absolute_url()),
            m.article.title,
            m.note,
            m.created_at,
        )
        for m in request.user.bookmarks.select_related("article").order_by("created_at")
    ]
    if fmt == "json":
        body, kind = bookmark_files.to_json(entries), "application/json"
    else:
        body, kind = bookmark_files.to_netscape(entries), "text/html"
    response = HttpResponse(body, content_type=f"{kind}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="newsroom-bookmarks.{fmt}"'
    return response


class ImportForm(forms.Form):
    file = forms.FileField()


_ARTICLE_PATH = re.compile(r"^/articles/(\d+)/")


@require_POST
@login_required
def bookmarks_import(request: HttpRequest) -> HttpResponse:
    """Bookmarks from a JSON or Netscape file; links to this site's articles
    count, the rest is skipped, and importing twice adds nothing."""
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to import."))
        return redirect("bookmarks")
    try:
        entries = bookmark_files.parse(form.cleaned_data["file"].read(5_000_000))
    except bookmark_files.BadFile as exc:
        messages.error(request, _("That file could not be read: %(reason)s") % {"reason": exc})
        return redirect("bookmarks")
    ids = {}
    for entry in entries:
        if m := _ARTICLE_PATH.match(urlsplit(entry.url).path):
            ids.setdefault(int(m[1]), entry)
    published = set(Article.objects.published().filter(pk__in=ids).values_list("pk", flat=True))
    added = 0
    with transaction.atomic():
        for article_id in sorted(published):
            mark, created = Bookmark.objects.get_or_create(user=request.user, article_id=article_id)
            if created:
                added += 1
                if ids[article_id].note:
                    mark.note = ids[article_id].note[:2000]
                    mark.save(update_fields=["note"])
    messages.success(
        request,
        _("%(added)d bookmarks added, %(known)d already here, %(skipped)d links skipped.")
        % {
            "added": added,
            "known": len(published) - added,
            "skipped": len(entries) - len(published),
        },
    )
    return redirect("bookmarks")


# -- how lists look -----------------------------------------------------------


@require_POST
@login_not_required
@csrf_exempt  # a display preference: anonymous pages carry no token (caching)
def list_view(request: HttpRequest) -> HttpResponse:
    """Titles only (``view=compact``) or with summaries (``full``), kept in
    a cookie so that it holds for anonymous readers too."""
    response = HttpResponseRedirect(_back(request, reverse("index")))
    if request.POST.get("view") == "compact":
        response.set_cookie(
            LIST_VIEW_COOKIE, "compact", max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    else:
        response.delete_cookie(LIST_VIEW_COOKIE, samesite="Lax")
    return response


# -- reading lists ----------------------------------------------------------


class ListForm(forms.Form):
    name = forms.CharField(max_length=200)


def _number(request: HttpRequest, field: str) -> int:
    """A posted id; anything else is a 404."""
    if (number := id_from(request.POST.get(field))) is None:
        raise Http404
    return number


def _my_list(request: HttpRequest, pk: int) -> ReadingList:
    return get_object_or_404(ReadingList.objects.alive(), pk=pk, owner=request.user)


@login_required
def reading_lists(request: HttpRequest) -> HttpResponse:
    form = ListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made = ReadingList.objects.create(owner=request.user, name=form.cleaned_data["name"])
        return redirect(made)
    lists = request.user.reading_lists.alive()
    deleted = request.user.reading_lists.exclude(deleted_at=None).first()
    context = {"lists": lists, "form": form, "deleted": deleted}
    return render(request, "articles/lists.html", context)


@require_GET
@login_required
def reading_list(request: HttpRequest, pk: int) -> HttpResponse:
    rl = _my_list(request, pk)
    items = rl.items.select_related("article").filter(article__status=Article.Status.PUBLISHED)
    return render(request, "articles/list.html", {"list": rl, "items": items, "owner": True})


@login_required
def reading_list_change(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """share, revoke, rotate, delete (asked first), restore; add or remove
    an ``article``. Everything but the question is a POST."""
    if action == "restore":
        return _restore_list(request, pk)
    rl = _my_list(request, pk)
    if request.method != "POST":
        if action != "delete":
            return HttpResponseNotAllowed(["POST"])
        return render(request, "articles/list_delete.html", {"list": rl})
    if action in ("share", "rotate"):
        rl.token = new_list_token()
        rl.save(update_fields=["token"])
    elif action == "revoke":
        rl.token = None
        rl.save(update_fields=["token"])
    elif action == "delete":
        with transaction.atomic():
            # Only the latest deletion can be undone: the ones before go now.
            request.user.reading_lists.exclude(deleted_at=None).delete()
            rl.deleted_at = timezone.now()
            rl.save(update_fields=["deleted_at"])
        return redirect("reading-lists")
    elif action in ("add", "remove"):
        article = get_object_or_404(Article.objects.published(), pk=_number(request, "article"))
        if action == "add":
            _item, added = ReadingListItem.objects.get_or_create(reading_list=rl, article=article)
            if added:
                messages.success(request, _("Added to %(name)s.") % {"name": rl.name})
            else:
                messages.info(request, _("Already in %(name)s.") % {"name": rl.name})
        else:
            ReadingListItem.objects.filter(reading_list=rl, article=article).delete()
        return HttpResponseRedirect(_back(request, rl.get_absolute_url()))
    else:
        raise Http404
    return redirect(rl)


def _restore_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo the deletion of a list."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    rl = get_object_or_404(ReadingList.objects.exclude(deleted_at=None), pk=pk, owner=request.user)
    rl.deleted_at = None
    rl.save(update_fields=["deleted_at"])
    messages.success(request, _("%(name)s is back.") % {"name": rl.name})
    return redirect(rl)


@require_POST
@login_required
def reading_list_add(request: HttpRequest) -> HttpResponse:
    """Add the ``article`` to the reader's ``list`` (both from the form)."""
    return reading_list_change(request, _number(request, "list"), "add")


@require_GET
@cached_for_anonymous
def shared_list(request: HttpRequest, token: str) -> HttpResponse:
    """A list as anyone with its link sees it; a revoked link is a 404. On a
    private instance "anyone" means anyone with the link who can log in."""
    rl = get_object_or_404(ReadingList.objects.alive().select_related("owner"), token=token)
    items = rl.items.select_related("article").filter(article__status=Article.Status.PUBLISHED)
    return render(request, "articles/list.html", {"list": rl, "items": items, "owner": False})


# -- accounts -------------------------------------------------------------------


@login_not_required
def signup(request: HttpRequest) -> HttpResponse:
    if not settings.SIGNUP:
        raise Http404("Sign-up is closed.")
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("index")
    return render(request, "registration/signup.html", {"form": form})
