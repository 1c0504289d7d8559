"""Automatic tags from the shipped vocabulary; papers and code."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from articles import search
from articles.ingest import importer
from articles.ingest.tagging import MIN_MENTIONS, Tagger
from articles.models import Article, ArticleTag, Link, RemovedTag, Tag, TagAlias, remove_tag

from ..conftest import FIXTURES, NO_SHARED, PROJECT_SAMPLES, SHARED_EXAMPLE
from ..factories import import_one, make_article

# -- the rules (no database) ----------------------------------------------------

TAGGER = Tagger(
    [
        ("o1", ["OpenAI o1"]),
        ("o1-mini", []),
        ("Claude 3.5 Opus", ["Opus 3.5", "Claude Opus 3.5"]),
        ("Claude", []),
        ("阶跃星辰", ["StepFun"]),
        ("星辰", []),
        ("蒸馏", ["distillation"]),
    ]
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("OpenAI o1 和 o1-mini", {"o1": 1, "o1-mini": 1}),
        ("o10 与 Po1 与 o1x 不是", {}),
        ("O1 很强", {"o1": 1}),
        ("Claude Opus 3.5、Opus 3.5 与 Claude 3.5 Opus", {"Claude 3.5 Opus": 3}),
        ("Claude  3.5   Opus 的空格", {"Claude 3.5 Opus": 1}),
        ("Claude 很强", {"Claude": 1}),
        ("阶跃星辰（StepFun）不是星辰大海", {"阶跃星辰": 2, "星辰": 1}),
        ("ＳｔｅｐＦｕｎ 全角", {"阶跃星辰": 1}),
        ("Distillation 与蒸馏", {"蒸馏": 2}),
        # Traditional characters name the Simplified tag (a Traditional post).
        ("階躍星辰發佈的蒸餾模型", {"阶跃星辰": 1, "蒸馏": 1}),
    ],
)
def test_names_match_as_the_rules_say(text, found):
    assert dict(TAGGER.mentions(text)) == found


def test_a_passing_mention_does_not_tag():
    body = "正文里顺便提到 StepFun 一次。" + "其他内容。" * 20
    assert TAGGER.tags("标题", "", "导语", body) == []
    assert TAGGER.tags("阶跃星辰发布新模型", "", "导语", body) == ["阶跃星辰"]
    assert TAGGER.tags("标题", "副标题说到 o1", "导语", body) == ["o1"]
    often = "阶跃星辰说。" * MIN_MENTIONS
    assert TAGGER.tags("标题", "", "导语", often) == ["阶跃星辰"]
    assert TAGGER.tags("标题", "", "导语", "阶跃星辰说。" * (MIN_MENTIONS - 1)) == []


# -- in the database, with the shipped vocabulary ----------------------------------


@pytest.mark.django_db
@pytest.mark.vocabulary
def test_the_vocabulary_ships_a_few_hundred_tags_with_aliases():
    assert Tag.objects.count() >= 200 and TagAlias.objects.count() >= 200
    assert Tag.objects.named("StepFun").get().name == "阶跃星辰"
    assert Tag.objects.named("Opus 3.5").get() == Tag.objects.named("Claude Opus 3.5").get()
    assert set(Tag.objects.values_list("kind", flat=True)) == {
        "org",
        "model",
        "person",
        "venue",
        "topic",
    }


# What each article of the shared example and of the project's samples must
# get and must not get (read from the articles, not from the tagger).
EXPECTED_SHARED = {
    "GPT-5、 Opus 3.5为何迟迟不发": (
        {"OpenAI", "Anthropic", "GPT-5", "Claude 3.5 Opus", "知识蒸馏"},
        {"游戏AI", "o1-mini", "Claude"},
    ),
    "豆包Kimi通义现身搅动江湖": ({"豆包", "逆水寒", "网易", "游戏AI"}, {"Claude 3.5 Opus"}),
    "Multi-matrix Factorization Attention": ({"KV Cache", "注意力机制", "阶跃星辰"}, {"OpenAI"}),
    "2025 AAAI Fellow公布": ({"AAAI", "熊辉", "陈一昕", "香港科技大学"}, {"OpenAI"}),
    "OpenAI可能已经突破": ({"OpenAI", "o3", "o1", "强化学习"}, {"GPT-5"}),
    "Uni-AdaFocus": ({"Uni-AdaFocus", "TPAMI"}, {"OpenAI"}),
}
EXPECTED_PROJECT = {
    "阶跃星辰发布Step-2推理版": ({"阶跃星辰", "Step-2", "强化学习"}, {"星辰"}),
    "DeepSeek-R1开源": ({"DeepSeek", "DeepSeek-R1", "开源", "知识蒸馏"}, {"麻省理工学院"}),
    "OpenAI 推出 Operator 智能体": ({"OpenAI", "Operator", "智能体"}, {"o1"}),
    "苹果暂停AI新闻摘要功能": ({"苹果", "AI新闻摘要"}, {"OpenAI"}),
    "清华团队发布具身智能数据集": ({"清华大学", "具身智能", "数据集"}, {"OpenAI"}),
}


def assert_tagged(paths: list, expected: dict) -> None:
    # Tagged in the worker processes, as the import command runs.
    results = list(importer.import_files(paths, workers=2))
    assert {r.status for r in results} == {"imported"}
    for title_start, (must, must_not) in expected.items():
        article = Article.objects.get(title__startswith=title_start[:12])
        tags = set(article.tags.values_list("name", flat=True))
        assert must <= tags, (article.title, must - tags)
        assert not (must_not & tags), (article.title, must_not & tags)
        assert set(ArticleTag.objects.filter(article=article).values_list("origin", flat=True)) == {
            "auto"
        }


@pytest.mark.django_db
@pytest.mark.vocabulary
def test_the_project_samples_get_the_tags_they_are_about():
    assert_tagged(sorted(PROJECT_SAMPLES.glob("*.txt")), EXPECTED_PROJECT)


@pytest.mark.django_db
@pytest.mark.vocabulary
@pytest.mark.skipif(not SHARED_EXAMPLE.exists(), reason=NO_SHARED)
def test_the_shared_example_gets_the_tags_it_is_about():
    assert_tagged([SHARED_EXAMPLE], EXPECTED_SHARED)


@pytest.mark.django_db
@pytest.mark.vocabulary
def test_retag_keeps_editor_tags_and_never_puts_back_a_removed_one():
    article = make_article("阶跃星辰发布 Step-2", [("", "阶跃星辰的新模型。")])
    own = Tag.objects.create(name="编辑加的")
    ArticleTag.objects.create(article=article, tag=own)  # an editor's
    call_command("retag", stdout=StringIO())
    assert set(article.tags.values_list("name", flat=True)) == {"阶跃星辰", "Step-2", "编辑加的"}
    remove_tag(article, Tag.objects.get(name="阶跃星辰"))
    assert RemovedTag.objects.filter(article=article).count() == 1
    out = StringIO()
    call_command("retag", stdout=out)
    assert set(article.tags.values_list("name", flat=True)) == {"Step-2", "编辑加的"}
    assert "articles" in out.getvalue()
    # An automatic tag the text no longer supports goes; the editor's stays.
    article.title = "另一个标题"
    article.save()
    call_command("retag", str(article.pk), stdout=StringIO())
    assert set(article.tags.values_list("name", flat=True)) == {"编辑加的"}


@pytest.mark.django_db
@pytest.mark.vocabulary
def test_a_new_tag_is_found_on_the_next_import_and_by_retag(tmp_path):
    from ..rawfiles import ARTICLE_ONE, chrome

    article = make_article("新公司 Foobarium 发布模型", [("", "正文。")])
    tag = Tag.objects.create(name="Foobarium", kind="org")
    call_command("retag", stdout=StringIO())
    assert list(article.tags.all()) == [tag]
    path = tmp_path / "d.txt"
    path.write_text(chrome(ARTICLE_ONE.replace("智谱开源新模型", "智谱与Foobarium开源新模型")))
    import_one(path)
    assert Tag.objects.get(name="Foobarium").articles.count() == 2


@pytest.mark.django_db
def test_papers_and_code_are_first_class(client, tmp_path):
    paper = make_article(
        "有论文的文章",
        links=["https://arxiv.org/pdf/2412.19437v1", "https://github.com/a/b"],
        tags=["模型"],
    )
    make_article("没有论文的文章", links=["https://example.com/"], tags=["模型"])
    kinds = dict(paper.links.values_list("kind", "label"))
    assert kinds == {"paper": "arXiv:2412.19437", "code": "a/b"}
    assert Link.objects.get(url="https://example.com/").kind == "reference"

    def titles(**query) -> list[str]:
        return [h.article.title for h in client.get("/", query).context["results"].hits]

    assert titles(paper="1") == ["有论文的文章"]
    assert titles(code="1") == ["有论文的文章"]
    assert len(titles()) == 2
    tag_page = client.get(Tag.objects.get(name="模型").get_absolute_url()).content.decode()
    assert "1 篇关于 #模型 的论文" in tag_page and ">arXiv:2412.19437</a>" in tag_page


@pytest.mark.django_db
def test_a_tag_pages_papers_follow_the_listing_each_paper_once():
    newer = make_article(
        "较新的文章",
        links=[
            "https://github.com/a/b",
            "https://arxiv.org/abs/2501.00002",
            "https://arxiv.org/abs/2501.00001",
        ],
    )
    older = make_article(
        "较旧的文章",
        links=["https://arxiv.org/pdf/2501.00002v2", "https://arxiv.org/abs/2501.00003"],
    )
    papers = search.papers_of([newer.id, older.id])
    assert [(p.label, p.article.title) for p in papers] == [
        ("arXiv:2501.00002", "较新的文章"),
        ("arXiv:2501.00001", "较新的文章"),
        ("arXiv:2501.00003", "较旧的文章"),  # its copy of 2501.00002 is left out
    ]
    assert [p.label for p in search.papers_of([older.id, newer.id], limit=2)] == [
        "arXiv:2501.00002",
        "arXiv:2501.00003",
    ]
    assert papers[0].url == "https://arxiv.org/abs/2501.00002"
    assert papers[0].article.get_absolute_url() == newer.get_absolute_url()
    assert search.papers_of([]) == []


@pytest.mark.django_db
@pytest.mark.vocabulary
def test_a_traditional_post_gets_the_tags_it_names():
    import_one(FIXTURES / "formats" / "mirror_post_c_traditional_pinyin.txt")

    article = Article.objects.get()
    assert {"开源", "微调"} <= set(article.tags.values_list("name", flat=True))
