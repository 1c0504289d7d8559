"""Every number a request carries — query parameter, path segment, form
field — answers 4xx or a normal page for any value, never a 5xx: numbers past
the databases' 64-bit integers, negative, floating, hexadecimal, fullwidth."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client

from articles.models import ReadingList, Section

from ..factories import make_article

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

NUMBERS = [
    "99999999999999999999",
    str(2**63),
    str(2**64),
    "9" * 400,
    "-1",
    "0",
    "1e309",
    "0x10",
    "１２",  # fullwidth digits: int() reads them, the URL converters do not
    "12.0",
]


@pytest.fixture
def site(alice, eve):
    article = make_article("数字的测试", [("", "导语。"), ("一、方法", "正文。")], tags=["数字"])
    rl = ReadingList.objects.create(owner=alice, name="清单", token="tok")
    reader, editor = Client(), Client()
    reader.force_login(alice)
    editor.force_login(eve)
    return reader, editor, article, rl


def no_server_error(client: Client, method: str, url: str, data: dict | None = None) -> None:
    response = getattr(client, method)(url, data or {})
    assert response.status_code < 500, f"{response.status_code} for {method.upper()} {url} {data}"


@pytest.mark.parametrize("n", NUMBERS)
def test_numbers_in_query_parameters(site, n):
    reader, editor, article, rl = site
    tag = article.tags.get().slug
    listings = ["/", "/bookmarks/", "/feed/", "/api/search", f"/tags/{tag}/", f"/tags/{tag}/feed/"]
    for client in (reader, Client()):
        for url in listings:
            for name in ("digest", "page"):
                no_server_error(client, "get", url, {name: n})
                no_server_error(client, "get", url, {name: n, "q": "数字"})
        no_server_error(client, "get", "/digests/", {"page": n})
    for url in (
        "/admin/articles/article/",
        "/admin/articles/source/",
        "/admin/articles/tag/",
        "/admin/articles/article/",
    ):
        for name in ("p", "id__exact", "source__id__exact", "position", "o"):
            no_server_error(editor, "get", url, {name: n})
    edit = f"/admin/articles/article/{article.pk}/edit"
    section = Section.objects.filter(article=article).last()
    for operation in ("split", "move-up", "move-down", "to-paragraph", "to-heading"):
        no_server_error(editor, "get", f"{edit}/{operation}/", {"section": n})
        no_server_error(editor, "get", f"{edit}/{operation}/", {"section": n, "paragraph": n})
        no_server_error(
            editor, "get", f"{edit}/{operation}/", {"section": section.pk, "paragraph": n}
        )


@pytest.mark.parametrize("n", NUMBERS)
def test_numbers_in_path_segments(site, n):
    reader, editor, article, rl = site
    part = quote(n, safe="")
    for client in (reader, editor, Client()):
        for url in (
            f"/articles/{part}/x/",
            f"/digests/{part}/",
            f"/lists/{part}/",
            f"/admin/articles/article/{part}/change/",
            f"/admin/articles/article/{part}/history/",
            f"/admin/articles/source/{part}/change/",
            f"/admin/articles/article/{part}/edit/merge/",
        ):
            no_server_error(client, "get", url)
        for url in (
            f"/bookmarks/{part}/",
            f"/bookmarks/{part}/note/",
            f"/lists/{part}/share/",
            f"/lists/{part}/add/",
            f"/admin/articles/article/{part}/edit/merge/",
        ):
            no_server_error(client, "post", url, {"article": article.pk, "apply": "1"})


@pytest.mark.parametrize("n", NUMBERS)
def test_numbers_in_form_fields(site, n):
    reader, editor, article, rl = site
    for client in (reader, Client()):
        no_server_error(client, "post", "/lists/add/", {"list": n, "article": article.pk})
        no_server_error(client, "post", "/lists/add/", {"list": rl.pk, "article": n})
        for action in ("add", "remove"):
            no_server_error(client, "post", f"/lists/{rl.pk}/{action}/", {"article": n})
    no_server_error(
        editor,
        "post",
        "/admin/articles/article/",
        {"action": "mark_reviewed", "_selected_action": [n, article.pk]},
    )
    no_server_error(
        editor,
        "post",
        "/admin/articles/tag/",
        {"action": "merge_tags", "_selected_action": [n], "into": n, "apply": "1"},
    )
    no_server_error(
        editor,
        "post",
        "/admin/articles/article/",
        {"action": "add_tag", "_selected_action": [article.pk], "tag": n, "apply": "1"},
    )


def test_a_digest_filter_past_64_bits_is_a_normal_empty_listing(site):
    """The hostile run's 500: ``/?digest=99999999999999999999``."""
    reader, editor, article, rl = site
    for n in ("99999999999999999999", str(2**63)):
        response = Client().get("/", {"digest": n})
        assert response.status_code in (200, 400)
        assert article.title not in response.content.decode()
