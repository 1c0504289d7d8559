"""One article however many times it was scraped."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles.ingest import dedupe
from articles.models import Appearance, Article, Source

from ..conftest import NO_SHARED, PROJECT_SAMPLES, SHARED_EXAMPLE
from ..factories import import_one
from ..rawfiles import ARTICLE_ONE, ARTICLE_TWO, chrome

pytestmark = pytest.mark.django_db


def test_normalised_text_ignores_what_mirrors_mangle():
    a = "OpenAI 的新模型，GPT-4o 来了！"
    assert dedupe.fingerprint(a) == dedupe.fingerprint("openai的#xff0c;新模型 GPT4o来了")
    assert dedupe.fingerprint(a) != dedupe.fingerprint("OpenAI 的旧模型，GPT-4o 来了！")


EXAMPLES = [
    pytest.param(PROJECT_SAMPLES / "001_demo_reasoning_models.txt", id="project-sample"),
    pytest.param(
        SHARED_EXAMPLE,
        id="shared-example",
        marks=pytest.mark.skipif(not SHARED_EXAMPLE.exists(), reason=NO_SHARED),
    ),
]


@pytest.mark.parametrize("example", EXAMPLES)
def test_a_digest_from_two_mirrors_is_stored_once_with_two_sources(example, tmp_path, client):
    text = example.read_text(encoding="utf-8")
    lines = text.splitlines()
    # A second mirror: its own SEO title, keyword line and page URL around the
    # same articles.
    keywords = next(line for line in lines if "我自己的原文哦~" in line).split("我自己的原文哦~")[0]
    page_url = next(line for line in lines if line.startswith("http://www."))
    other = (
        text.replace(keywords, "上海小程序开发,2025年推广方案,代运营服务")
        .replace(lines[2], "上海小程序开发公司排行")
        .replace(page_url, "http://www.other-mirror.example.net/a/98765/")
    )
    second = tmp_path / "mirror2.txt"
    second.write_text(other, encoding="utf-8")
    first = import_one(example)
    again = import_one(second)
    assert first.articles >= 3 and again.status == "imported" and again.articles == 0
    assert Source.objects.count() == 2 and Article.objects.count() == first.articles
    mirror = Source.objects.get(filename="mirror2.txt")
    for article in Article.objects.all():
        assert Appearance.objects.filter(article=article, source=mirror).count() == 1
    # The second digest's page lists them too, in its own order.
    html = client.get(reverse("digest", args=[mirror.pk])).content.decode()
    titles = list(Article.objects.order_by("position").values_list("title", flat=True))
    assert [html.index(t) for t in titles] == sorted(html.index(t) for t in titles)
    # And an article says where else it appeared.
    article = Article.objects.get(position=1)
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{mirror.get_absolute_url()}"' in page


def long_article(title: str, paragraphs: list[str]) -> str:
    return f"#{title} 副标题在这里 " + " ".join(paragraphs)


PARAGRAPHS = [
    f"第{i}段说的是模型在第{i}个基准上的表现以及研究团队对第{i}个问题的分析和改进方法。"
    for i in range(1, 13)
]


def test_a_copy_with_a_paragraph_cut_is_a_hidden_near_duplicate(tmp_path, client, eve):
    original = tmp_path / "a.txt"
    original.write_text(chrome(long_article("模型评测报告", PARAGRAPHS)))
    import_one(original)
    cut = tmp_path / "b.txt"
    cut.write_text(
        chrome(
            long_article("模型评测报告", PARAGRAPHS[:5] + PARAGRAPHS[6:]),
            page="http://m2.example/1",
        )
    )
    import_one(cut)
    first, copy = Article.objects.order_by("id")
    assert copy.duplicate_of == first and copy.status == Article.Status.HIDDEN
    assert [
        h.article
        for h in __import__("articles.search", fromlist=["search"]).search("评测报告").hits
    ] == [first]
    # An editor says it is not a duplicate after all.
    client.force_login(eve)
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "not_a_duplicate", "_selected_action": [copy.pk]},
    )
    copy.refresh_from_db()
    assert copy.duplicate_of is None and copy.status == Article.Status.PUBLISHED and copy.edited


def test_a_different_article_on_the_same_topic_is_not_a_duplicate(tmp_path):
    one = tmp_path / "a.txt"
    one.write_text(chrome(f"{ARTICLE_ONE} {ARTICLE_TWO}"))
    import_one(one)
    other = [p.replace("模型", "芯片").replace("基准", "功耗") for p in PARAGRAPHS]
    two = tmp_path / "b.txt"
    two.write_text(chrome(long_article("智谱开源新模型的芯片版", other)))
    import_one(two)
    assert Article.objects.filter(duplicate_of__isnull=False).count() == 0
    assert Article.objects.filter(status=Article.Status.PUBLISHED).count() == 3
