"""A reader keeps their place (#19 points 1, 2, 3, 7, 8 and 9), on a desktop
and on a 390-pixel phone: logging in to bookmark, "more" and Back, a live
search and Back, read state, titles only, and the keyboard."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from articles.models import Bookmark, ReadMark

from ..factories import make_article, make_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_SIZE = 20
PASSWORD = "a-long-passphrase-9"
DISTILLING = ["知识蒸馏让小模型追上大模型", "蒸馏数据引发版权争议"]
OPENAI = ["OpenAI 发布新一代语音接口"]
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 390, "height": 844},
}


@pytest.fixture(params=list(VIEWPORTS))
def screen(request, make_context):
    """A page in a fresh browser context of this size; JavaScript errors fail the test."""
    page = make_context(viewport=VIEWPORTS[request.param]).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def titles_newest_first(live_server) -> list[str]:
    """25 published articles (a second page of 5), newest first, each with an
    original on this server and tags: 32 tags in all, as a real front page."""
    source = make_source("digest", origin_url=f"{live_server.url}/healthz")
    day = date(2025, 2, 1)
    names = [*DISTILLING, *OPENAI] + [f"行业动态第{n}期" for n in range(1, 23)]
    for i, title in enumerate(names):
        body = "研究者用蒸馏把大模型的能力教给小模型。" if title in DISTILLING else "本周新闻。"
        tags = [f"标签{(i + k) % 32}" for k in range(4)] + (["OpenAI"] if "OpenAI" in title else [])
        make_article(
            title, [("", body)], source=source, tags=tags, published_on=day - timedelta(days=i)
        )
    return names


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password=PASSWORD)


def _log_in(page, live_server) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.locator("form.stacked button").click()
    expect(page.locator("nav.account")).to_contain_text("alice")


def _titles(page) -> list[str]:
    return page.locator("li.hit a.hit-link").all_inner_texts()


def _params(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _wait_for_params(tab, **params: str) -> None:
    tab.wait_for_function(
        """(want) => {
            const got = new URLSearchParams(location.search);
            return Object.entries(want).every(([k, v]) => got.get(k) === v);
        }""",
        arg=params,
    )


def _live_search(page, query: str, hits: int) -> None:
    """Type a query into the box and wait for its results and address."""
    page.locator("#q").press_sequentially(query)
    _wait_for_params(page, q=query)
    expect(page.locator("li.hit")).to_have_count(hits)


def _press(page, key: str, times: int = 1) -> None:
    for _ in range(times):
        page.keyboard.press(key)


# -- 1. bookmarking while logged out -------------------------------------------


@pytest.mark.parametrize("where", ["list", "article"])
def test_bookmarking_logged_out_goes_to_the_login_page_and_keeps_the_bookmark(
    screen, live_server, titles_newest_first, alice, where
):
    title = titles_newest_first[2]
    page = screen
    page.goto(live_server.url + "/")
    if where == "article":
        page.locator("a.hit-link", has_text=title).click()
        expect(page.locator("h1")).to_have_text(title)
        scope = page.locator("article.article")
    else:
        scope = page.locator("li.hit", has_text=title)
    back = page.url

    scope.get_by_role("button", name="收藏").click()

    page.wait_for_url("**/accounts/login/**")
    assert _params(page)["next"] == [urlsplit(back).path]
    expect(page.locator("form.stacked")).to_have_count(1)  # the page, not a card holding it
    expect(page.locator("li.hit")).to_have_count(0)
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.locator("form.stacked button").click()

    page.wait_for_url(back)
    assert Bookmark.objects.filter(user=alice, article__title=title).exists()
    scope = (
        page.locator("article.article")
        if where == "article"
        else page.locator("li.hit", has_text=title)
    )
    expect(scope.locator(".bookmark button[aria-pressed=true]")).to_have_text("★ 已收藏")


# -- 2. "more" keeps the reader's place ---------------------------------------------


def test_more_pushes_an_address_and_back_returns_to_the_item_opened(
    screen, live_server, titles_newest_first
):
    page = screen
    page.goto(live_server.url + "/")
    expect(page.locator("li.hit")).to_have_count(PAGE_SIZE)

    page.locator("li.more a").click()

    expect(page.locator("li.hit")).to_have_count(len(titles_newest_first))
    _wait_for_params(page, page="2")
    opened = titles_newest_first[-1]  # the 25th, on the page "more" brought
    page.locator("a.hit-link", has_text=opened).click()
    expect(page.locator("h1")).to_have_text(opened)

    page.go_back()

    expect(page.locator("li.hit")).to_have_count(len(titles_newest_first))
    assert _titles(page) == titles_newest_first
    current = page.locator("li.hit.current")
    expect(current).to_have_count(1)
    expect(current.locator("a.hit-link")).to_have_text(opened)
    expect(current).to_be_in_viewport()


def test_j_past_the_last_item_loads_more_and_goes_on(screen, live_server, titles_newest_first):
    page = screen
    page.goto(live_server.url + "/")
    expect(page.locator("li.hit")).to_have_count(PAGE_SIZE)

    _press(page, "j", PAGE_SIZE)
    expect(page.locator("li.hit.current a.hit-link")).to_have_text(
        titles_newest_first[PAGE_SIZE - 1]
    )
    page.keyboard.press("j")

    expect(page.locator("li.hit")).to_have_count(len(titles_newest_first))
    expect(page.locator("li.hit.current a.hit-link")).to_have_text(titles_newest_first[PAGE_SIZE])
    expect(page.locator("li.hit.current")).to_be_in_viewport()
    _wait_for_params(page, page="2")


# -- 3. history and state --------------------------------------------------------------


def test_back_after_a_live_search_shows_its_query_results_and_title(
    screen, live_server, titles_newest_first
):
    page = screen
    page.goto(live_server.url + "/")
    _live_search(page, "蒸馏", len(DISTILLING))
    expect(page).to_have_title("蒸馏 · Newsroom")

    page.locator("#q").fill("")
    _live_search(page, "OpenAI", len(OPENAI))
    expect(page).to_have_title("OpenAI · Newsroom")

    page.go_back()

    _wait_for_params(page, q="蒸馏")
    expect(page.locator("#q")).to_have_value("蒸馏")
    expect(page.locator("li.hit")).to_have_count(len(DISTILLING))
    assert sorted(_titles(page)) == sorted(DISTILLING)
    expect(page).to_have_title("蒸馏 · Newsroom")


def test_switching_language_after_a_live_search_keeps_the_search(
    screen, live_server, titles_newest_first
):
    page = screen
    page.goto(live_server.url + "/")
    _live_search(page, "蒸馏", len(DISTILLING))

    with page.expect_navigation():
        page.locator("#language").select_option("en")

    assert _params(page)["q"] == ["蒸馏"]
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#q")).to_have_value("蒸馏")
    expect(page.locator("li.hit")).to_have_count(len(DISTILLING))


# -- 7. read state ---------------------------------------------------------------------


def test_read_articles_look_read_and_unread_only_leaves_them_out(
    screen, live_server, titles_newest_first, alice
):
    page = screen
    _log_in(page, live_server)
    page.goto(live_server.url + "/")
    opened = titles_newest_first[1]
    page.locator("a.hit-link", has_text=opened).click()
    expect(page.locator("h1")).to_have_text(opened)
    expect(page.locator("article.article .read-state button")).to_have_attribute(
        "aria-pressed", "true"
    )

    page.go_back()

    expect(page.locator("li.hit.read a.hit-link")).to_have_text([opened])
    page.get_by_label("只看未读").check()
    _wait_for_params(page, unread="1")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    expect(page.locator("li.hit a.hit-link", has_text=opened)).to_have_count(0)
    expect(page.locator("li.hit")).to_have_count(PAGE_SIZE)  # the next unread ones fill the page

    # m marks the current item read, and again unread.
    page.keyboard.press("j")
    first = page.locator("li.hit").first
    page.keyboard.press("m")
    expect(first).to_have_class("hit current read")
    page.keyboard.press("m")
    expect(first).to_have_class("hit current")

    page.get_by_role("button", name="将这些标为已读").click()
    expect(page.locator(".messages")).to_contain_text("已将 20 篇文章标为已读")
    assert ReadMark.objects.filter(user=alice).count() == 1 + PAGE_SIZE
    expect(page.locator("li.hit")).to_have_count(len(titles_newest_first) - 1 - PAGE_SIZE)


# -- 8. titles only; the first headline above the fold --------------------------------


def test_titles_only_is_remembered_and_the_first_headline_is_above_the_fold(
    screen, live_server, titles_newest_first
):
    page = screen
    page.goto(live_server.url + "/")
    first = page.locator("li.hit h2").first
    fold = page.viewport_size["height"]
    assert first.bounding_box()["y"] + first.bounding_box()["height"] < fold
    assert (
        page.locator("nav.facets li").count() >= 25
    )  # a full cloud of tags, as on a real front page
    expect(page.locator("li.hit .snippet").first).to_be_visible()

    page.get_by_role("button", name="只看标题").click()

    expect(page.locator("ol.hits.compact")).to_have_count(1)
    expect(page.locator("li.hit .snippet").first).to_be_hidden()
    assert first.bounding_box()["height"] < 40  # one line
    page.goto(live_server.url + "/tags/标签1/")
    expect(page.locator("ol.hits.compact")).to_have_count(1)
    page.get_by_role("button", name="显示摘要").click()
    expect(page.locator("li.hit .snippet").first).to_be_visible()


# -- 9. the keyboard -----------------------------------------------------------------------


def test_question_mark_shows_the_keys(screen, live_server, titles_newest_first):
    page = screen
    page.goto(live_server.url + "/")
    dialog = page.locator("dialog#keys")
    expect(dialog).to_be_hidden()

    page.keyboard.press("?")

    expect(dialog).to_be_visible()
    for key in ("j", "k", "o", "b", "m", "v", "/", "?"):
        expect(dialog.locator("kbd", has_text=key).first).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_b_m_and_v_act_on_the_current_item_and_j_goes_on_after_o_and_back(
    screen, live_server, titles_newest_first, alice
):
    page = screen
    _log_in(page, live_server)
    page.goto(live_server.url + "/")
    _press(page, "j", 3)
    third = page.locator("li.hit").nth(2)
    expect(third).to_have_class("hit current")

    page.keyboard.press("b")
    expect(third.locator(".bookmark button[aria-pressed=true]")).to_be_visible()
    assert Bookmark.objects.get(user=alice).article.title == titles_newest_first[2]
    with page.context.expect_page() as popup:
        page.keyboard.press("v")
    popup.value.wait_for_load_state()
    assert popup.value.url == f"{live_server.url}/healthz"
    popup.value.close()

    page.keyboard.press("o")
    expect(page.locator("h1")).to_have_text(titles_newest_first[2])
    page.keyboard.press("m")  # the article is read on opening; m makes it unread
    expect(page.locator("article.article .read-state button")).to_have_attribute(
        "aria-pressed", "false"
    )
    assert not ReadMark.objects.filter(user=alice).exists()
    page.go_back()

    expect(page.locator("li.hit.current a.hit-link")).to_have_text(titles_newest_first[2])
    page.keyboard.press("j")
    expect(page.locator("li.hit.current a.hit-link")).to_have_text(titles_newest_first[3])
