"""Addresses a reader types or shares lead to the canonical one, and an HTMX
request that needs a login is sent to the login page as a whole."""

from __future__ import annotations

import pytest

from articles.models import Bookmark

from ..factories import make_article

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def article():
    return make_article("大模型推理芯片", [("", "正文。")], tags=["AIME"])


def test_a_tag_in_other_case_redirects_to_its_slug(client, article):
    tag = article.tags.get()
    assert tag.slug == "aime"
    response = client.get("/tags/AIME/", {"q": "芯片"})
    assert (
        response.status_code == 301 and response["Location"] == "/tags/aime/?q=%E8%8A%AF%E7%89%87"
    )
    assert client.get("/tags/no-such-tag/").status_code == 404


def test_an_article_without_its_slug_redirects_to_its_address(client, article):
    response = client.get(f"/articles/{article.pk}/")
    assert response.status_code == 301 and response["Location"] == article.get_absolute_url()
    article.status = article.Status.HIDDEN
    article.save()
    assert client.get(f"/articles/{article.pk}/").status_code == 404


def test_an_anonymous_htmx_bookmark_redirects_the_page_to_the_login(client, article, alice):
    response = client.post(
        f"/bookmarks/{article.pk}/", {"action": "add", "next": "/"}, headers=HTMX
    )
    # Not the login page pasted into the result: the whole page goes there.
    assert response.status_code == 200 and response.content == b""
    login = response["HX-Redirect"]
    assert login.startswith("/accounts/login/?next=")
    # Logging in there makes the bookmark asked for.
    client.post(login, {"username": "alice", "password": "password"})
    assert Bookmark.objects.filter(user=alice, article=article).exists()


def test_every_htmx_request_that_needs_a_login_gets_a_redirect(client, article):
    for url in ("/bookmarks/", "/lists/"):
        response = client.get(url, headers=HTMX)
        assert response.status_code == 200 and "HX-Redirect" in response
        assert client.get(url).status_code == 302  # without HTMX: the usual redirect


def test_an_inverted_date_range_says_so(client, article):
    page = client.get("/", {"date_from": "2025-02-01", "date_to": "2025-01-01"})
    html = page.content.decode()
    assert page.status_code == 200 and "开始日期晚于结束日期" in html
    assert "开始日期晚于结束日期" not in client.get("/", {"date_to": "2025-01-01"}).content.decode()


def test_an_empty_filtered_list_has_no_stray_space_before_a_comma(client, article):
    html = client.get("/", {"date_to": "2000-01-01"}).content.decode()
    assert "这里没有文章，筛选条件：" in html and " ，" not in html
