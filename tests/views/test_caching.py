"""A shared link survives a spike (#20): conditional GET, kept anonymous
pages and searches, and never a reader's private page in a shared copy."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Appearance, ArticleTag, Bookmark, ContentVersion, ReadingList, Tag
from articles.search import listing

from ..factories import import_one, make_article, make_source

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true", "HX-Target": "results"}


@pytest.fixture
def article():
    return make_article(
        "蒸馏的新进展",
        [("", "研究者用蒸馏训练小模型。")],
        tags=["蒸馏"],
        published_on=date(2025, 1, 17),
    )


def _pages(article) -> list[str]:
    return [
        "/",
        "/?q=蒸馏",
        "/tags/",
        "/tags/蒸馏/",
        article.get_absolute_url(),
        "/digests/",
        article.source.get_absolute_url(),
        "/feed/",
        "/feed/?q=蒸馏",
        "/tags/蒸馏/feed/",
        "/api/search?q=蒸馏",
    ]


def _queries(client, url: str, **headers) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    return len(ctx.captured_queries), response


# -- 1. conditional GET ----------------------------------------------------------


def test_every_anonymous_page_has_an_etag_and_answers_304_without_rendering(client, article):
    for url in _pages(article):
        response = client.get(url)
        assert response.status_code == 200, url
        etag = response["ETag"]
        assert response["Last-Modified"], url
        count, again = _queries(client, url, **{"If-None-Match": etag})
        assert again.status_code == 304, url
        assert count == 1, url  # the content version, nothing else
        assert again["ETag"] == etag and "public" in again["Cache-Control"], url


def test_anonymous_pages_say_public_and_what_they_vary_on(client, article, settings):
    settings.PUBLIC_MAX_AGE, settings.STALE_WHILE_REVALIDATE = 30, 120
    response = client.get(article.get_absolute_url())
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=30", "stale-while-revalidate=120"} <= control
    vary = {v.strip().lower() for v in response["Vary"].split(",")}
    assert {"cookie", "accept-language", "hx-request"} <= vary


def test_a_logged_in_readers_pages_are_private_and_carry_no_etag(client, alice, article):
    client.force_login(alice)
    for url in _pages(article):
        response = client.get(url)
        assert "private" in response["Cache-Control"], url
        assert "public" not in response["Cache-Control"], url
        assert not response.has_header("ETag"), url


@pytest.mark.parametrize(
    "change",
    ["edit", "tag", "import", "duplicate", "list", "delete"],
)
def test_every_kind_of_change_moves_the_etag_and_the_page(client, article, change, tmp_path):
    url = article.get_absolute_url() if change == "duplicate" else "/"
    if change == "list":
        rl = ReadingList.objects.create(owner=_someone(), name="周末", token="t" * 24)
        url = rl.share_url()
    before = client.get(url)
    etag = before["ETag"]
    if change == "edit":
        article.title = "蒸馏的最新进展"
        article.save()
    elif change == "tag":
        ArticleTag.objects.create(article=article, tag=Tag.objects.create(name="开源"))
    elif change == "import":
        path = tmp_path / "新文章.md"
        path.write_text("# 新导入的文章\n\n新文章的正文，讲的是开源模型。\n", encoding="utf-8")
        import_one(path)
    elif change == "duplicate":
        Appearance.objects.create(
            article=article, source=make_source(), position=1, span_start=0, span_end=1
        )
    elif change == "list":
        rl.items.create(article=article)
    else:
        article.delete()
    after = client.get(url, headers={"If-None-Match": etag})
    assert after.status_code == 200 and after["ETag"] != etag
    assert after.content != before.content


def _someone():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("carol", password="x")


def test_bumps_come_from_the_database_whatever_writes(article):
    version = ContentVersion.objects.get(pk=1).version
    with connection.cursor() as cursor:  # a bulk statement sends no signal
        cursor.execute("UPDATE articles_article SET title = 'x' WHERE id = %s", [article.pk])
    assert ContentVersion.objects.get(pk=1).version > version


def test_bookmarks_and_read_marks_leave_the_version_alone(client, alice, article):
    version = ContentVersion.objects.get(pk=1).version
    client.force_login(alice)
    client.post(f"/bookmarks/{article.pk}/", {"action": "add"})
    client.get(article.get_absolute_url())  # reads it
    assert Bookmark.objects.exists()
    assert ContentVersion.objects.get(pk=1).version == version


# -- 2. kept pages ----------------------------------------------------------------


def test_a_kept_page_is_served_with_one_query(client, article):
    first, response = _queries(client, "/tags/蒸馏/")
    count, again = _queries(client, "/tags/蒸馏/")
    assert first > 2 and count == 1
    assert again.content == response.content


def test_fragments_languages_and_list_views_are_kept_apart(client, article):
    page = client.get("/?q=蒸馏").content.decode()
    fragment = client.get("/?q=蒸馏", headers=HTMX).content.decode()
    assert "<html" in page and "<html" not in fragment
    assert "<html" in client.get("/?q=蒸馏").content.decode()
    english = client.get("/?q=蒸馏", headers={"Accept-Language": "en"}).content.decode()
    assert 'lang="en"' in english and 'lang="zh-hans"' in client.get("/?q=蒸馏").content.decode()
    compact = Client()
    compact.cookies["list_view"] = "compact"
    assert 'class="hits compact"' in compact.get("/?q=蒸馏").content.decode()
    assert 'class="hits compact"' not in client.get("/?q=蒸馏").content.decode()


def test_no_page_is_stale_after_an_edit(client, article):
    assert "蒸馏的新进展" in client.get(article.get_absolute_url()).content.decode()
    assert "蒸馏的新进展" in client.get("/").content.decode()
    article.title = "蒸馏的最新进展"
    article.save()
    assert "蒸馏的最新进展" in client.get("/").content.decode()
    assert "蒸馏的最新进展" in client.get("/feed/").content.decode()


def test_a_readers_page_is_never_shared(client, alice, bob, article):
    alice_client, bob_client = Client(), Client()
    alice_client.force_login(alice)
    bob_client.force_login(bob)
    alice_client.post(f"/bookmarks/{article.pk}/", {"action": "add"})
    for url in ("/", article.get_absolute_url()):
        mine = alice_client.get(url).content.decode()
        assert "★" in mine and "已读" in mine
        for other in (bob_client, client):
            html = other.get(url).content.decode()
            assert "★" not in html and "alice" not in html
    # And the other way: a kept anonymous page is not what a reader gets.
    anonymous = client.get("/").content.decode()
    assert "登录" in anonymous
    assert "alice" in alice_client.get("/").content.decode()
    assert "★" in alice_client.get("/").content.decode()


def test_an_anonymous_page_carries_no_csrf_token_and_its_forms_still_work(client, alice, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert "csrftoken" not in client.cookies
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert strict.post("/view/", {"view": "compact", "next": "/"}).status_code == 302
    asked = strict.post(f"/bookmarks/{article.pk}/", {"action": "add"})
    assert asked.status_code == 302 and "/accounts/login/" in asked["Location"]
    # A logged-in reader's change still needs the token.
    reader = Client(enforce_csrf_checks=True)
    reader.force_login(alice)
    assert reader.post(f"/bookmarks/{article.pk}/", {"action": "add"}).status_code == 403
    assert not Bookmark.objects.exists()


def test_a_request_with_a_session_or_a_message_gets_no_shared_copy(client, article):
    client.get("/")
    with_session = Client()
    with_session.cookies["sessionid"] = "whatever"
    assert "public" not in with_session.get("/").get("Cache-Control", "")
    with_message = Client()
    with_message.cookies["messages"] = "x"
    assert not with_message.get("/").has_header("ETag")


# -- 3. searches ------------------------------------------------------------------


def test_searches_are_kept_by_their_normalised_query(client, article, monkeypatch):
    calls = []
    real = listing.search

    def counted(*args, **kwargs):
        calls.append(kwargs.get("text"))
        return real(*args, **kwargs)

    monkeypatch.setattr("articles.views.caching.search", counted)
    for q in ("蒸馏", " 蒸馏 ", "蒸馏  "):
        assert client.get("/", {"q": q}).status_code == 200
    assert client.get("/api/search", {"q": "蒸馏"}).status_code == 200
    assert len(calls) == 2  # the page and the API (no facets) differ; spaces do not


def test_a_search_that_timed_out_is_never_kept(client, article, monkeypatch):
    real = listing.search
    timed_out = listing.Results(
        listing.parse_query("蒸馏"), "best", [], 0, 1, False, [], timed_out=True
    )
    monkeypatch.setattr("articles.views.caching.search", lambda **kwargs: timed_out)
    response = client.get("/", {"q": "蒸馏"})
    control = response["Cache-Control"]
    assert "no-store" in control and "public" not in control
    monkeypatch.setattr("articles.views.caching.search", real)
    assert "蒸馏的新进展" in client.get("/", {"q": "蒸馏"}).content.decode()
