"""The Atom feeds, read as a feed reader reads them (feedparser): valid,
with the elements RFC 4287 requires, a self link that is the URL asked
for, and the whole article in each entry."""

from __future__ import annotations

import time
from datetime import date
from urllib.parse import urlencode

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.encoding import iri_to_uri

from articles.models import Article, Tag

from ..factories import make_article, make_source

pytestmark = pytest.mark.django_db
ATOM = "http://www.w3.org/2005/Atom"


@pytest.fixture
def corpus():
    source = make_source(origin_url="https://example.com/o", published_on=date(2025, 1, 17))
    bear = make_article(
        "熊猫模型开源",
        [("", "导语：**熊猫**模型开源了。"), ("一、方法", "先训练。"), ("二、结果", "追上了。")],
        source=source,
        tags=["开源", "OpenAI"],
        byline="作者：张三",
    )
    undated = make_article(
        "日期不明的蒸馏文章", [("", "蒸馏。")], tags=["蒸馏"], date_known=False,
        published_on=date(2025, 2, 1),
    )  # fmt: skip
    make_article("隐藏的熊", [("", "熊。")], status=Article.Status.HIDDEN, tags=["开源"])
    return bear, undated


def read(client, path: str, params: dict | None = None):
    url = path + (f"?{urlencode(params, doseq=True)}" if params else "")
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content, sanitize_html=False)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    assert feed.version == "atom10"
    return feed, iri_to_uri(f"http://testserver{url}")


def assert_valid(feed, requested: str) -> None:
    """What RFC 4287 requires of a feed and of its entries."""
    head = feed.feed
    assert head.id and head.title and head.updated_parsed
    assert head.author_detail.name == "Newsroom"  # so entries need none of their own
    assert [link.href for link in head.links if link.rel == "self"] == [requested]
    assert [link for link in head.links if link.rel == "alternate"]
    for entry in feed.entries:
        assert entry.id and entry.title and entry.updated_parsed and entry.link
        assert entry.summary_detail.type == "text/html"
        (content,) = entry.content
        assert content.type == "text/html" and content.value


PATHS = [
    ("/feed/", None),
    ("/tags/{slug}/feed/", None),
    ("/feed/", {"q": "熊"}),
    ("/feed/", {"q": "熊", "tag": ["开源", "OpenAI"]}),
    ("/feed/", {"q": "没有这个词的文章"}),
    ("/feed/", {"q": "\x1b[31m熊\x00\x07", "tag": "开\x0b源"}),
    ("/tags/{slug}/feed/", {"q": "\x01\x02"}),
]


@pytest.mark.parametrize(("path", "params"), PATHS)
def test_every_feed_is_valid_atom_with_a_self_link_to_itself(client, corpus, path, params):
    path = path.format(slug=Tag.objects.get(name="开源").slug)
    feed, requested = read(client, path, params)
    assert_valid(feed, requested)


def test_a_search_feed_says_what_it_holds(client, corpus):
    bear, _ = corpus
    feed, url = read(client, "/feed/", {"q": "熊"})
    assert [e.title for e in feed.entries] == [bear.title]
    assert url == "http://testserver/feed/?q=%E7%86%8A"
    assert feed.feed.title == "熊 · Newsroom"
    assert feed.feed.link == "http://testserver/?q=%E7%86%8A"
    # Sent unencoded, as some clients do: the same feed, the same address.
    raw = feedparser.parse(client.get("/feed/?q=熊").content)
    assert raw.feed.links == feed.feed.links
    empty, _ = read(client, "/feed/", {"q": "没有这个词的文章"})
    assert empty.entries == [] and empty.feed.updated_parsed


def test_each_entry_holds_the_whole_sanitised_article(client, corpus):
    bear, _ = corpus
    feed, _ = read(client, "/feed/")
    entry = next(e for e in feed.entries if e.title == bear.title)
    lead, method, result = bear.sections.all()
    assert entry.content[0].value == (
        f"{lead.html}\n<h2>一、方法</h2>\n{method.html}\n<h2>二、结果</h2>\n{result.html}"
    )
    assert "<strong>熊猫</strong>" in lead.html  # the sanitiser's HTML, as the page shows it
    assert entry.link == f"http://testserver{bear.get_absolute_url()}"
    assert entry.id == entry.link
    assert entry.author == "作者：张三"
    assert [t.term for t in entry.tags] == ["OpenAI", "开源"]
    assert entry.published_parsed[:3] == (2025, 1, 17)
    assert entry.updated_parsed >= entry.published_parsed


def test_an_unknown_publication_date_is_not_published(client, corpus):
    _, undated = corpus
    feed, _ = read(client, "/feed/", {"q": "蒸馏"})
    (entry,) = feed.entries
    assert entry.title == undated.title
    assert "published" not in entry and entry.updated_parsed


def test_markup_in_the_content_cannot_escape_it(client):
    article = make_article(
        "<script>alert(1)</script>标题",
        [("<b>小节</b>", "<script>alert(2)</script> [x](javascript:alert(3)) \x1b[31m红]]>")],
        byline="<i>\x01作者</i>",
    )
    feed, _ = read(client, "/feed/")
    (entry,) = feed.entries
    assert entry.title == "<script>alert(1)</script>标题"  # text, escaped in the XML
    content = entry.content[0].value
    assert "<script>" not in content and "javascript:" not in content
    assert "<h2>&lt;b&gt;小节&lt;/b&gt;</h2>" in content
    assert entry.author == "<i>作者</i>"
    assert article.sections.get().html.replace("\x1b", "") in content


def test_a_feed_costs_the_same_queries_for_one_article_or_fifty(
    client, django_assert_max_num_queries
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/feed/", {"tag": "蒸馏"}).status_code == 200
        return len(ctx.captured_queries)

    sections = [("", "导语。"), ("一、方法", "正文" * 200), ("二、结果", "正文" * 200)]
    make_article("第一篇", sections, tags=["蒸馏", "开源"])
    few = queries()
    for i in range(60):
        make_article(f"第{i}篇", sections, tags=["蒸馏", f"t{i}"])
    assert queries() == few
    # The tag, the matches, the articles, the snippets' text, the tags, the
    # sections; PostgreSQL sets and resets the search's time limit.
    with django_assert_max_num_queries(6 + (4 if connection.vendor == "postgresql" else 0)):
        client.get("/feed/", {"tag": "蒸馏"})
    started = time.perf_counter()
    feed = feedparser.parse(client.get("/feed/", {"tag": "蒸馏"}).content)
    assert len(feed.entries) == 50
    assert time.perf_counter() - started < 2  # about 0.1 s here
