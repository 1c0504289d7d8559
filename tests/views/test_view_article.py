"""The article page: permalink, contents, links, neighbours, sharing."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article

from ..factories import make_article, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def digest():
    """Four articles of one digest; the third is hidden."""
    source = make_source(
        "digest-0117", origin_url="https://example.com/o", page_url="https://m.example/p"
    )
    first = make_article("第一篇", [("", "开头。")], source=source, tags=["OpenAI"])
    main = make_article(
        "OpenAI 的蒸馏实验",
        [
            ("", "导语：OpenAI 用蒸馏训练了小模型。"),
            ("一、训练方法", "先训练**大模型**。"),
            ("二、评测结果", "小模型追上了大模型。"),
        ],
        source=source,
        subtitle="小模型也能推理",
        tags=["OpenAI", "蒸馏"],
        links=[
            "https://arxiv.org/abs/2412.19437v2",
            "https://github.com/deepseek-ai/DeepSeek-V3",
            "https://example.com/blog",
        ],
    )
    make_article("隐藏的一篇", source=source, status=Article.Status.HIDDEN)
    last = make_article("第四篇", source=source)
    related = make_article("另一期的蒸馏文章", tags=["蒸馏", "OpenAI"])
    return first, main, last, related


def page(client, article: Article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_article_with_its_meta(client, digest):
    _, main, _, _ = digest
    html = page(client, main)
    assert "<h1>OpenAI 的蒸馏实验</h1>" in html
    assert '<p class="subtitle">小模型也能推理</p>' in html
    assert 'datetime="2025-01-17">2025年1月17日</time>' in html
    assert f'href="{main.source.get_absolute_url()}">example.com · 导入于 ' in html
    assert "digest-0117" not in html
    assert "阅读约 1 分钟" in html
    assert "<strong>大模型</strong>" in html  # the cached, sanitised HTML
    assert re.search(r'href="/tags/[^"]+/">#蒸馏</a>', html)


def test_a_changed_slug_redirects_permanently(client, digest):
    _, main, _, _ = digest
    response = client.get(f"/articles/{main.pk}/old-slug/")
    assert response.status_code == 301 and response["Location"] == main.get_absolute_url()


def test_hidden_and_missing_articles_are_404(client, digest):
    hidden = Article.objects.get(title="隐藏的一篇")
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get("/articles/999999/x/").status_code == 404


def test_the_table_of_contents_links_to_each_section(client, digest):
    _, main, _, _ = digest
    html = page(client, main)
    anchors = [s.anchor for s in main.sections.exclude(heading="")]
    assert len(anchors) == 2
    for anchor, heading in zip(anchors, ["一、训练方法", "二、评测结果"], strict=True):
        assert f'<li><a href="#{anchor}">{heading}</a></li>' in html
        assert f'<section id="{anchor}"' in html
        assert f'<a class="anchor" href="#{anchor}"' in html


def test_links_are_grouped_as_papers_code_and_references(client, digest):
    _, main, _, _ = digest
    html = page(client, main)
    papers, code, refs = (
        html.index(h) for h in ("<h3>论文</h3>", "<h3>代码</h3>", "<h3>参考</h3>")
    )
    assert papers < html.index(">arXiv:2412.19437</a>") < code
    assert code < html.index(">deepseek-ai/DeepSeek-V3</a>") < refs
    assert refs < html.index(">example.com</a>")


def test_previous_and_next_skip_hidden_articles(client, digest):
    first, main, last, _ = digest
    html = page(client, main)
    assert f'<a rel="prev" href="{first.get_absolute_url()}">' in html
    assert f'<a rel="next" href="{last.get_absolute_url()}">' in html
    assert 'rel="prev"' not in page(client, first)
    assert f'<a rel="prev" href="{main.get_absolute_url()}">' in page(client, last)


def test_related_articles_share_tags(client, digest):
    first, main, _, related = digest
    html = page(client, main)
    block = html[html.index('class="related"') :]
    assert related.title in block and first.title in block
    assert block.index(related.title) < block.index(first.title)  # two shared tags before one
    assert main.title not in block


def test_sharing_meta_and_canonical_url(client, digest):
    _, main, _, _ = digest
    html = page(client, main)
    url = f"http://testserver{main.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:title" content="OpenAI 的蒸馏实验">' in html
    assert '<meta property="og:site_name" content="Newsroom">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    description = re.search(r'<meta property="og:description" content="([^"]*)">', html)[1]
    assert htmllib.unescape(description).startswith("小模型也能推理 导语：OpenAI 用蒸馏")
    assert "data-copy-link" in html and "data-share" in html
    assert "sessionid" not in html and "csrftoken" not in url


def test_content_cannot_inject_markup(client):
    article = make_article(
        "<script>alert(1)</script>标题",
        [
            (
                "<b>小节</b>",
                "<script>alert(2)</script> [x](javascript:alert(3)) <img src=x onerror=y>",
            )
        ],
    )
    html = page(client, article)
    assert "<script>alert" not in html
    assert 'href="javascript' not in html and "<img" not in html  # only escaped text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;标题" in html


def test_staff_see_an_edit_link(client, digest, alice, eve):
    _, main, _, _ = digest
    edit = f'href="/admin/articles/article/{main.pk}/change/"'
    assert edit not in page(client, main)
    client.force_login(alice)
    assert edit not in page(client, main)
    client.force_login(eve)
    assert edit in page(client, main)


def test_the_query_count_does_not_grow_with_sections_links_and_tags(client):
    def queries(article: Article) -> int:
        with CaptureQueriesContext(connection) as ctx:
            page(client, article)
        return len(ctx.captured_queries)

    small = make_article("小", [("", "一段。")], tags=["a"], links=["https://a.example/"])
    source = make_source()
    for i in range(8):
        make_article(f"同期{i}", source=source, tags=["a", "b", "c"])
    big = make_article(
        "大",
        [("", "导语。")] + [(f"第{i}节", f"正文{i}。") for i in range(12)],
        source=source,
        tags=["a", "b", "c", "d"],
        links=[f"https://arxiv.org/abs/2401.0000{i}" for i in range(6)],
    )
    # the content version (caching), article, tags, links, sections, digest
    # neighbours, related (2), the other digests it appeared in
    assert queries(small) == queries(big) == 9
