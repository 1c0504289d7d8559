"""A reader in a real browser: search as you type, tags, paging, the keyboard,
the table of contents, the copy-link button, and the same without JavaScript."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from articles.models import Article

from ..factories import make_article, make_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DISTILLING = {  # title: tags; each mentions 蒸馏 in its body
    "知识蒸馏让小模型追上大模型": ["OpenAI", "训练"],
    "DeepSeek 发布蒸馏版推理模型": ["DeepSeek"],
    "蒸馏数据引发版权争议": ["OpenAI"],
}
OPENAI_ONLY = ["OpenAI 发布新一代语音接口"]
GUIDE = "大模型训练全解析"
HEADINGS = ["一、训练方法", "二、数据准备", "三、评测结果"]
ANCHORS = ["一训练方法", "二数据准备", "三评测结果"]  # Section.anchor: slugs keep Chinese
FILLER = [f"行业动态第{n}期" for n in range(1, 21)]
PAGE_SIZE = 20
SETTLED_MS = 1_500  # once htmx is idle, what is shown is final


def _paragraphs(topic: str, n: int = 12) -> str:
    return "\n\n".join(
        f"{topic}：第{i}段，介绍相关的背景、做法与结果，供读者参考。" for i in range(n)
    )


@pytest.fixture
def articles(live_server) -> dict[str, Article]:
    """25 published articles, newest first in this order: the three about
    蒸馏, one more tagged OpenAI, a guide with three headed sections, and 20
    fillers; 20 make a page, so the listing has a second page of 5."""
    source = make_source("digest-2025-02-01")
    day = date(2025, 2, 1)
    made: dict[str, Article] = {}

    def add(title, sections, tags=()):
        made[title] = make_article(
            title,
            sections,
            source=source,
            tags=list(tags),
            published_on=day - timedelta(days=len(made)),
        )

    for title, tags in DISTILLING.items():
        add(title, [("", f"{title}。研究者用蒸馏把大模型的能力教给小模型。")], tags)
    for title in OPENAI_ONLY:
        add(title, [("", "新接口支持实时对话。")], ["OpenAI"])
    add(GUIDE, [("", "本文分三部分。")] + [(h, _paragraphs(h)) for h in HEADINGS], ["训练"])
    for title in FILLER:
        add(title, [("", f"{title}：本周的行业新闻汇总。")], ["行业"])
    assert len(made) == 25
    return made


# --------------------------------------------------------------------------
# Helpers


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _titles(page) -> list[str]:
    return page.locator("li.hit a.hit-link").all_inner_texts()


def _mark_document(page) -> None:
    """Set a flag that a full page load would wipe out."""
    page.evaluate("window.__marker = 1")


def _same_document(page) -> bool:
    return page.evaluate("window.__marker") == 1


def _wait_for_params(page, **params: str) -> None:
    """Wait until the address bar's query string has these values."""
    page.wait_for_function(
        """(want) => {
            const got = new URLSearchParams(location.search);
            return Object.entries(want).every(([k, v]) => got.getAll(k).includes(v));
        }""",
        arg=params,
    )


def _wait_until_idle(page) -> None:
    """Wait until htmx has no request in flight (it marks #results meanwhile)."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


# --------------------------------------------------------------------------
# Search as you type, tags, paging


def test_typing_a_query_updates_the_list_and_the_url(page, live_server, articles):
    page.goto(live_server.url + "/")
    expect(page.locator("li.hit")).to_have_count(PAGE_SIZE)
    _mark_document(page)

    page.locator("#q").press_sequentially("蒸馏")

    expect(page.locator("li.hit")).to_have_count(len(DISTILLING))
    assert sorted(_titles(page)) == sorted(DISTILLING)
    marks = page.locator("li.hit .snippet mark")
    expect(marks.first).to_be_visible()
    assert set(marks.all_inner_texts()) == {"蒸馏"}
    assert page.locator("li.hit").filter(has_not=page.locator("mark")).count() == 0
    _wait_for_params(page, q="蒸馏")
    # Only what the reader chose: no empty order=, date_from=, date_to=.
    assert parse_qs(urlsplit(page.url).query, keep_blank_values=True) == {"q": ["蒸馏"]}
    assert _same_document(page), "the search reloaded the whole page"
    expect(page.locator("li.more")).to_have_count(0)


def test_clicking_a_facet_narrows_the_list_to_that_tag(page, live_server, articles):
    page.goto(live_server.url + "/")
    _mark_document(page)

    page.locator("nav.facets a", has_text="#OpenAI").click()

    tagged = [t for t, a in articles.items() if "OpenAI" in {x.name for x in a.tags.all()}]
    expect(page.locator("li.hit")).to_have_count(len(tagged))
    assert sorted(_titles(page)) == sorted(tagged)
    _wait_for_params(page, tag="OpenAI")
    assert _query(page.url)["tag"] == ["OpenAI"]
    # The filter shows as a chip, and the form now carries it for the next search.
    expect(page.locator("#filters .chips")).to_contain_text("#OpenAI")
    expect(page.locator('form.search input[type=hidden][name=tag][value="OpenAI"]')).to_have_count(
        1
    )
    assert _same_document(page)

    page.locator("#q").press_sequentially("蒸馏")
    both = [t for t in DISTILLING if "OpenAI" in DISTILLING[t]]
    expect(page.locator("li.hit")).to_have_count(len(both))
    assert sorted(_titles(page)) == sorted(both)
    _wait_for_params(page, q="蒸馏", tag="OpenAI")


def test_clicking_a_facet_right_after_typing_keeps_both_filters(page, live_server, articles):
    page.goto(live_server.url + "/")
    page.locator("#q").press_sequentially("蒸馏")
    expect(page.locator("li.hit")).to_have_count(len(DISTILLING))
    _wait_for_params(page, q="蒸馏")

    page.locator("nav.facets a", has_text="#OpenAI").click()  # #q still has focus

    _wait_until_idle(page)
    both = [t for t in DISTILLING if "OpenAI" in DISTILLING[t]]
    expect(page.locator("li.hit")).to_have_count(len(both), timeout=SETTLED_MS)
    assert _query(page.url)["tag"] == ["OpenAI"]
    expect(page.locator("#filters .chips")).to_contain_text("#OpenAI", timeout=SETTLED_MS)
    expect(page.locator('form.search input[name=tag][value="OpenAI"]')).to_have_count(
        1, timeout=SETTLED_MS
    )


def test_clicking_a_tag_of_an_article_opens_the_tag_page(page, live_server, articles):
    page.goto(live_server.url + "/")
    hit = page.locator("li.hit", has=page.locator("a.hit-link", has_text=GUIDE))

    hit.locator("ul.tags a", has_text="#训练").click()

    page.wait_for_url(live_server.url + "/tags/训练/")
    expect(page.locator("h1")).to_have_text("#训练")
    training = [t for t, a in articles.items() if "训练" in {x.name for x in a.tags.all()}]
    expect(page.locator("li.hit")).to_have_count(len(training))
    assert sorted(_titles(page)) == sorted(training)


def test_the_more_link_appends_the_next_page_in_place(page, live_server, articles):
    page.goto(live_server.url + "/")
    expect(page.locator("li.hit")).to_have_count(PAGE_SIZE)
    first_page = _titles(page)
    url = page.url
    _mark_document(page)

    page.locator("li.more a").click()

    expect(page.locator("li.hit")).to_have_count(len(articles))
    expect(page.locator("li.more")).to_have_count(0)
    titles = _titles(page)
    assert titles[:PAGE_SIZE] == first_page
    assert titles == list(articles)  # newest first, every article once
    # The address now says "up to page 2": reloading it shows the same list.
    assert page.url == url + "?page=2"
    assert _same_document(page)


def test_a_pushed_url_renders_the_same_list_on_the_server(page, live_server, articles):
    page.goto(live_server.url + "/")
    # Tag first, then text (the other order is the test above).
    page.locator("nav.facets a", has_text="#OpenAI").click()
    _wait_for_params(page, tag="OpenAI")
    page.locator("#q").press_sequentially("蒸馏")
    _wait_for_params(page, q="蒸馏", tag="OpenAI")
    expect(page.locator("li.hit")).to_have_count(2)
    in_place = _titles(page)
    pushed = page.url

    for url in (pushed, live_server.url + "/?q=蒸馏&tag=OpenAI"):
        response = page.goto(url)
        assert response.ok
        assert response.request.headers.get("hx-request") is None  # a plain page load
        assert sorted(_titles(page)) == sorted(in_place)
        assert sorted(in_place) == sorted(t for t in DISTILLING if "OpenAI" in DISTILLING[t])
        expect(page.locator("#q")).to_have_value("蒸馏")
        expect(page.locator("#filters .chips")).to_contain_text("#OpenAI")
        expect(page.locator("li.hit .snippet mark").first).to_be_visible()


# --------------------------------------------------------------------------
# Opening an article


def test_clicking_a_result_opens_the_article(page, live_server, articles):
    page.goto(live_server.url + "/")

    page.locator("a.hit-link", has_text=GUIDE).click()

    page.wait_for_url(live_server.url + articles[GUIDE].get_absolute_url())
    expect(page.locator("h1")).to_have_text(GUIDE)


@pytest.mark.parametrize(
    "leave_the_box",
    [
        pytest.param("click", id="click-elsewhere"),
        pytest.param("Escape", id="escape"),
    ],
)
def test_the_keyboard_searches_and_opens_a_result(page, live_server, articles, leave_the_box):
    page.goto(live_server.url + "/")
    expect(page.locator("li.hit")).to_have_count(PAGE_SIZE)

    page.keyboard.press("/")
    expect(page.locator("#q")).to_be_focused()
    page.keyboard.type("蒸馏")
    expect(page.locator("li.hit")).to_have_count(len(DISTILLING))
    _wait_for_params(page, q="蒸馏")
    if leave_the_box == "Escape":
        page.keyboard.press("Escape")
    else:
        # The start of the result count: plain text, not a link.
        page.locator("#results p.count").click(position={"x": 2, "y": 2})
    expect(page.locator("#q")).not_to_be_focused()
    # Leaving the box fires "change", which asks for the results again; let
    # that land first, as a reader's next keystroke would.
    _wait_until_idle(page)
    expect(page.locator("#q")).to_have_value("蒸馏", timeout=SETTLED_MS)
    expect(page.locator("li.hit")).to_have_count(len(DISTILLING), timeout=SETTLED_MS)
    assert _query(page.url)["q"] == ["蒸馏"]

    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    first = page.locator("li.hit").first
    expect(first).to_have_class("hit current")
    expect(page.locator("li.hit.current")).to_have_count(1)
    expect(first.locator("a.hit-link")).to_be_focused()
    title = first.locator("a.hit-link").inner_text()
    assert title in DISTILLING

    page.keyboard.press("o")

    page.wait_for_url(live_server.url + articles[title].get_absolute_url())
    expect(page.locator("h1")).to_have_text(title)


# --------------------------------------------------------------------------
# The article page


def test_a_contents_link_scrolls_to_its_section(page, live_server, articles):
    page.goto(live_server.url + articles[GUIDE].get_absolute_url())
    links = page.locator('nav.toc a[href^="#"]')
    expect(links).to_have_text(HEADINGS)
    last = page.locator(f'section[id="{ANCHORS[-1]}"]')
    expect(last).not_to_be_in_viewport()

    links.last.click()

    page.wait_for_function("() => location.hash !== ''")
    assert page.evaluate("decodeURIComponent(location.hash)") == f"#{ANCHORS[-1]}"
    expect(last).to_be_in_viewport()
    expect(last.locator("h2")).to_be_in_viewport()


def test_the_copy_link_button_copies_the_canonical_url(make_context, live_server, articles):
    context = make_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    article = articles[GUIDE]
    canonical = live_server.url + article.get_absolute_url()
    # A tracking parameter is not part of what gets shared.
    page.goto(canonical + "?utm_source=test")
    button = page.locator("button[data-copy-link]")
    expect(button).to_be_visible()
    status = page.locator(".share .status")
    expect(status).to_have_text("")

    button.click()

    expect(status).to_have_text("链接已复制")
    assert page.evaluate("navigator.clipboard.readText()") == canonical

    # After following a contents link, the copied link points at the section.
    page.locator('nav.toc a[href^="#"]').nth(1).click()
    page.wait_for_function("() => location.hash !== ''")
    button.click()
    expected = canonical + page.evaluate("location.hash")
    page.wait_for_function(
        "(want) => navigator.clipboard.readText().then(t => t === want)", arg=expected
    )


def test_the_copy_link_status_speaks_english_to_an_english_reader(
    make_context, live_server, articles
):
    context = make_context(locale="en-US", permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(live_server.url + articles[GUIDE].get_absolute_url())

    page.get_by_role("button", name="Copy link").click()

    expect(page.locator(".share .status")).to_have_text("Link copied")


# --------------------------------------------------------------------------
# Without JavaScript


def test_the_page_works_without_javascript(make_context, live_server, articles):
    page = make_context(java_script_enabled=False).new_page()
    page.goto(live_server.url + "/")
    expect(page.locator("li.hit")).to_have_count(PAGE_SIZE)

    page.locator("#q").fill("蒸馏")
    with page.expect_navigation():
        page.locator("#q").press("Enter")

    assert _query(page.url)["q"] == ["蒸馏"]
    assert sorted(_titles(page)) == sorted(DISTILLING)
    expect(page.locator("li.hit .snippet mark").first).to_be_visible()

    # Tags and paging are plain links, too.
    with page.expect_navigation():
        page.locator("nav.facets a", has_text="#OpenAI").click()
    assert _query(page.url)["tag"] == ["OpenAI"]
    assert sorted(_titles(page)) == sorted(t for t in DISTILLING if "OpenAI" in DISTILLING[t])
    page.goto(live_server.url + "/")
    with page.expect_navigation():
        page.locator("li.more a").click()
    assert _query(page.url)["page"] == ["2"]
    assert _titles(page) == list(articles)  # pages 1 and 2, as "more" shows them
    # The copy button needs JavaScript, so it stays hidden.
    page.goto(live_server.url + articles[GUIDE].get_absolute_url())
    expect(page.locator("button[data-copy-link]")).to_be_hidden()


# --------------------------------------------------------------------------
# Typography (#19 point 4)


@pytest.mark.parametrize("width", [390, 1280])
def test_justified_chinese_does_not_spread_a_url_letter_by_letter(make_context, live_server, width):
    url = "https://arxiv.org/abs/2501.12948"
    article = make_article(
        "论文链接", [("", f"论文见 {url} 。" + "研究团队公布了训练细节与评测结果" * 30)]
    )
    page = make_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(live_server.url + article.get_absolute_url())
    widths = page.evaluate(
        """(url) => {
            const p = document.querySelector(".body p");
            const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode()) && !node.data.includes(url)) {}
            const range = document.createRange();
            const start = node.data.indexOf(url);
            range.setStart(node, start);
            range.setEnd(node, start + url.length);
            const probe = document.createElement("span");
            probe.style.whiteSpace = "nowrap";
            probe.textContent = url;
            node.parentElement.append(probe);
            const natural = probe.getBoundingClientRect().width;
            probe.remove();
            const lines = range.getClientRects();
            return {shown: range.getBoundingClientRect().width, natural, lines: lines.length,
                    justified: getComputedStyle(p).textAlign};
        }""",
        url,
    )
    assert widths["justified"] == "justify"
    assert widths["lines"] == 1
    assert abs(widths["shown"] - widths["natural"]) < 2, widths


def test_a_long_url_wraps_instead_of_widening_the_page(make_context, live_server):
    url = "https://example.com/" + "a-very-long-path-segment/" * 12
    article = make_article("长链接", [("", f"全文见 [{url}]({url}) 。")])
    page = make_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(live_server.url + article.get_absolute_url())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
