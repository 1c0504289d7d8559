"""What a reader has read (#19 point 7): opened articles are read, read
items look read, "unread only", "mark these as read", the m button, and
unread counts on tags, one row per read article."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import ReadMark

from ..factories import make_article

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def three():
    return [
        make_article(f"蒸馏第{n}篇", [("", f"蒸馏的第{n}个实验。")], tags=["蒸馏"])
        for n in range(3)
    ]


def _hits(client, url: str, **params) -> list[str]:
    html = client.get(url, params).content.decode()
    return [chunk.split("</a>")[0].split(">")[-1] for chunk in html.split('class="hit-link"')[1:]]


def _read_hits(client, url: str) -> list[str]:
    html = client.get(url).content.decode()
    return [
        chunk.split('class="hit-link"')[1].split("</a>")[0].split(">")[-1]
        for chunk in html.split('<li class="hit read"')[1:]
    ]


def test_opening_an_article_marks_it_read_for_that_reader_only(client, alice, bob, three):
    client.force_login(alice)
    assert _read_hits(client, "/") == []
    client.get(three[1].get_absolute_url())
    client.get(three[1].get_absolute_url())  # twice is still one row
    assert list(ReadMark.objects.values_list("user__username", "article")) == [
        ("alice", three[1].pk)
    ]
    assert _read_hits(client, "/") == [three[1].title]
    client.force_login(bob)
    assert _read_hits(client, "/") == []


def test_an_anonymous_reader_reads_without_a_trace(client, three):
    assert client.get(three[0].get_absolute_url()).status_code == 200
    assert not ReadMark.objects.exists()
    assert "Unread only" not in client.get("/").content.decode()
    # ?unread=1 from a shared link means nothing without an account.
    assert len(_hits(client, "/", unread=1)) == 3


def test_unread_only_leaves_out_what_the_reader_has_read(client, alice, three):
    client.force_login(alice)
    client.get(three[0].get_absolute_url())
    assert sorted(_hits(client, "/", unread=1)) == sorted(a.title for a in three[1:])
    assert sorted(_hits(client, "/", unread=1, q="蒸馏")) == sorted(a.title for a in three[1:])
    assert sorted(_hits(client, "/tags/蒸馏/", unread=1)) == sorted(a.title for a in three[1:])
    html = client.get("/", {"unread": 1}).content.decode()
    assert 'name="unread" value="1" checked' in html


def test_the_read_button_toggles_with_and_without_htmx(client, alice, three):
    client.force_login(alice)
    url = f"/read/{three[0].pk}/"
    fragment = client.post(url, {"read": "1"}, headers=HTMX)
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert html.startswith('<form class="read-state"') and 'aria-pressed="true"' in html
    assert ReadMark.objects.filter(user=alice, article=three[0]).exists()
    back = client.post(url, {"read": "0", "next": "/?q=蒸馏"})
    assert back.status_code == 302 and back["Location"] == "/?q=%E8%92%B8%E9%A6%8F"
    assert not ReadMark.objects.exists()
    assert client.get(url).status_code == 405


def test_the_read_button_needs_a_login(client, three):
    response = client.post(f"/read/{three[0].pk}/", {"read": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    htmx = client.post(f"/read/{three[0].pk}/", {"read": "1"}, headers=HTMX)
    assert "/accounts/login/" in htmx["HX-Redirect"]
    assert not ReadMark.objects.exists()


def test_mark_these_as_read_marks_what_the_list_shows(client, alice, three, monkeypatch):
    monkeypatch.setattr("articles.search.listing.PAGE_SIZE", 2)
    other = make_article("开源框架", [("", "一个开源框架。")], tags=["开源"])
    client.force_login(alice)
    response = client.post("/read/", {"next": "/tags/蒸馏/?page=1"})
    assert (
        response.status_code == 302 and response["Location"] == "/tags/%E8%92%B8%E9%A6%8F/?page=1"
    )
    newest_two = {three[2].pk, three[1].pk}
    assert set(ReadMark.objects.values_list("article", flat=True)) == newest_two
    # A list that "more" has grown to page 2 shows (and marks) both pages.
    client.post("/read/", {"next": "/?q=蒸馏&page=2"})
    assert set(ReadMark.objects.values_list("article", flat=True)) == {a.pk for a in three}
    assert other.pk not in set(ReadMark.objects.values_list("article", flat=True))


@pytest.mark.parametrize(
    "next_url",
    ["", "https://evil.example/", "//evil.example/", "/articles/1/x/", "/?page=-1", "/nowhere/"],
)
def test_mark_these_as_read_refuses_what_is_not_a_list(client, alice, three, next_url):
    client.force_login(alice)
    assert client.post("/read/", {"next": next_url}).status_code in (400, 404)
    assert not ReadMark.objects.exists()


def test_tags_show_how_many_articles_are_unread(client, alice, three):
    make_article("开源框架", [("", "一个开源框架。")], tags=["开源"])
    client.force_login(alice)
    client.get(three[0].get_absolute_url())
    html = client.get("/tags/").content.decode()
    assert "3 篇文章 · 2 篇未读" in html and "1 篇文章 · 1 篇未读" in html
    assert "2 篇未读" in client.get("/tags/蒸馏/").content.decode()
    # Hidden articles count neither as unread nor, once read, as read.
    hidden = make_article("隐藏的蒸馏文章", [("", "蒸馏。")], tags=["蒸馏"], status="hidden")
    ReadMark.objects.create(user=alice, article=hidden)
    assert "2 篇未读" in client.get("/tags/蒸馏/").content.decode()
    assert "3 篇文章 · 2 篇未读" in client.get("/tags/").content.decode()
    client.logout()
    assert "篇未读" not in client.get("/tags/").content.decode()


def test_read_state_costs_the_same_queries_however_long_the_list(client, alice):
    client.force_login(alice)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/", {"unread": 1}).status_code == 200
        return len(ctx.captured_queries)

    for n in range(3):
        make_article(f"文章{n}", [("", "正文。")])
    few = queries()
    for n in range(30):
        article = make_article(f"更多文章{n}", [("", "正文。")])
        if n % 2:
            ReadMark.objects.create(user=alice, article=article)
    assert queries() == few


def test_pages_for_a_logged_in_reader_are_private_and_not_kept(client, alice, three):
    """Back to a list after opening an article asks the server again, so the
    article shows as read; no shared cache keeps a reader's page."""
    assert "public" in client.get("/")["Cache-Control"]  # #20: anonymous pages are shared
    client.force_login(alice)
    for url in ("/", three[0].get_absolute_url(), "/tags/"):
        control = client.get(url)["Cache-Control"]
        assert "private" in control and "no-store" in control
