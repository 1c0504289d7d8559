"""A reader keeps articles: bookmark, note, remove, and share a list."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ..factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reader(django_user_model):
    make_article("蒸馏的新进展", [("", "蒸馏训练小模型。")])
    make_article("开源智能体框架", [("", "一个开源框架。")])
    return django_user_model.objects.create_user("alice", password="a-long-passphrase-9")


def log_in(page, live_server) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "a-long-passphrase-9")
    page.locator("form.stacked button").click()
    expect(page.locator("nav.account")).to_contain_text("alice")


def test_bookmark_note_remove_and_share_a_list(page, live_server, reader, make_context):
    log_in(page, live_server)
    hit = page.locator("li.hit", has_text="蒸馏的新进展")
    hit.get_by_role("button", name="收藏").click()
    expect(hit.locator("button[aria-pressed=true]")).to_have_text("★ 已收藏")  # swapped in place

    page.goto(f"{live_server.url}/bookmarks/")
    expect(page.locator("li.hit")).to_have_count(1)
    page.fill("li.hit textarea", "周末细读")
    page.get_by_role("button", name="保存笔记").click()
    expect(page.locator("li.hit .note .status")).to_have_text("已保存。")
    page.reload()
    expect(page.locator("li.hit textarea")).to_have_value("周末细读")

    page.locator("li.hit").get_by_role("button", name="已收藏").click()
    expect(page.locator("li.hit .bookmark .status")).to_contain_text("已移除")
    page.reload()
    expect(page.locator("li.hit")).to_have_count(0)

    # A reading list, shared by link and opened by someone not logged in.
    page.goto(f"{live_server.url}/lists/")
    page.fill("#list-name", "周末阅读")
    page.get_by_role("button", name="创建").click()
    list_url = page.url
    page.goto(live_server.url + "/")
    page.locator("a.hit-link", has_text="开源智能体框架").click()
    page.get_by_role("button", name="加入", exact=True).click()
    page.goto(list_url)
    page.get_by_role("button", name="通过链接分享").click()
    shared = page.locator(".notice a").get_attribute("href")

    stranger = make_context().new_page()
    stranger.goto(live_server.url + shared)
    expect(stranger.locator("h1")).to_have_text("周末阅读")
    expect(stranger.locator("ol.digest-articles")).to_contain_text("开源智能体框架")
    expect(stranger.locator("nav.account")).to_contain_text("登录")
