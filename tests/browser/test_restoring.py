"""An editor restores a digest's punctuation from its origin in the admin
(issue #21, point 6): fetch, read the preview, untick one, apply; readers
see the restored text."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.ingest.test_alignment import mangle
from tests.origin_site import SECOND_TITLE, TITLE, mangled_digest

from .conftest import log_in_to_the_admin

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_local"),
]


@pytest.mark.parametrize("width", [1280, 390])
def test_an_editor_previews_and_applies_a_restore(
    make_context, live_server, origin, editor_account, width
):
    page = make_context(viewport={"width": width, "height": 900}).new_page()
    source, first, second = mangled_digest(f"{origin}/digest")
    log_in_to_the_admin(page, live_server, editor_account)

    page.goto(f"{live_server.url}/admin/articles/source/{source.pk}/change/")
    page.get_by_role("link", name="按原文恢复").click()
    page.get_by_role("button", name="抓取原文").click()

    articles = page.locator("section.restore-article")
    expect(articles).to_have_count(2)
    first_box = articles.nth(0)
    expect(first_box.locator("details")).to_have_attribute("open", "")
    expect(first_box.locator("ins", has_text="？").first).to_be_visible()
    expect(first_box).to_contain_text("标点")
    # The preview fits a phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    second_tick = page.get_by_role("checkbox", name="恢复这篇文章").nth(1)
    expect(second_tick).to_be_checked()
    second_tick.uncheck()

    page.get_by_role("button", name="恢复勾选的文章").click()

    expect(page.locator(".messagelist")).to_contain_text("已恢复 1 篇文章")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.title == TITLE and first.restored_at is not None
    assert second.title == mangle(SECOND_TITLE)
    page.goto(live_server.url + first.get_absolute_url())
    expect(page.locator("article.article h1")).to_have_text(TITLE)
    expect(page.locator("article.article")).to_contain_text("已按原文恢复标点和换行")
    assert Article.objects.filter(restored_at__isnull=False).count() == 1
