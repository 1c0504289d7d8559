"""Editors fix splits: split, merge, move sections, headings and paragraphs."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from articles.editorial import editing
from articles.models import Article, ArticleTag, RemovedTag, Source, Tag, TagAlias
from articles.search import search

from ..factories import make_article

pytestmark = pytest.mark.django_db


def articles(source: Source) -> list[Article]:
    return list(source.articles.order_by("position"))


def headings(article: Article) -> list[str]:
    return list(article.sections.order_by("position").values_list("heading", flat=True))


def assert_contiguous(source: Source) -> None:
    assert [a.position for a in articles(source)] == list(range(1, source.articles.count() + 1))
    for article in articles(source):
        positions = list(article.sections.order_by("position").values_list("position", flat=True))
        assert positions == list(range(1, len(positions) + 1))


def test_split_makes_a_new_article_right_after(digest):
    zhipu, deepseek = articles(digest)
    assert headings(zhipu) == ["", "一、为什么要压缩缓存", "二、压缩方法的细节"]
    at = zhipu.sections.get(position=3)
    outcome = editing.split(at)
    zhipu, new, deepseek_after = articles(digest)
    assert deepseek_after == deepseek and deepseek_after.slug == deepseek.slug
    assert new.title == "二、压缩方法的细节" and new.edited and zhipu.edited
    assert headings(zhipu) == ["", "一、为什么要压缩缓存"]
    assert headings(new) == [""]  # the heading is the new title; its text is the lead
    assert "低秩矩阵" in new.sections.get().body
    # Links go with the text that holds them.
    assert list(new.links.values_list("url", flat=True)) == [
        "https://arxiv.org/abs/2501.00001",
        "https://github.com/example/glm-kv",
    ]
    # Spans follow: the new article starts at its heading in the raw text.
    raw = digest.raw_text
    assert zhipu.span_end == new.span_start
    assert raw[new.span_start :].startswith("二、压缩方法的细节")
    assert outcome.articles == [zhipu, new]
    assert_contiguous(digest)
    # The search index follows.
    assert [h.article for h in search("低秩矩阵").hits] == [new]


def test_split_at_the_first_section_is_refused(digest):
    zhipu, _ = articles(digest)
    with pytest.raises(editing.EditError):
        editing.split(zhipu.sections.get(position=1))


def test_merge_with_next_and_split_back(digest):
    zhipu, deepseek = articles(digest)
    slug = zhipu.slug
    editing.merge_with_next(zhipu)
    (merged,) = articles(digest)
    assert merged.pk == zhipu.pk and merged.slug == slug
    assert headings(merged) == [
        "", "一、为什么要压缩缓存", "二、压缩方法的细节",
        "DeepSeek-V3技术报告解读", "训练效率", "推理部署",
    ]  # fmt: skip
    assert not Article.objects.filter(pk=deepseek.pk).exists()
    assert (merged.span_start, merged.span_end) == (zhipu.span_start, deepseek.span_end)
    assert [h.article for h in search("损失尖峰").hits] == [merged]
    assert_contiguous(digest)

    editing.split(merged.sections.get(heading="DeepSeek-V3技术报告解读"))
    first, second = articles(digest)
    assert second.title == "DeepSeek-V3技术报告解读"
    assert headings(second) == ["", "训练效率", "推理部署"]
    assert digest.raw_text[second.span_start :].startswith("DeepSeek-V3技术报告解读")
    assert first.span_end == second.span_start == deepseek.span_start + len("#")
    assert_contiguous(digest)


def test_merging_the_last_article_is_refused(digest):
    _, deepseek = articles(digest)
    with pytest.raises(editing.EditError):
        editing.merge_with_next(deepseek)


def test_move_sections_between_neighbours(digest):
    zhipu, deepseek = articles(digest)
    last = zhipu.sections.get(position=3)
    editing.move_section(last, +1)
    zhipu, deepseek = articles(digest)
    assert headings(zhipu) == ["", "一、为什么要压缩缓存"]
    assert headings(deepseek) == ["二、压缩方法的细节", "", "训练效率", "推理部署"]
    assert zhipu.span_end == deepseek.span_start
    assert digest.raw_text[deepseek.span_start :].startswith("二、压缩方法的细节")
    assert [h.article for h in search("低秩矩阵").hits] == [deepseek]

    editing.move_section(deepseek.sections.get(position=1), -1)
    zhipu, deepseek = articles(digest)
    assert headings(zhipu) == ["", "一、为什么要压缩缓存", "二、压缩方法的细节"]
    assert zhipu.span_end == deepseek.span_start
    assert_contiguous(digest)


def test_only_edge_sections_move(digest):
    zhipu, deepseek = articles(digest)
    with pytest.raises(editing.EditError):
        editing.move_section(zhipu.sections.get(position=2), +1)
    with pytest.raises(editing.EditError):
        editing.move_section(zhipu.sections.get(position=1), -1)  # no previous article


def test_headings_and_paragraphs_turn_into_each_other(digest):
    zhipu, _ = articles(digest)
    section = zhipu.sections.get(position=2)
    editing.heading_to_paragraph(section)
    assert headings(zhipu) == ["", "二、压缩方法的细节"]
    lead = zhipu.sections.get(position=1)
    assert "一、为什么要压缩缓存" in lead.body and "一、为什么要压缩缓存" in lead.html
    paragraphs = editing.paragraphs_of(lead)
    index = next(i for i, p in enumerate(paragraphs) if "一、为什么要压缩缓存" in p)
    editing.paragraph_to_heading(lead, index)
    assert headings(zhipu) == ["", "一、为什么要压缩缓存", "二、压缩方法的细节"]
    restored = zhipu.sections.get(position=2)
    assert restored.anchor and "占满显存" in restored.html
    assert Article.objects.get(pk=zhipu.pk).edited
    assert_contiguous(digest)


def test_preview_shows_the_result_and_changes_nothing(digest):
    zhipu, deepseek = articles(digest)
    before = [(a.pk, a.position, headings(a)) for a in articles(digest)]
    shown = editing.preview(editing.split, zhipu.sections.get(position=3))
    assert [p.article.title for p in shown] == ["智谱开源新模型", "二、压缩方法的细节"]
    assert [s.heading for s in shown[1].sections] == [""]
    assert [(a.pk, a.position, headings(a)) for a in articles(digest)] == before
    assert [h.article for h in search("低秩矩阵").hits] == [zhipu]


def state(source: Source) -> dict:
    return {
        a.pk: (
            a.position,
            a.title,
            a.slug,
            headings(a),
            list(a.sections.order_by("position").values_list("body", flat=True)),
            sorted(a.tags.values_list("name", flat=True)),
        )
        for a in articles(source)
    }


def test_no_editor_change_is_lost_through_a_reparse(digest):
    zhipu, _ = articles(digest)
    editing.split(zhipu.sections.get(position=3))
    zhipu, new, deepseek = articles(digest)
    zhipu.title = "编辑改过的标题"
    zhipu.save()
    section = deepseek.sections.get(position=2)
    section.body = "编辑重写的段落。"
    section.save()
    ArticleTag.objects.create(article=new, tag=Tag.objects.create(name="编辑加的"))
    editing.heading_to_paragraph(zhipu.sections.get(position=2))
    for article in (zhipu, new, deepseek):  # what the admin does on every save
        Article.objects.filter(pk=article.pk).update(edited=True)
    before = state(digest)

    Source.objects.filter(pk=digest.pk).update(parser_version=0)
    out = StringIO()
    call_command("import_articles", "--reparse", stdout=out)
    assert state(digest) == before
    assert "编辑改过的标题" in out.getvalue()  # reported as left alone


def test_a_new_article_from_a_split_gets_only_the_tags_its_text_names():
    original = make_article(
        "OpenAI 与 Anthropic 的新模型",
        [
            ("", "OpenAI 发布了新模型 o3，智谱也跟进了。"),
            ("Anthropic 的回应", "Claude 的公司随后公布了 Claude 4。Zhipu 没有回应。"),
        ],
    )
    auto = {name: Tag.objects.create(name=name) for name in ["OpenAI", "Anthropic", "o3"]}
    for tag in auto.values():
        ArticleTag.objects.create(article=original, tag=tag, origin=ArticleTag.Origin.AUTO)
    zhipu = Tag.objects.create(name="智谱", automatic=False)
    TagAlias.objects.create(tag=zhipu, name="Zhipu")
    policy = Tag.objects.create(name="AI 政策", automatic=False)
    category = Tag.objects.create(name="大模型", automatic=False)
    for tag, origin in [
        (zhipu, ArticleTag.Origin.EDITOR),
        (policy, ArticleTag.Origin.EDITOR),
        (category, ArticleTag.Origin.FILE),
    ]:
        ArticleTag.objects.create(article=original, tag=tag, origin=origin)
    claude = Tag.objects.create(name="Claude")  # the text names it, the original lacks it
    RemovedTag.objects.create(article=original, tag=claude)
    before = sorted(original.tags.values_list("name", flat=True))

    editing.split(original.sections.get(position=2))

    original, new = articles(original.source)
    assert sorted(original.tags.values_list("name", flat=True)) == before  # kept as it was
    assert dict(new.articletag_set.values_list("tag__name", "origin")) == {
        "Anthropic": ArticleTag.Origin.AUTO,  # named in its title
        "智谱": ArticleTag.Origin.EDITOR,  # named by an alias, once
        "大模型": ArticleTag.Origin.FILE,  # the file's category holds the whole span
    }
    # An automatic tag the editor took off the original stays off the new one.
    assert new.removed_tags.filter(tag=claude).exists()
    call_command("retag", new.pk, stdout=StringIO())
    assert not new.tags.filter(name="Claude").exists()


def test_a_split_tags_only_by_the_rule_of_automatic_tagging():
    original = make_article(
        "OpenAI 发布新模型",
        [
            ("", "OpenAI 发布了新模型。"),
            ("其他消息", "另有消息。"),
            ("招聘", "据说 OpenAI 在招人。"),
        ],
    )
    ArticleTag.objects.create(
        article=original, tag=Tag.objects.create(name="OpenAI"), origin=ArticleTag.Origin.AUTO
    )
    editing.split(original.sections.get(position=2))
    _, new = articles(original.source)
    # Named once, past its lead: a passing mention, which automatic tagging
    # does not tag.
    assert list(new.tags.all()) == []


def test_the_preview_of_a_split_says_which_article_is_new_and_its_tags():
    original = make_article(
        "OpenAI 与 Anthropic", [("", "OpenAI 的消息。"), ("Anthropic 的回应", "正文。")]
    )
    for name in ["OpenAI", "Anthropic"]:
        ArticleTag.objects.create(
            article=original, tag=Tag.objects.create(name=name), origin=ArticleTag.Origin.AUTO
        )
    shown = editing.preview(editing.split, original.sections.get(position=2))
    assert [(p.article.title, p.new, p.tags) for p in shown] == [
        ("OpenAI 与 Anthropic", False, ["Anthropic", "OpenAI"]),
        ("Anthropic 的回应", True, ["Anthropic"]),
    ]
