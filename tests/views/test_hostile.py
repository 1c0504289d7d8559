"""Hostile input everywhere: no response is a 5xx, nothing reaches a page
unsanitised, and the importer takes or refuses each hostile file cleanly."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from articles.models import Article, ReadingList

from ..factories import make_article
from ..hostile import RAW_QUERIES, STRINGS
from ..rawfiles import ARTICLE_ONE, chrome

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

LISTINGS = ["/", "/bookmarks/", "/feed/", "/api/search", "/tags/{tag}/", "/tags/{tag}/feed/"]
PARAMS = ["q", "tag", "digest", "order", "date_from", "date_to", "page", "mine", "paper", "code"]


@pytest.fixture
def site(alice):
    article = make_article(
        "蒸馏的新进展", [("", "蒸馏训练小模型。"), ("一、方法", "正文")], tags=["蒸馏"]
    )
    ReadingList.objects.create(owner=alice, name="清单", token="tok")
    client = Client()
    client.force_login(alice)
    return client, article


def assert_no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{response.status_code} for {what!r}"


@pytest.mark.parametrize("value", STRINGS, ids=range(len(STRINGS)))
def test_every_listing_parameter_takes_any_string(site, value):
    client, article = site
    slug = article.tags.get().slug
    for url in LISTINGS:
        url = url.format(tag=slug)
        for name in ("q", "tag"):  # the search itself, with everything else valid
            assert_no_server_error(client.get(url, {name: value}), f"{url} {name}")
        everything = client.get(url, dict.fromkeys(PARAMS, value) | {"next": value})
        assert_no_server_error(everything, f"{url} all")
        assert_no_server_error(Client().get(url, {"q": value}), f"anonymous {url}")


@pytest.mark.parametrize("value", STRINGS, ids=range(len(STRINGS)))
def test_every_path_parameter_takes_any_string(site, value):
    client, article = site
    part = quote(value[:2000], safe="")
    for url in [
        f"/tags/{part}/", f"/tags/{part}/feed/", f"/articles/{article.pk}/{part}/",
        f"/l/{part}/", f"/digests/{part}/", f"/articles/{part}/x/", f"/{part}",
    ]:  # fmt: skip
        assert_no_server_error(client.get(url), url)


@pytest.mark.parametrize("value", STRINGS, ids=range(len(STRINGS)))
def test_every_form_takes_any_string(site, value, settings):
    client, article = site
    settings.SIGNUP = True
    rl = ReadingList.objects.get()
    forms = [
        ("/accounts/login/", {"username": value, "password": value, "next": value}),
        ("/accounts/signup/", {"username": value, "password1": value, "password2": value}),
        ("/accounts/password_reset/", {"email": value}),
        ("/i18n/setlang/", {"language": value, "next": value}),
        (f"/bookmarks/{article.pk}/", {"action": value, "next": value, "note": value}),
        (f"/bookmarks/{article.pk}/note/", {"note": value}),
        ("/lists/", {"name": value}),
        ("/lists/add/", {"list": value, "article": value, "next": value}),
        ("/lists/add/", {"list": rl.pk, "article": value, "next": value}),
        (f"/lists/{rl.pk}/{quote(value[:100], safe='')}/", {"article": value}),
    ]
    for url, data in forms:
        assert_no_server_error(client.post(url, data), url)
        assert_no_server_error(Client().post(url, data), f"anonymous {url}")
    upload = SimpleUploadedFile("b.json", value.encode("utf-8", "surrogatepass"))
    assert_no_server_error(client.post("/bookmarks/import/", {"file": upload}), "import")


@pytest.mark.parametrize("query", RAW_QUERIES)
def test_bytes_that_are_not_utf8_in_urls(site, query):
    client, article = site
    for url in ["/", "/api/search", "/feed/", f"/tags/{article.tags.get().slug}/"]:
        assert_no_server_error(client.get(f"{url}?{query}"), f"{url}?{query}")
    assert_no_server_error(client.get("/tags/%FF%FE/"), "path")


# -- the importer -------------------------------------------------------------------

HOSTILE_ARTICLE = (
    "#恶意文章<script>window.__xss=1</script> 副标题<img src=x onerror=window.__xss=2> "
    "正文里有脚本<script>window.__xss=3</script>和链接[点我](javascript:window.__xss=4)"
    '以及<a href="javascript:window.__xss=5">另一个</a>还有<iframe src=//evil.example></iframe>。'
    "一、小节<style>body{display:none}</style> 更多正文 javascript:window.__xss=6 结束。"
)


def test_hostile_files_import_cleanly_or_fail_with_one_line(tmp_path):
    files = {
        "binary.txt": bytes(range(256)) * 40,
        "empty.txt": b"",
        "only-chrome.txt": chrome("").encode(),
        "huge-line.txt": ("网站建设推广方案" * 2_200_000).encode(),  # ~53 MB, one line
        "mixed.txt": chrome(ARTICLE_ONE).encode() + "后面是另一种编码的文字".encode("gb18030"),
        "scripts.txt": chrome(HOSTILE_ARTICLE).encode(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="3 file"):  # the exit status says some failed
        call_command("import_articles", str(tmp_path), stdout=out, stderr=err)
    report = (out.getvalue() + err.getvalue()).splitlines()
    for name, reason in (
        ("binary.txt", "binary file"),
        ("empty.txt", "empty file"),
        ("huge-line.txt", "too large"),
    ):
        (line,) = [line for line in report if name in line]
        assert "fail" in line.lower() and reason in line and len(line) < 400, line
    for name in ("mixed.txt", "scripts.txt", "only-chrome.txt"):
        assert not any(name in line and "fail" in line.lower() for line in report)
    # Readable, if only chrome: one article, for an editor to look at.
    (kept,) = Article.objects.filter(source__filename="only-chrome.txt")
    assert kept.status == Article.Status.REVIEW
    hostile = Article.objects.get(title__startswith="恶意文章")
    html = "".join(hostile.sections.values_list("html", flat=True))
    for tag in ("<script", "<iframe", "<style", "<img"):
        assert tag not in html, tag
    assert 'href="javascript' not in html
