"""Every kind of page passes axe-core's checks (WCAG 2 A and AA, contrast
included), in light and dark, on a desktop and a phone: readers' pages
anonymous and logged in, and the editors' tools."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from articles.models import Bookmark, ReadingList

from ..factories import make_article, make_source
from ..origin_site import mangled_digest
from .conftest import log_in_to_the_admin

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_local"),
]

AXE = Axe()
SCHEMES = ["light", "dark"]


# Django's own tabular inlines have an empty header over the object column.
DJANGO_ADMIN = {"rules": {"empty-table-header": {"enabled": False}}}


def visit(page, url: str, path: str) -> None:
    """Open the page itself: a redirect (to the login page) would test another."""
    page.goto(url + path)
    assert unquote(urlsplit(page.url).path) == urlsplit(path).path, page.url


def assert_accessible(page, what: str, options: dict | None = None) -> None:
    results = AXE.run(page, options={"resultTypes": ["violations"], **(options or {})})
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        for v in results.response["violations"]
    ]
    assert not found, f"{what} at {page.url}:\n" + "\n".join(found)


@pytest.fixture
def site(live_server):
    source = make_source("digest-2025-02-01", title="AI 早报 2025-02-01")
    guide = make_article(
        "大模型训练全解析",
        [("", "本文分三部分，介绍训练方法、数据准备与评测结果。")]
        + [
            (h, f"{h}：这一部分介绍相关的背景、做法与结果。")
            for h in ("一、训练方法", "二、数据准备")
        ],
        source=source,
        tags=["训练", "OpenAI"],
        links=["https://arxiv.org/abs/2501.12345", "https://github.com/example/repo"],
    )
    for n in range(1, 4):
        make_article(
            f"行业动态第{n}期", [("", "本周的行业新闻汇总。")], source=source, tags=["行业"]
        )
    return {"source": source, "guide": guide, "url": live_server.url}


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", [1280, 390])
def test_the_readers_pages_pass_axe(make_context, site, scheme, width):
    page = make_context(viewport={"width": width, "height": 900}, color_scheme=scheme).new_page()
    url, guide = site["url"], site["guide"]
    for path in [
        "/",
        "/?q=训练",
        "/?q=没有这个词",
        "/tags/",
        "/tags/训练/",
        "/digests/",
        site["source"].get_absolute_url(),
        guide.get_absolute_url(),
        "/accounts/login/",
    ]:
        visit(page, url, path)
        assert_accessible(page, f"{path} ({scheme}, {width} px)")
    page.goto(url + "/")
    page.keyboard.press("?")
    expect(page.locator("dialog[open]")).to_be_visible()
    assert_accessible(page, f"the keys dialog ({scheme}, {width} px)")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_logged_in_readers_pages_pass_axe(make_context, site, django_user_model, scheme):
    reader = django_user_model.objects.create_user("reader", password="a-long-passphrase-9")
    Bookmark.objects.create(user=reader, article=site["guide"], note="读完要整理笔记")
    shelf = ReadingList.objects.create(owner=reader, name="训练相关")
    shelf.items.create(article=site["guide"])
    context = make_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(site["url"] + "/accounts/login/")
    page.fill("#id_username", "reader")
    page.fill("#id_password", "a-long-passphrase-9")
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    for path in [
        "/",
        "/bookmarks/",
        "/lists/",
        shelf.get_absolute_url(),
        site["guide"].get_absolute_url(),
    ]:
        page.goto(site["url"] + path)
        assert_accessible(page, f"{path} logged in ({scheme})")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_editors_tools_pass_axe(make_context, live_server, origin, editor_account, scheme):
    page = make_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme).new_page()
    source, first, _ = mangled_digest(f"{origin}/digest", edited=True)
    log_in_to_the_admin(page, live_server, editor_account)
    restore = f"{live_server.url}/admin/articles/source/{source.pk}/restore/"
    page.goto(restore)
    assert_accessible(page, f"the restore page before fetching ({scheme})")
    page.get_by_role("button", name="抓取原文").click()
    page.locator("details.restore-details").evaluate_all("ds => ds.forEach(d => d.open = true)")
    assert_accessible(page, f"the restore preview ({scheme})")
    page.goto(f"{live_server.url}/admin/articles/article/{first.pk}/change/")
    assert_accessible(
        page, f"an article's change page with its split tools ({scheme})", DJANGO_ADMIN
    )
