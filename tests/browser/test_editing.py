"""An editor fixes a split in the admin, and readers see each change."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from articles.models import Article, Source

from ..factories import import_one
from ..rawfiles import ARTICLE_ONE, ARTICLE_TWO, chrome
from .conftest import log_in_to_the_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def digest(tmp_path) -> Source:
    path = tmp_path / "d.txt"
    path.write_text(chrome(f"{ARTICLE_ONE} {ARTICLE_TWO}"))
    import_one(path)
    return Source.objects.get()


def test_an_editor_splits_merges_and_tags_and_the_public_pages_follow(
    page, live_server, digest, editor_account
):
    zhipu = digest.articles.get(position=1)
    log_in_to_the_admin(page, live_server, editor_account)

    # The browser asks for Chinese (zh-CN), so the admin speaks it.
    # Split before the second headed section: a preview first, then applied.
    page.goto(f"{live_server.url}/admin/articles/article/{zhipu.pk}/change/")
    page.locator(".split-tools li", has_text="二、压缩方法的细节").get_by_role(
        "link", name="在此拆分"
    ).click()
    expect(page.locator(".edit-preview h2")).to_have_count(2)
    assert digest.articles.count() == 2
    page.get_by_role("button", name="是的，执行").click()
    expect(page.locator(".messagelist")).to_contain_text("处拆分")
    new = digest.articles.get(position=2)
    assert new.title == "二、压缩方法的细节"
    page.goto(live_server.url + new.get_absolute_url())
    expect(page.locator("article.article")).to_contain_text("低秩矩阵")
    page.goto(live_server.url + zhipu.get_absolute_url())
    expect(page.locator("article.article")).not_to_contain_text("低秩矩阵")

    # Merge it back.
    page.goto(f"{live_server.url}/admin/articles/article/{zhipu.pk}/change/")
    page.get_by_role("link", name="与下一篇文章合并").click()
    page.get_by_role("button", name="是的，执行").click()
    expect(page.locator(".messagelist")).to_contain_text("已把")
    assert not Article.objects.filter(pk=new.pk).exists()
    page.goto(live_server.url + zhipu.get_absolute_url())
    expect(page.locator("article.article")).to_contain_text("低秩矩阵")
    assert page.goto(live_server.url + new.get_absolute_url()).status == 404

    # Tag it with the bulk action.
    page.goto(f"{live_server.url}/admin/articles/article/")
    page.locator(f"input[name=_selected_action][value='{zhipu.pk}']").check()
    page.select_option("select[name=action]", "add_tag")
    page.click("button[name=index]")
    page.fill("input[name=tag]", "开源")
    page.click("input[name=apply]")
    expect(page.locator(".messagelist")).to_contain_text("开源")
    page.goto(live_server.url + zhipu.get_absolute_url())
    expect(page.locator("article.article ul.tags")).to_contain_text("#开源")
