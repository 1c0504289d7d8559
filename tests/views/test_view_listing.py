"""The front page and tag pages: full pages, HTMX fragments, filters, paging."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix

from articles.models import Article, ArticleTag, Tag

from ..factories import make_article, make_source

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
RESULTS = {**HTMX, "HX-Target": "results"}


@pytest.fixture
def corpus():
    digest = make_source("digest-0117")
    distill = make_article(
        "OpenAI 的蒸馏实验",
        [("", "OpenAI 用**蒸馏**训练了小模型。"), ("一、方法", "先训练大模型。")],
        source=digest,
        subtitle="小模型也能推理",
        tags=["OpenAI", "蒸馏"],
        published_on=date(2025, 1, 17),
    )
    agents = make_article(
        "智能体框架开源",
        [("", "一个开源的智能体框架。")],
        source=digest,
        tags=["开源"],
        published_on=date(2025, 1, 17),
    )
    older = make_article(
        "去年的模型综述",
        [("", "关于蒸馏的综述。")],
        tags=["蒸馏"],
        published_on=date(2024, 6, 1),
    )
    make_article("隐藏的蒸馏稿", [("", "蒸馏")], status=Article.Status.HIDDEN)
    return distill, agents, older


def titles(response) -> list[str]:
    return [hit.article.title for hit in response.context["results"].hits]


def test_the_front_page_lists_published_articles_newest_first(client, corpus):
    distill, agents, older = corpus
    response = client.get("/")
    assert response.status_code == 200
    assert titles(response) == [agents.title, distill.title, older.title]
    html = response.content.decode()
    assert html.startswith("<!doctype html>")
    assert '<input id="q" name="q" type="search"' in html
    assert "隐藏的蒸馏稿" not in html
    # Each hit: link, subtitle, date, digest, reading time and tags.
    assert f'href="{distill.get_absolute_url()}"' in html
    assert "小模型也能推理" in html
    assert 'datetime="2025-01-17"' in html
    # The digest by name (it has no title, site or date: its import day).
    assert f'href="{distill.source.get_absolute_url()}">导入于 ' in html
    assert "digest-0117" not in html
    assert "阅读约 1 分钟" in html
    assert f'href="/tags/{distill.tags.get(name="OpenAI").slug}/">#OpenAI</a>' in html


def test_a_search_highlights_and_ranks_matches(client, corpus):
    distill, _, older = corpus
    response = client.get("/", {"q": "蒸馏"})
    assert titles(response) == [distill.title, older.title]
    assert "<mark>蒸馏</mark>" in response.content.decode()
    assert response.context["results"].order == "best"


def test_a_search_in_traditional_chinese_finds_and_marks_the_simplified_text(client, corpus):
    _, agents, _ = corpus
    response = client.get("/", {"q": "智能體 開源"}, headers=RESULTS)
    assert titles(response) == [agents.title]
    assert "<mark>智能体</mark>" in response.content.decode()


def test_the_search_form_gets_only_the_results_fragment(client, corpus):
    response = client.get("/", {"q": "蒸馏"}, headers=RESULTS)
    assert response.status_code == 200
    html = response.content.decode()
    # The inside of #results, which stays in place as a live region.
    assert html.lstrip().startswith('<p class="count">')
    assert 'id="results"' not in html and "<html" not in html and 'class="search"' not in html
    assert "<mark>蒸馏</mark>" in html
    # The filter bar comes along out of band, so the form keeps the state.
    assert '<div id="filters" class="filters" hx-swap-oob="true">' in html
    assert "Vary" in response.headers and "HX-Request" in response.headers["Vary"]


def test_a_plain_request_for_the_same_url_gets_the_full_page(client, corpus):
    html = client.get("/", {"q": "蒸馏"}).content.decode()
    assert "<html" in html and '<div id="results"' in html and "hx-swap-oob" not in html
    assert 'hx-push-url="true"' in html
    assert 'value="蒸馏"' in html


def test_tags_filter_and_combine(client, corpus):
    distill, _, older = corpus
    assert titles(client.get("/", {"tag": "蒸馏"})) == [distill.title, older.title]
    assert titles(client.get("/", {"tag": ["蒸馏", "OpenAI"]})) == [distill.title]
    assert titles(client.get("/", {"q": "#openai"})) == [distill.title]


def test_facets_count_the_tags_of_the_result_and_add_a_filter(client, corpus):
    response = client.get("/", {"q": "蒸馏"})
    facets = {tag.name: n for tag, n, _ in response.context["facets"]}
    assert facets == {"蒸馏": 2, "OpenAI": 1}
    html = response.content.decode()
    assert 'href="/?q=%E8%92%B8%E9%A6%8F&amp;tag=OpenAI"' in html
    # A tag already filtered on is a chip that removes it, not a facet.
    response = client.get("/", {"q": "蒸馏", "tag": "OpenAI"})
    assert "OpenAI" not in {tag.name for tag, _, _ in response.context["facets"]}
    assert 'aria-label="移除筛选 #OpenAI"' in response.content.decode()


def test_digest_and_date_filters(client, corpus):
    distill, agents, older = corpus
    assert titles(client.get("/", {"digest": distill.source_id})) == [agents.title, distill.title]
    assert titles(client.get("/", {"date_to": "2024-12-31"})) == [older.title]
    assert titles(client.get("/", {"date_from": "2025-01-01", "q": "蒸馏"})) == [distill.title]


def test_an_empty_result_says_why_and_how_to_widen_it(client, corpus):
    html = client.get("/", {"q": "蒸馏", "tag": "开源"}).content.decode()
    assert "没有文章匹配 <strong>蒸馏</strong>" in html
    assert "<strong>#开源</strong>" in html
    assert 'href="/?q=%E8%92%B8%E9%A6%8F">#开源 ×</a>' in html


def test_an_empty_database_explains_how_to_import(client):
    html = client.get("/").content.decode()
    assert "python manage.py import_articles PATH" in html


def test_more_is_a_real_link_and_an_htmx_page_of_hits(client, corpus, monkeypatch):
    monkeypatch.setattr("articles.search.listing.PAGE_SIZE", 2)
    first = client.get("/").content.decode()
    assert 'href="/?page=2"' in first and 'hx-get="/?page=2"' in first
    page_two = client.get("/", {"page": 2}, headers=HTMX)
    fragment = page_two.content.decode()
    assert fragment.lstrip().startswith('<li class="hit" ')
    assert "去年的模型综述" in fragment and 'id="results"' not in fragment
    assert 'class="more"' not in fragment
    assert "<html" in client.get("/", {"page": 2}).content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"q": '"unbalanced'},
        {"q": "NEAR( * OR AND ) -"},
        {"q": "x\x00y"},
        {"q": "蒸" * 10_000},
        {"q": "🤖 emoji"},
        {"tag": "\x00"},
        {"order": "newest"},
    ],
)
def test_any_query_text_gives_a_normal_page(client, corpus, params):
    assert client.get("/", params).status_code == 200
    assert client.get("/", params, headers=RESULTS).status_code == 200


@pytest.mark.parametrize(
    "params",
    [{"page": "x"}, {"page": "0"}, {"date_from": "2025-13-45"}, {"digest": "-1"}, {"order": "?"}],
)
def test_malformed_filters_are_a_400_page_that_says_so(client, corpus, params):
    response = client.get("/", params)
    assert response.status_code == 400
    html = response.content.decode()
    assert "有些筛选条件无法识别" in html and "<html" in html


def test_a_tag_page_lists_its_articles_and_answers_htmx(client, corpus):
    distill, _, older = corpus
    slug = distill.tags.get(name="蒸馏").slug
    response = client.get(f"/tags/{slug}/")
    assert response.status_code == 200
    assert titles(response) == [distill.title, older.title]
    html = response.content.decode()
    assert "<h1>#蒸馏</h1>" in html
    assert f'href="{reverse("tag-feed", args=[slug])}"' in html
    assert titles(client.get(f"/tags/{slug}/", {"date_to": "2024-12-31"})) == [older.title]
    fragment = client.get(f"/tags/{slug}/", {"q": "OpenAI"}, headers=RESULTS).content.decode()
    assert fragment.lstrip().startswith('<p class="count">')
    assert distill.title in fragment and older.title not in fragment
    assert client.get("/tags/no-such-tag/").status_code == 404


def test_a_tag_page_leaves_out_unpublished_articles(client, corpus):
    distill, _, older = corpus
    for status in (Article.Status.HIDDEN, Article.Status.REVIEW):
        make_article(f"未发布的蒸馏稿 {status}", [("", "蒸馏")], tags=["蒸馏"], status=status)
    slug = distill.tags.get(name="蒸馏").slug
    assert titles(client.get(f"/tags/{slug}/")) == [distill.title, older.title]
    # With a filter on the article too.
    assert titles(client.get(f"/tags/{slug}/", {"date_from": "2000-01-01"})) == [
        distill.title,
        older.title,
    ]


def test_each_hit_links_its_tags_escaped(client, corpus):
    distill, _, _ = corpus
    hostile = Tag.objects.create(name='<b onclick="x">粗</b>')
    ArticleTag.objects.create(article=distill, tag=hostile)
    html = client.get("/").content.decode()
    for tag in distill.tags.all():
        assert f'<a href="{tag.get_absolute_url()}">#' in html
    assert "#&lt;b onclick=&quot;x&quot;&gt;粗&lt;/b&gt;</a>" in html
    assert '<ul class="tags" aria-label="' in html  # named for screen readers


def test_links_follow_the_script_prefix_though_remembered(client, corpus):
    distill, _, _ = corpus
    tag = distill.tags.get(name="蒸馏")
    path = f"tags/{quote(tag.slug)}/"
    client.get("/")  # the links are remembered without a prefix
    try:
        set_script_prefix("/news/")
        html = client.get("/", SCRIPT_NAME="/news").content.decode()
        assert tag.get_absolute_url() == f"/news/{path}"
        assert distill.get_absolute_url().startswith("/news/articles/")
        assert f'<a href="/news/{path}">#蒸馏</a>' in html
        assert f'href="/news/articles/{distill.pk}/' in html
    finally:
        set_script_prefix("/")
    assert tag.get_absolute_url() == f"/{path}"


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/", "/?q=蒸馏", "/tags/{slug}/", "/?tag=蒸馏&page=2"])
def test_listing_query_counts_do_not_grow_with_the_page(client, url, django_assert_max_num_queries):
    def add(n: int) -> None:
        for i in range(n):
            make_article(f"蒸馏第{i}篇", [("", "蒸馏。"), ("一", "正文")], tags=["蒸馏", f"t{i}"])

    add(25)  # a second page
    url = url.format(slug=Tag.objects.get(name="蒸馏").slug)
    few = _queries(client, url)
    add(40)
    assert _queries(client, url) == few
    # The read of matches, scores, articles, their tags, their sections,
    # facets; a tag's page adds the tag, its ids, and its papers (chosen,
    # then loaded).
    # PostgreSQL adds the search's time limit: set and reset it, in a
    # savepoint as the test runs in a transaction.
    with django_assert_max_num_queries(9 + (4 if connection.vendor == "postgresql" else 0)):
        client.get(url)


def test_a_tag_listing_follows_the_articles_dates(client, corpus):
    distill, _, older = corpus
    assert titles(client.get("/", {"tag": "蒸馏"})) == [distill.title, older.title]
    older.published_on = date(2025, 3, 1)  # an editor fixes the date
    older.save()
    assert titles(client.get("/", {"tag": "蒸馏"})) == [older.title, distill.title]
    assert titles(client.get("/", {"tag": ["蒸馏", "OpenAI"], "date_to": "2025-02-01"})) == [
        distill.title
    ]
    assert titles(client.get("/", {"tag": "蒸馏", "digest": distill.source_id})) == [distill.title]


# -- #19 points 2, 3 and 8: a list that "more" grew, titles, compact view ----


def _many(n: int) -> list[Article]:
    return [make_article(f"行业动态第{i}期", [("", "本周新闻。")]) for i in range(n)]


def test_an_address_that_more_left_shows_every_page_up_to_it(client, monkeypatch):
    monkeypatch.setattr("articles.search.listing.PAGE_SIZE", 2)
    made = _many(7)[::-1]  # newest first
    response = client.get("/", {"page": 3})
    html = response.content.decode()
    assert titles(response) == [a.title for a in made[:6]]
    assert 'href="/?page=4"' in html and 'hx-push-url="true"' in html
    assert "Earlier articles" not in html and "更早的文章" not in html
    # "More" itself still gets only the next page, and HTMX putting back a
    # page it has no copy of gets the whole page.
    more = client.get("/", {"page": 3}, headers=HTMX).content.decode()
    assert more.count('class="hit-link"') == 2 and "<html" not in more
    restore = {**HTMX, "HX-History-Restore-Request": "true"}
    assert (
        client.get("/", {"page": 3}, headers=restore).content.decode().count('class="hit-link"')
        == 6
    )


def test_far_down_a_long_list_the_page_shows_the_last_ten_pages(client, monkeypatch):
    monkeypatch.setattr("articles.search.listing.PAGE_SIZE", 1)
    made = _many(13)[::-1]
    response = client.get("/", {"page": 12})
    assert titles(response) == [a.title for a in made[2:12]]
    html = response.content.decode()
    assert 'start="3"' in html and 'href="/?page=2"' in html  # the pages before it


def test_an_htmx_search_sends_the_pages_title_with_its_results(client, corpus):
    fragment = client.get("/", {"q": "蒸馏"}, headers=RESULTS).content.decode()
    assert "<title>蒸馏 · Newsroom</title>" in fragment
    assert (
        "<title>#蒸馏 · Newsroom</title>"
        in client.get("/tags/蒸馏/", headers=RESULTS).content.decode()
    )


def test_the_other_filters_fold_away_unless_one_is_in_use(client, corpus):
    closed = client.get("/").content.decode()
    assert '<details class="more-filters">' in closed
    opened = client.get("/", {"paper": 1}).content.decode()
    assert '<details class="more-filters" open>' in opened


def test_titles_only_is_a_choice_kept_in_a_cookie(client, corpus):
    assert 'class="hits compact"' not in client.get("/").content.decode()
    response = client.post("/view/", {"view": "compact", "next": "/?q=蒸馏"})
    assert response.status_code == 302 and response["Location"] == "/?q=%E8%92%B8%E9%A6%8F"
    assert response.cookies["list_view"].value == "compact"
    html = client.get("/tags/蒸馏/").content.decode()
    assert 'class="hits compact"' in html and 'name="view" value="full"' in html
    client.post("/view/", {"view": "full", "next": "https://evil.example/"})
    assert 'class="hits compact"' not in client.get("/").content.decode()
    assert client.get("/view/").status_code == 405
