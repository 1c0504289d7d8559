"""Tags index, digests, feeds and the interface language."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.urls import reverse

from articles.models import Article, Tag

from ..factories import make_article, make_source

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def corpus():
    digest = make_source(
        "digest-0117",
        origin_url="https://example.com/original",
        page_url="https://mirror.example/page/1",
        published_on=date(2025, 1, 17),
    )
    one = make_article("第一篇：蒸馏", [("", "蒸馏。")], source=digest, tags=["蒸馏", "OpenAI"])
    two = make_article("第二篇：开源", [("", "开源。")], source=digest, tags=["OpenAI"])
    make_article("隐藏", source=digest, tags=["OpenAI", "只在隐藏文章上"], status="hidden")
    other = make_article("另一期", [("", "蒸馏。")], tags=["蒸馏"], published_on=date(2024, 5, 1))
    return digest, one, two, other


def test_the_tags_index_counts_published_articles(client, corpus):
    response = client.get("/tags/")
    assert response.status_code == 200
    html = response.content.decode()
    counts = {t.name: t.n for t in response.context["tags"]}
    assert counts == {"OpenAI": 2, "蒸馏": 2}
    assert f'href="{Tag.objects.get(name="OpenAI").get_absolute_url()}"' in html
    assert "2 篇文章" in html and "只在隐藏文章上" not in html


def test_the_digest_list_and_page(client, corpus):
    digest, one, two, other = corpus
    html = client.get("/digests/").content.decode()
    assert f'href="{digest.get_absolute_url()}">example.com · 2025年1月17日</a>' in html
    assert "digest-0117" not in html
    assert "2 篇文章" in html  # the hidden one is not counted
    response = client.get(digest.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(one.title) < html.index(two.title) and "隐藏" not in html
    assert 'href="https://example.com/original"' in html
    assert 'href="https://mirror.example/page/1"' in html
    assert "2025年1月17日" in html
    assert f'href="/?digest={digest.pk}"' in html
    assert client.get("/digests/999999/").status_code == 404
    assert client.get("/digests/", {"page": "x"}).status_code == 200


def entries(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return [e.find(f"{ATOM}title").text for e in feed.iter(f"{ATOM}entry")]


def test_feeds_of_everything_a_tag_and_a_search(client, corpus):
    _, one, two, other = corpus
    assert entries(client.get("/feed/")) == [two.title, one.title, other.title]
    openai = Tag.objects.get(name="OpenAI")
    assert entries(client.get(reverse("tag-feed", args=[openai.slug]))) == [two.title, one.title]
    assert entries(client.get("/feed/", {"q": "蒸馏"})) == [one.title, other.title]
    assert entries(client.get("/feed/", {"q": "蒸馏", "tag": "OpenAI"})) == [one.title]
    assert client.get("/feed/", {"page": "x"}).status_code == 404
    assert client.get("/tags/nope/feed/").status_code == 404


def test_feeds_are_advertised(client, corpus):
    html = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html
    html = client.get("/", {"q": "蒸馏", "page": 2}).content.decode()
    assert 'href="/feed/?q=%E8%92%B8%E9%A6%8F"' in html


def test_the_interface_is_chinese_by_default_and_english_on_request(client, corpus):
    _, one, _, _ = corpus
    chinese = client.get(one.get_absolute_url()).content.decode()
    assert '<html lang="zh-hans">' in chinese and "跳到正文" in chinese
    assert "2025年1月17日" in chinese
    english = client.get(one.get_absolute_url(), headers={"Accept-Language": "en-US,en;q=0.8"})
    html = english.content.decode()
    assert '<html lang="en">' in html and "Skip to content" in html
    assert "Jan. 17, 2025" in html and "1 min read" in html
    assert "Accept-Language" in english["Vary"]


def test_the_language_switcher_remembers_the_choice(client, corpus):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/tags/"})
    assert response.status_code == 302 and response["Location"] == "/tags/"
    assert "Tags" in client.get("/tags/").content.decode()
    assert '<option value="en" lang="en" selected>English</option>' in (
        client.get("/").content.decode()
    )


def test_hidden_articles_stay_out_of_every_page(client, corpus):
    hidden = Article.objects.get(title="隐藏")
    for url in ["/", "/tags/", "/digests/", "/feed/", hidden.source.get_absolute_url()]:
        assert "隐藏" not in client.get(url).content.decode(), url
