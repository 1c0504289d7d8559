"""Accounts, bookmarks with notes, export and import, shared reading lists."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils.encoding import iri_to_uri

from articles.models import Bookmark, ReadingList

from ..factories import make_article

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def two():
    return (
        make_article("蒸馏的新进展", [("", "蒸馏训练小模型。")]),
        make_article("开源智能体", [("", "一个开源框架。")]),
    )


# -- accounts ------------------------------------------------------------------


def test_log_in_and_out(client, alice):
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and "<h1>登录</h1>" in page.content.decode()
    response = client.post("/accounts/login/", {"username": "alice", "password": "password"})
    assert response.status_code == 302
    assert "alice" in client.get("/").content.decode()
    assert client.get("/accounts/logout/").status_code == 405  # logout is POST
    client.post("/accounts/logout/")
    assert "alice" not in client.get("/").content.decode()


def test_password_change_and_reset_by_mail(client, alice):
    client.force_login(alice)
    assert client.get("/accounts/password_change/").status_code == 200
    client.post("/accounts/logout/")
    response = client.post("/accounts/password_reset/", {"email": "alice@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body


def test_sign_up_is_off_unless_the_setting_says_so(client, settings):
    assert client.get("/accounts/signup/").status_code == 404
    settings.SIGNUP = True
    assert 'href="/accounts/signup/"' in client.get("/accounts/login/").content.decode()
    response = client.post(
        "/accounts/signup/",
        {
            "username": "carol",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        },
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(username="carol").exists()


def test_a_private_instance_asks_everyone_to_log_in(client, settings, alice, two):
    assert client.get("/").status_code == 200  # public by default
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    ]
    client = Client()  # its handler loads the middleware afresh
    for url in ["/", two[0].get_absolute_url(), "/tags/", "/feed/", "/api/search"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/accounts/login/").status_code == 200
    client.force_login(alice)
    assert client.get("/").status_code == 200


def test_the_first_run_makes_an_admin_and_prints_its_password_once():
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    password = out.getvalue().split("password:")[1].split()[0]
    browser = Client()
    browser.post("/accounts/login/", {"username": "admin", "password": password})
    assert "_auth_user_id" in browser.session
    again = StringIO()
    call_command("ensure_admin", stdout=again)
    assert again.getvalue() == ""


# -- bookmarks -------------------------------------------------------------------


def test_the_bookmark_button_swaps_in_place_with_htmx(client, alice, two):
    article, _ = two
    client.force_login(alice)
    response = client.post(f"/bookmarks/{article.pk}/", {"action": "add"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<form class="bookmark"') and 'aria-pressed="true"' in html
    assert Bookmark.objects.filter(user=alice, article=article).exists()
    listing = client.get("/").content.decode()
    assert listing.count('aria-pressed="true"') == 1


def test_without_javascript_the_form_posts_and_comes_back(client, alice, two):
    article, _ = two
    client.force_login(alice)
    response = client.post(f"/bookmarks/{article.pk}/", {"action": "add", "next": "/?q=蒸馏"})
    assert response.status_code == 302 and response["Location"] == iri_to_uri("/?q=蒸馏")
    evil = client.post(
        f"/bookmarks/{article.pk}/", {"action": "remove", "next": "https://evil.example/"}
    )
    assert evil["Location"] == article.get_absolute_url()
    assert not Bookmark.objects.exists()


def test_an_anonymous_reader_logs_in_and_comes_back_with_the_bookmark(client, alice, two):
    article, _ = two
    response = client.post(f"/bookmarks/{article.pk}/", {"action": "add", "next": "/?q=蒸馏"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    back = client.post(response["Location"], {"username": "alice", "password": "password"})
    assert back["Location"] == iri_to_uri("/?q=蒸馏")
    assert Bookmark.objects.filter(user=alice, article=article).exists()


def test_state_changes_need_post_and_a_csrf_token(alice, two):
    article, _ = two
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.get(f"/bookmarks/{article.pk}/").status_code == 405
    assert strict.post(f"/bookmarks/{article.pk}/", {"action": "add"}).status_code == 403
    assert strict.post("/lists/", {"name": "x"}).status_code == 403
    assert not Bookmark.objects.exists() and not ReadingList.objects.exists()


def test_my_bookmarks_newest_first_searchable_and_private(client, alice, bob, two):
    distill, agents = two
    client.force_login(alice)
    assert client.get("/bookmarks/").status_code == 200
    for article in (distill, agents):  # agents bookmarked last
        client.post(f"/bookmarks/{article.pk}/", {"action": "add"})
    hits = client.get("/bookmarks/").context["results"].hits
    assert [h.article for h in hits] == [agents, distill]
    assert [
        h.article for h in client.get("/bookmarks/", {"q": "蒸馏"}).context["results"].hits
    ] == [distill]
    assert [
        h.article for h in client.get("/", {"mine": "1", "q": "开源"}).context["results"].hits
    ] == [agents]
    client.force_login(bob)
    assert client.get("/bookmarks/").context["results"].hits == []
    anonymous = Client().get("/bookmarks/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_notes_are_edited_in_place_and_only_by_their_owner(client, alice, bob, two):
    article, _ = two
    client.force_login(alice)
    client.post(f"/bookmarks/{article.pk}/", {"action": "add"})
    response = client.post(f"/bookmarks/{article.pk}/note/", {"note": "周五读"}, headers=HTMX)
    assert response.status_code == 200 and "周五读" in response.content.decode()
    assert "周五读" in client.get("/bookmarks/").content.decode()
    client.force_login(bob)
    assert client.post(f"/bookmarks/{article.pk}/note/", {"note": "bob"}).status_code == 404
    assert Bookmark.objects.get().note == "周五读"


def test_removing_offers_an_undo_that_keeps_the_note(client, alice, two):
    article, _ = two
    client.force_login(alice)
    client.post(f"/bookmarks/{article.pk}/", {"action": "add"})
    client.post(f"/bookmarks/{article.pk}/note/", {"note": "要点"})
    html = client.post(
        f"/bookmarks/{article.pk}/", {"action": "remove"}, headers=HTMX
    ).content.decode()
    assert not Bookmark.objects.exists()
    assert "撤销" in html and 'name="note" value="要点"' in html
    client.post(f"/bookmarks/{article.pk}/", {"action": "add", "note": "要点"}, headers=HTMX)
    assert Bookmark.objects.get().note == "要点"


def test_export_and_import_in_both_formats_without_duplicates(client, alice, bob, two):
    distill, agents = two
    client.force_login(alice)
    client.post(f"/bookmarks/{distill.pk}/", {"action": "add"})
    client.post(f"/bookmarks/{distill.pk}/note/", {"note": "笔记 <b>"})
    exported = client.get("/bookmarks/export.json")
    assert exported["Content-Disposition"].endswith('.json"')
    (entry,) = json.loads(exported.content)
    assert (
        entry["url"] == f"http://testserver{distill.get_absolute_url()}"
        and entry["note"] == "笔记 <b>"
    )
    netscape = client.get("/bookmarks/export.html").content.decode()
    assert netscape.startswith("<!DOCTYPE NETSCAPE-Bookmark-file-1>")
    assert f'HREF="http://testserver{distill.get_absolute_url()}"' in netscape

    client.force_login(bob)
    for _ in range(2):
        for name, body in (("b.json", exported.content), ("b.html", netscape.encode())):
            client.post("/bookmarks/import/", {"file": SimpleUploadedFile(name, body)})
    (mark,) = Bookmark.objects.filter(user=bob)
    assert mark.article == distill and mark.note == "笔记 <b>"
    response = client.post(
        "/bookmarks/import/", {"file": SimpleUploadedFile("x.txt", b"nonsense")}, follow=True
    )
    assert "无法读取" in response.content.decode()


# -- reading lists -------------------------------------------------------------


def test_a_reading_list_is_shared_read_only_revoked_and_rotated(client, alice, bob, two):
    distill, agents = two
    client.force_login(alice)
    made = client.post("/lists/", {"name": "周末阅读"})
    rl = ReadingList.objects.get()
    assert made["Location"] == f"/lists/{rl.pk}/"
    client.post("/lists/add/", {"list": rl.pk, "article": distill.pk})
    client.post(f"/lists/{rl.pk}/share/")
    rl.refresh_from_db()
    link = rl.share_url()
    assert len(rl.token) >= 20

    stranger = Client()
    page = stranger.get(link)
    assert page.status_code == 200 and distill.title in page.content.decode()
    assert "Remove from list" not in page.content.decode() and "移出" not in page.content.decode()

    client.post(f"/lists/{rl.pk}/rotate/")
    rl.refresh_from_db()
    assert stranger.get(link).status_code == 404
    assert stranger.get(rl.share_url()).status_code == 200
    client.post(f"/lists/{rl.pk}/revoke/")
    assert stranger.get(rl.share_url() or "/l/none/").status_code == 404
    assert stranger.get(link).status_code == 404


def test_nobody_reaches_another_readers_list_by_guessing(client, alice, bob, two):
    distill, _ = two
    rl = ReadingList.objects.create(owner=alice, name="私人")
    client.force_login(bob)
    assert client.get(f"/lists/{rl.pk}/").status_code == 404
    assert client.post(f"/lists/{rl.pk}/share/").status_code == 404
    assert client.post("/lists/add/", {"list": rl.pk, "article": distill.pk}).status_code == 404
    assert client.post(f"/lists/{rl.pk}/delete/").status_code == 404
    assert ReadingList.objects.get().token is None and not rl.items.exists()


# -- #19 point 11: notes searched, lists deleted with a question and an undo --


def _bookmarked(client, **params) -> list:
    return [h.article for h in client.get("/bookmarks/", params).context["results"].hits]


def test_the_bookmarks_search_finds_a_readers_own_notes(client, alice, bob, two):
    distill, agents = two
    client.force_login(alice)
    for article in two:
        client.post(f"/bookmarks/{article.pk}/", {"action": "add"})
    client.post(f"/bookmarks/{agents.pk}/note/", {"note": "Weekend 周末细读 100%_done"})
    assert _bookmarked(client, q="周末") == [agents]
    assert _bookmarked(client, q="weekend") == [agents]  # whatever the case
    assert _bookmarked(client, q="100%_done") == [agents]  # % and _ are plain text
    assert _bookmarked(client, q="100%") == [agents]
    assert _bookmarked(client, q="1_0") == []
    assert _bookmarked(client, q="周末 框架") == [agents]  # one term in the note, one in the text
    # The text still counts, and matches of the text come first.
    client.post(f"/bookmarks/{distill.pk}/note/", {"note": "开源的对照"})
    assert _bookmarked(client, q="开源") == [agents, distill]
    # Another reader's notes find nothing, and the front page searches no notes.
    client.force_login(bob)
    client.post(f"/bookmarks/{agents.pk}/", {"action": "add"})
    assert _bookmarked(client, q="周末") == []
    client.force_login(alice)
    assert [h.article for h in client.get("/", {"q": "周末"}).context["results"].hits] == []


def test_deleting_a_list_asks_first_and_can_be_undone(client, alice, bob, two):
    distill, _ = two
    client.force_login(alice)
    client.post("/lists/", {"name": "周末阅读"})
    rl = ReadingList.objects.get()
    client.post("/lists/add/", {"list": rl.pk, "article": distill.pk})
    client.post(f"/lists/{rl.pk}/share/")
    rl.refresh_from_db()
    shared = rl.share_url()

    question = client.get(f"/lists/{rl.pk}/delete/")
    assert question.status_code == 200
    html = question.content.decode()
    assert "删除“周末阅读”？" in html and "1 篇文章" in html
    assert f'action="/lists/{rl.pk}/delete/"' in html
    assert not ReadingList.objects.filter(
        deleted_at__isnull=False
    ).exists()  # asking changes nothing

    assert client.post(f"/lists/{rl.pk}/delete/")["Location"] == "/lists/"
    page = client.get("/lists/").content.decode()
    assert "“周末阅读”已删除" in page and f'action="/lists/{rl.pk}/restore/"' in page
    assert client.get(f"/lists/{rl.pk}/").status_code == 404
    assert Client().get(shared).status_code == 404
    assert 'name="list"' not in client.get(distill.get_absolute_url()).content.decode()
    client.force_login(bob)  # nobody else can undo it
    assert client.post(f"/lists/{rl.pk}/restore/").status_code == 404

    client.force_login(alice)
    assert client.get(f"/lists/{rl.pk}/restore/").status_code == 405
    assert client.post(f"/lists/{rl.pk}/restore/")["Location"] == f"/lists/{rl.pk}/"
    assert [i.article for i in ReadingList.objects.get().items.all()] == [distill]
    assert Client().get(shared).status_code == 200  # the shared link works again


def test_only_the_latest_deletion_can_be_undone(client, alice):
    client.force_login(alice)
    for name in ("一", "二"):
        client.post("/lists/", {"name": name})
    first, second = ReadingList.objects.order_by("id")
    client.post(f"/lists/{first.pk}/delete/")
    client.post(f"/lists/{second.pk}/delete/")
    assert list(ReadingList.objects.values_list("name", flat=True)) == ["二"]
    assert client.post(f"/lists/{first.pk}/restore/").status_code == 404


def test_adding_an_article_already_in_the_list_says_so(client, alice, two):
    distill, _ = two
    client.force_login(alice)
    client.post("/lists/", {"name": "周末阅读"})
    rl = ReadingList.objects.get()
    form = {"list": rl.pk, "article": distill.pk, "next": distill.get_absolute_url()}
    first = client.post("/lists/add/", form, follow=True).content.decode()
    assert "已加入“周末阅读”。" in first
    again = client.post("/lists/add/", form, follow=True).content.decode()
    assert "已在“周末阅读”中。" in again and "已加入" not in again
    assert rl.items.count() == 1
