from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from articles.models import Article, ArticleTag, Link, RemovedTag, Section, Source, Tag, TagAlias

from ..factories import import_one
from ..rawfiles import ARTICLE_ONE, chrome

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(tmp_path):
    (tmp_path / "one.txt").write_text(chrome(ARTICLE_ONE))
    import_one(tmp_path / "one.txt")
    return Article.objects.get()


@pytest.mark.parametrize("model", ["source", "article", "tag"])
def test_every_model_has_a_changelist_and_a_search(client, eve, article, model):
    Tag.objects.create(name="OpenAI")
    client.force_login(eve)
    response = client.get(reverse(f"admin:articles_{model}_changelist"), {"q": "智谱"})
    assert response.status_code == 200


def test_the_article_page_shows_its_sections_inline(client, eve, article):
    client.force_login(eve)
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    assert "一、为什么要压缩缓存" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-hans", ["发布日期", "经编辑修改", "已发布", "小标题", "正文（Markdown）", "新闻"]),
        ("en", ["Published on", "Edited by an editor", "published", "Heading", "Body (Markdown)"]),
    ],
)
def test_the_article_form_speaks_the_editors_language(client, eve, article, language, words):
    client.force_login(eve)
    url = reverse("admin:articles_article_change", args=[article.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    for word in words:
        assert word in html


def test_the_source_page_shows_its_raw_text_and_articles(client, eve, article):
    client.force_login(eve)
    response = client.get(reverse("admin:articles_source_change", args=[article.source_id]))
    assert response.status_code == 200
    assert "我自己的原文哦" in response.content.decode()


def test_tags_autocomplete_in_the_article_form(client, eve, article):
    Tag.objects.create(name="智谱")
    client.force_login(eve)
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "智", "app_label": "articles", "model_name": "articletag", "field_name": "tag"},
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["text"] == "智谱"


def test_saving_in_the_admin_marks_the_article_as_edited(client, eve, article):
    client.force_login(eve)
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(title="编辑改过的标题", published_on=article.published_on.isoformat())
    for inline in client.get(url).context["inline_admin_formsets"]:
        fs = inline.formset
        data.update({f"{fs.prefix}-{k}": v for k, v in fs.management_form.initial.items()})
        for i, f in enumerate(fs.forms):
            for name, field in f.fields.items():
                value = f.initial.get(name, field.initial)
                if value is not None:
                    data[f"{fs.prefix}-{i}-{name}"] = getattr(value, "pk", value)

    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    article.refresh_from_db()
    assert article.title == "编辑改过的标题" and article.edited


def test_a_reader_cannot_reach_the_admin(client, alice):
    client.force_login(alice)
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 302


def test_section_html_follows_its_markdown():
    source = Source.objects.create(
        sha256="0" * 64, filename="x", size=1, raw_text="x", encoding="utf-8", parser_version=1
    )
    article = Article.objects.create(
        source=source, position=1, title="t", slug="t", published_on="2025-01-01",
        span_start=0, span_end=1,
    )  # fmt: skip
    section = Section.objects.create(article=article, position=1, heading="小结", body="*重要*")
    assert section.html == "<p><em>重要</em></p>" and section.anchor == "小结"


def test_every_review_reason_shows_in_the_editors_language():
    from django.utils import translation

    from articles.editorial.admin import describe_reason
    from articles.ingest import parsing, review
    from articles.ingest.reasons import ParseWarning, Reason, Warn

    def parsed(title: str, sections: list, subtitle: str = "") -> parsing.Article:
        return parsing.Article(title, subtitle, sections, [], 0, 0)

    lead = parsing.Section("", ["导语。"])
    unsure = [
        parsed("智谱开源的", [parsing.Section("一、背景", ["正文。" * 60])], subtitle="副标题与"),
        parsed("标题", [lead, parsing.Section("", ["很长的正文。" * 2000])]),
        parsed("标题", [lead]),
        parsed("标题", [parsing.Section("", ["长段落，" * 20, "像个小标题", "长段落。" * 20])]),
    ]
    nul = ParseWarning(Warn.NUL_REPLACED, {"n": 1})
    found = [r for a in unsure for r in review.reasons(a, [nul])]
    found += [{"code": "no_structure"}, {"code": "title_from_text"}]  # the parser's own
    assert {r["code"] for r in found} == set(Reason)  # every kind there is
    with translation.override("en"):
        english = {describe_reason(r) for r in found}
    assert {"title looks cut", "very long (12,003 characters)", "no structure found"} <= english
    with translation.override("zh-hans"):
        described = {describe_reason(r) for r in found}
    assert "标题似乎被截断" in described and "解析器：替换了 1 个 NUL 字符" in described
    assert not described & english  # none left in English
    assert len(described) == len(english)
    # A reason stored by an older version, with the parser's English only.
    old = {"code": "parser_warning", "warning": "1 NUL character(s) replaced"}
    with translation.override("zh-hans"):
        assert describe_reason(old) == "解析器：1 NUL character(s) replaced"


def test_every_parser_warning_shows_in_the_editors_language():
    from django.utils import translation

    from articles.editorial.admin import describe_warning
    from articles.ingest.reasons import ParseWarning, Warn

    params = {"n": 1234, "codec": "gb18030", "date": "2025年2月30日", "title": "空文章"}
    warnings = [ParseWarning(code, params) for code in Warn]
    with translation.override("en"):
        english = [describe_warning(w.stored()) for w in warnings]
    with translation.override("zh-hans"):
        chinese = [describe_warning(w.stored()) for w in warnings]

    assert english[2] == "1,234 invalid byte sequences in gb18030 replaced"
    assert all(c != e for c, e in zip(chinese, english, strict=True))  # each translated
    assert chinese[3] == "忽略了不可能的发布日期“2025年2月30日”"
    assert describe_warning("an English line from an older import") == (
        "an English line from an older import"
    )
    assert describe_warning({"code": "unknown"}) == "{'code': 'unknown'}"


def test_the_review_queue_gives_its_reasons_in_chinese(client, eve, article):
    article.review_reasons = [{"code": "title_cut"}, {"code": "very_short", "n": 120}]
    article.save()
    client.force_login(eve)
    page = client.get(reverse("admin:articles_article_changelist"), {"review": "needed"})
    assert "标题似乎被截断; 过短（120 字）" in page.content.decode()
    form = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "标题似乎被截断" in form.content.decode()


def test_a_lead_section_is_named_in_the_editors_language():
    from django.utils import translation

    lead = Section(heading="", body="导语。")
    with translation.override("zh-hans"):
        assert str(lead) == "（导语）"
    with translation.override("en"):
        assert str(lead) == "(lead)"
    assert str(Section(heading="一、背景")) == "一、背景"


def test_the_admin_says_whose_it_is_in_the_editors_language(client, eve):
    client.force_login(eve)
    page = client.get("/admin/").content.decode()
    assert "Newsroom 编辑部" in page and "Django 管理" not in page
    english = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Newsroom editorial" in english


class _HeaderCells(HTMLParser):
    """The text of every table header cell, hidden ones too; the cells that
    head a row of data (class ``field-…``: an article's title) are left out."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        if tag == "th":
            classes = (dict(attrs).get("class") or "").split()
            self._inside = not any(c.startswith("field-") for c in classes)
            if self._inside:
                self.cells.append("")

    def handle_endtag(self, tag):
        if tag == "th":
            self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.cells[-1] += data


def header_cells(html: str) -> list[str]:
    parser = _HeaderCells()
    parser.feed(html)
    return [" ".join(cell.split()) for cell in parser.cells]


def test_header_cells_are_read_with_hidden_ones_and_without_data():
    html = (
        '<table><thead class="visually-hidden"><tr><th scope="col">Model name</th></tr></thead>'
        '<tr><th class="field-title"><a href="#">DeepSeek</a></th><td>x</td></tr></table>'
    )
    assert header_cells(html) == ["Model name"]


def test_no_table_header_of_the_admin_is_left_in_english(client, eve, article):
    openai = Tag.objects.create(name="OpenAI")
    TagAlias.objects.create(tag=openai, name="OAI")
    ArticleTag.objects.create(article=article, tag=openai)
    RemovedTag.objects.create(article=article, tag=openai)
    Link.objects.get_or_create(article=article, url="https://arxiv.org/abs/2501.00001")
    client.force_login(eve)  # a superuser: every app and model is listed
    pages = [
        reverse("admin:index"),
        *(reverse(f"admin:articles_{m}_changelist") for m in ["article", "source", "tag"]),
        reverse("admin:articles_removedtag_changelist"),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_source_change", args=[article.source_id]),
        reverse("admin:articles_tag_change", args=[openai.pk]),
        reverse("admin:articles_tag_add"),
    ]
    english = {}
    for page in pages:
        html = client.get(page, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        cells = header_cells(html)
        assert cells, page
        if left := [cell for cell in cells if re.search(r"[A-Za-z]{2,}", cell)]:
            english[page] = left
    assert english == {}


def test_a_sources_warnings_show_in_the_editors_language(client, eve):
    source = Source.objects.create(
        sha256="1" * 64, filename="w.txt", size=1, raw_text="x", encoding="utf-8",
        parser_version=1, warnings=[{"code": "nul_replaced", "n": 2}, "an older English line"],
    )  # fmt: skip
    client.force_login(eve)

    html = client.get(reverse("admin:articles_source_change", args=[source.pk])).content.decode()

    assert "替换了 2 个 NUL 字符; an older English line" in html
