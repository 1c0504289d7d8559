from __future__ import annotations

import pytest
from django.urls import reverse

from articles.models import Article, ArticleTag, Tag

from ..factories import import_one
from ..rawfiles import ARTICLE_ONE, ARTICLE_TWO, chrome

pytestmark = pytest.mark.django_db
URL = "/api/search"


@pytest.fixture
def articles(tmp_path):
    path = tmp_path / "d.txt"
    path.write_text(chrome(f"{ARTICLE_ONE} {ARTICLE_TWO}"))
    import_one(path)
    zhipu, deepseek = Article.objects.order_by("position")
    tag = Tag.objects.create(name="开源")
    ArticleTag.objects.create(article=zhipu, tag=tag)
    return zhipu, deepseek


def test_it_returns_the_documented_shape(client, articles):
    zhipu, _ = articles
    response = client.get(URL, {"q": "智谱"})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1 and data["next"] is None
    (result,) = data["results"]
    assert set(result) == {
        "id", "url", "title", "subtitle", "published_on", "imported_on", "tags", "snippet"
    }  # fmt: skip
    assert result["id"] == zhipu.id
    assert result["url"] == "http://testserver" + zhipu.get_absolute_url()
    assert result["title"] == "智谱开源新模型"
    assert result["tags"] == ["开源"]
    # The file gave no date: the import day is not passed off as one.
    assert result["published_on"] is None
    assert result["imported_on"] == zhipu.published_on.isoformat()
    assert "<mark>智谱</mark>" in result["snippet"]
    assert client.get(result["url"]).status_code == 200


def test_a_traditional_chinese_query_finds_the_simplified_article(client, articles):
    zhipu, _ = articles
    data = client.get(URL, {"q": "智譜 開源", "tag": "開源"}).json()
    assert [r["id"] for r in data["results"]] == [zhipu.id]
    assert "<mark>智谱</mark>" in data["results"][0]["snippet"]


def test_it_filters_by_tag_and_pages_with_a_next_link(client, articles, monkeypatch):
    assert [r["title"] for r in client.get(URL, {"tag": "开源"}).json()["results"]] == [
        "智谱开源新模型"
    ]
    first = client.get(URL, {"q": "模型", "page": 1}).json()
    assert first["count"] == 2 and first["next"] is None
    monkeypatch.setattr("articles.search.listing.PAGE_SIZE", 1)
    page_one = client.get(URL, {"q": "模型"}).json()
    assert page_one["count"] == 2 and len(page_one["results"]) == 1
    assert "page=2" in page_one["next"]
    page_two = client.get(page_one["next"]).json()
    assert page_two["next"] is None
    assert page_two["results"][0]["id"] != page_one["results"][0]["id"]


def test_it_filters_by_digest_and_dates(client, articles):
    zhipu, _ = articles
    assert client.get(URL, {"digest": zhipu.source_id}).json()["count"] == 2
    assert client.get(URL, {"digest": zhipu.source_id + 1}).json()["count"] == 0
    day = zhipu.published_on.isoformat()
    assert client.get(URL, {"date_from": day, "date_to": day}).json()["count"] == 2
    assert client.get(URL, {"date_to": "2000-01-01"}).json()["count"] == 0


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "0"},
        {"page": "99999999999"},
        {"order": "random"},
        {"date_from": "x"},
    ],
)
def test_bad_parameters_get_a_400_not_a_500(client, params):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert "errors" in response.json()


@pytest.mark.parametrize("q", ['"', "NEAR(", "OR AND", "\x00", "x" * 10_000, "🤖", "-", "#"])
def test_hostile_queries_get_a_normal_answer(client, articles, q):
    assert client.get(URL, {"q": q}).status_code == 200


def test_only_get_is_allowed(client):
    assert client.post(URL).status_code == 405


def test_a_changed_slug_redirects_permanently(client, articles):
    zhipu, _ = articles
    response = client.get(reverse("article", kwargs={"pk": zhipu.pk, "slug": "old"}))
    assert response.status_code == 301 and response["Location"] == zhipu.get_absolute_url()
