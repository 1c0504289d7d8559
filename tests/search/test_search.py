"""The search layer on the database in use (the suite runs on SQLite and on
PostgreSQL): complete, exact for Chinese, ranked, current, and unbreakable."""

from __future__ import annotations

import datetime
import html
import importlib
import importlib.util
import random
import re
import sys
import unicodedata
from io import StringIO

import pytest
from django.core.management import call_command

from articles.ingest import importer
from articles.lib.text import simplified
from articles.models import Article, ArticleTag, Section, Source, Tag
from articles.search import search
from articles.search.text import SEPARATOR, index_text, term_phrases

from ..conftest import ROOT
from ..factories import import_one, make_article
from ..rawfiles import ARTICLE_ONE, ARTICLE_TWO, chrome

pytestmark = pytest.mark.django_db

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


def load_generator():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def corpus(tmp_path):
    """Articles from the bench generator, imported as a user would."""
    generate = load_generator()
    rng = random.Random(3)
    for i in range(24):
        text = generate.generate_digest(rng, i, articles=5, article_chars=260)
        (tmp_path / f"{i:03}.txt").write_text(text, encoding="utf-8")
    results = list(importer.import_files(sorted(tmp_path.iterdir()), workers=0))
    assert {r.status for r in results} == {"imported"}
    return {a.id: article_text(a) for a in Article.objects.prefetch_related("sections")}


def text_of(section) -> str:
    """What a reader sees of a section: paragraphs apart, entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", " ", section.html))


def article_text(article: Article) -> str:
    body = " ".join(f"{s.heading} {text_of(s)}" for s in article.sections.all())
    return f"{article.title} {article.subtitle} {body}"


def fold(text: str) -> str:
    return simplified(unicodedata.normalize("NFKC", text).lower())


def truth(corpus: dict[int, str], query: str) -> set[int]:
    """The rule, by scanning: a Chinese term anywhere (Traditional or
    Simplified), a Latin term where a word starts, case-insensitive; every
    term of the query."""
    found = set(corpus)
    for term in query.split():
        term = fold(term)
        start = "" if re.match(f"[{HAN}]", term) else rf"(?<![^\W_{HAN}])"
        pattern = re.compile(start + re.escape(term))
        found &= {i for i, text in corpus.items() if pattern.search(fold(text))}
    return found


def model(corpus_tokens: dict[int, list[list[str]]], query: str) -> set[int]:
    """What the index should answer, worked out in Python from the tokens:
    each phrase must be consecutive tokens of one column, the last one a
    prefix when asked. Both engines must agree with it, so with each other."""

    def has(columns: list[list[str]], tokens: list[str], prefix: bool) -> bool:
        n = len(tokens)
        for column in columns:
            for i in range(len(column) - n + 1):
                window = column[i : i + n]
                if window[:-1] == tokens[:-1] and (
                    window[-1].startswith(tokens[-1]) if prefix else window[-1] == tokens[-1]
                ):
                    return True
        return False

    phrases = [p for term in query.split() for p in term_phrases(term)]
    return {i for i, cols in corpus_tokens.items() if all(has(cols, *p) for p in phrases)}


def queries_for(corpus: dict[int, str]) -> list[str]:
    fixed = [
        "熊", "的", "模", "蒸馏", "模型", "小模型", "注意力机制", "开源社区", "向量数据库",
        "GPT-5", "o1-mini", "KV Cache", "93.7%", "OpenAI", "Open", "AI", "Qwen2.5",
        "DeepSeek-V3", "Transformer", "LLM", "OpenAI 蒸馏", "GPT-4o 模型", "训练 推理 数据",
        "量子计算机", "不存在的词语组合", "zzz",
    ]  # fmt: skip
    rng = random.Random(5)
    texts = list(corpus.values())
    sampled = []
    while len(sampled) < 34:
        runs = re.findall(f"[{HAN}]+", rng.choice(texts))
        run = rng.choice(runs)
        size = rng.choice([1, 2, 3, 4, 5])
        if len(run) >= size:
            start = rng.randrange(len(run) - size + 1)
            sampled.append(run[start : start + size])
    return fixed + sampled


@pytest.mark.slow
def test_search_is_complete_and_exact_for_chinese_on_a_generated_corpus(corpus):
    tokens = {}
    for article in Article.objects.prefetch_related("sections"):
        title = index_text(f"{article.title} {article.subtitle}").split()
        body = index_text(" ".join(f"{s.heading} {text_of(s)}" for s in article.sections.all()))
        body = body.split()
        tokens[article.id] = [title, body]
    queries = queries_for(corpus)
    assert len(queries) >= 50

    for query in queries:
        found = {h.article.id for h in search(query, page_size=10_000, facets=False).hits}
        expected = truth(corpus, query)
        assert expected <= found, f"missed for {query!r}: {len(expected - found)}"
        if re.fullmatch(f"[{HAN}]+", query):
            assert found == expected, f"extra for {query!r}: {len(found - expected)}"
        assert found == model(tokens, query), query
    # The corpus is dense enough that the queries mean something.
    assert sum(bool(truth(corpus, q)) for q in queries) >= 45


def test_the_count_is_right_past_the_first_page(corpus):
    first = search("模型", page_size=5, facets=False)
    everything = search("模型", page_size=10_000, facets=False)
    assert first.has_next and first.count == len(everything.hits) > 5


@pytest.mark.parametrize("window", [0, 7, 10**6])
def test_newest_matches_are_the_same_whatever_the_window(corpus, monkeypatch, window):
    """PostgreSQL reads the newest index rows first, then the older ones."""
    queries = ["模型", "蒸馏", "小模型", "注意力机制", "o1-mini", "熊", "OpenAI 蒸馏", "zzz"]
    expected = {}
    for query in queries:
        everything = search(query, order="newest", page_size=10_000, facets=False).hits
        expected[query] = [h.article.id for h in everything]
    assert sum(map(bool, expected.values())) >= 6
    keys = dict(Article.objects.values_list("id", "published_on"))
    for ids in expected.values():  # newest first, ties to the newer id
        assert ids == sorted(ids, key=lambda i: (keys[i], i), reverse=True)

    monkeypatch.setattr("articles.search.engines.postgres.WINDOW", window)
    monkeypatch.setattr("articles.search.listing.COUNT_CAP", 10)
    for query, ids in expected.items():
        first = search(query, order="newest", page_size=4)
        assert [h.article.id for h in first.hits] == ids[:4], query
        assert first.count == min(len(ids), 11), query
        second = search(query, order="newest", page_size=4, page=2)
        assert [h.article.id for h in second.hits] == ids[4:8], query


HOSTILE = [
    '"unbalanced', "*", "NEAR(", "OR", "AND", "a OR b", "(", ")", "-", "--", "- -",
    "🤖", "🤖 蒸馏", "x" * 10_000, "\x00", "a\x00b", '""', '"" *', "^", "title:模型",
    "{title}: x", "NOT", "'; DROP TABLE articles_article; --", "from:", "to:9999-99-99",
    "#", "tag:", "%", "_", "\\", "'", ":*", "!", "<->", "&", "|",
]  # fmt: skip


@pytest.fixture
def imported(tmp_path):
    """Import one digest made of the given article bodies."""

    def imported(*bodies: str) -> None:
        path = tmp_path / f"{len(list(tmp_path.iterdir()))}.txt"
        path.write_text(chrome(" ".join(bodies)))
        assert import_one(path).status == "imported"

    return imported


@pytest.mark.parametrize("text", HOSTILE)
def test_no_input_breaks_the_search(imported, text):
    imported(ARTICLE_ONE)
    for order in ("best", "newest"):
        results = search(text, order=order)
        # One article is there: it is found or not, never twice, never an error.
        assert results.count == len(results.hits) in (0, 1)
        assert all(hit.article.title == "智谱开源新模型" for hit in results.hits)


@pytest.fixture
def two_articles(imported):
    imported(ARTICLE_ONE, ARTICLE_TWO)
    return Article.objects.order_by("position")


def dated(article: Article, day: str) -> None:
    article.published_on = datetime.date.fromisoformat(day)
    article.save()  # the index follows, as it does for an editor


def test_the_query_language(two_articles):
    zhipu, deepseek = two_articles
    tag = Tag.objects.create(name="开源")
    ArticleTag.objects.create(article=deepseek, tag=tag)
    dated(zhipu, "2025-01-10")
    dated(deepseek, "2025-01-20")

    def titles(text: str) -> list[str]:
        return sorted(h.article.title for h in search(text).hits)

    assert titles("模型") == ["DeepSeek-V3技术报告解读", "智谱开源新模型"]
    assert titles("模型 -DeepSeek") == ["智谱开源新模型"]
    assert titles('"KV Cache 压缩"') == ["智谱开源新模型"]
    assert titles('"Cache KV"') == []
    assert titles("模型 #开源") == ["DeepSeek-V3技术报告解读"]
    assert titles("tag:开源") == ["DeepSeek-V3技术报告解读"]
    assert titles("from:2025-01-15") == ["DeepSeek-V3技术报告解读"]
    assert titles("to:2025-01-15 模型") == ["智谱开源新模型"]
    assert titles("to:2025-13-45") == []  # not a date: plain text, matching nothing


def test_title_matches_rank_first_and_newest_order_is_offered(imported):
    imported(
        "#推理框架评测 第一篇的副标题 这篇文章的正文很普通。",
        "#另一篇新闻 第二篇的副标题 正文里提到推理框架。后面又提到推理框架。",
        "#无关的新闻 第三篇的副标题 正文里什么也没有提到。",
    )
    titled, mentioned, _ = Article.objects.order_by("position")
    # The article with the title hit is the older one: relevance beats age.
    dated(titled, "2025-01-10")
    dated(mentioned, "2025-01-20")

    best = search("推理框架")
    assert best.order == "best"
    assert [h.article.id for h in best.hits] == [titled.id, mentioned.id]
    newest = search("推理框架", order="newest")
    assert [h.article.id for h in newest.hits] == [mentioned.id, titled.id]
    assert search("").order == "newest"


def test_hits_carry_highlighted_snippets_from_escaped_text(imported):
    imported("#标题测试 副标题 这里有 <script>alert(1)</script> 和蒸馏方法。后面还有很多文字。")
    (hit,) = search("蒸馏").hits
    assert "<mark>蒸馏</mark>" in hit.snippet
    assert "&lt;/script&gt;" in hit.snippet
    assert "<" not in hit.snippet.replace("<mark>", "").replace("</mark>", "")


def test_facets_count_tags_in_the_current_result(two_articles):
    zhipu, deepseek = two_articles
    open_source = Tag.objects.create(name="开源")
    moe = Tag.objects.create(name="MoE")
    for article in (zhipu, deepseek):
        ArticleTag.objects.create(article=article, tag=open_source)
    ArticleTag.objects.create(article=deepseek, tag=moe)
    assert search("模型").facets == [(open_source, 2), (moe, 1)]
    assert search("智谱").facets == [(open_source, 1)]


def test_the_index_follows_every_change(two_articles):
    zhipu, deepseek = two_articles
    section = zhipu.sections.last()
    assert search("低秩矩阵").count == 1

    section.body = "改写后的内容提到了量子纠缠。"
    section.save()
    assert search("低秩矩阵").count == 0
    assert [h.article.id for h in search("量子纠缠").hits] == [zhipu.id]

    zhipu.title = "全新标题关于光子芯片"
    zhipu.save()
    assert search("光子芯片").count == 1

    Section.objects.create(article=deepseek, position=99, heading="新增", body="超导材料。")
    assert search("超导材料").count == 1

    deepseek.delete()
    assert search("超导材料").count == 0
    Source.objects.all().delete()
    assert search("量子纠缠").count == 0


def test_reading_time_is_stored_at_import_and_follows_the_sections(imported):
    # ~400 Chinese characters or 200 English words a minute.
    imported("#阅读时间 副标题 " + "长" * 1190 + "。")
    article = Article.objects.get(title="阅读时间")
    assert article.reading_minutes == 3
    section = article.sections.get()
    section.body = "短。 " + "word " * 1000
    section.save()
    article.refresh_from_db()
    assert article.reading_minutes == 5
    section.delete()
    article.refresh_from_db()
    assert article.reading_minutes == 1


def test_hidden_articles_are_not_found(two_articles):
    zhipu, _ = two_articles
    zhipu.status = Article.Status.HIDDEN
    zhipu.save()
    assert search("智谱").count == 0


def test_traditional_and_simplified_chinese_find_each_other():
    simple = make_article("开源模型发布", [("", "这家公司开源了新模型。")])
    traditional = make_article("開源模型發佈", [("", "這家公司開源了新模型。")])
    both = {simple.id, traditional.id}
    for query in ["開源", "开源", "模型發佈", "模型发布", "發", "开源 發佈", '"這家公司"']:
        for order in ("best", "newest"):
            assert {h.article.id for h in search(query, order=order).hits} == both, query
    assert search("模型 -開源").count == search("模型 -开源").count == 0
    # Each snippet marks the article's own characters, whichever the reader typed.
    for query in ["開源", "开源"]:
        snippets = {h.article.id: h.snippet for h in search(query).hits}
        assert "<mark>开源</mark>" in snippets[simple.id], query
        assert "<mark>開源</mark>" in snippets[traditional.id], query


def test_a_tag_named_in_traditional_chinese_finds_the_simplified_tag():
    article = make_article("开源新闻", tags=["开源"])
    make_article("别的新闻", tags=["闭源"])
    for query in ["#開源", "tag:開源", "#开源"]:
        assert [h.article.id for h in search(query).hits] == [article.id], query
    assert [h.article.id for h in search(tags=["開源"]).hits] == [article.id]
    assert search("#開源模型").count == 0


def test_rebuild_search_index_rebuilds_from_scratch(two_articles):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM articles_search")
    assert search("智谱").count == 0
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "indexed 2 articles" in out.getvalue()
    assert search("智谱").count == 1


def test_tails_sit_after_the_separator():
    assert index_text("熊辉")[-len(SEPARATOR) - 2 :] == f"{SEPARATOR} 辉"


def test_best_match_ranks_the_newest_pool_then_lists_the_rest_newest_first(imported, monkeypatch):
    imported(
        "#第一篇 副标题一 正文提到推理框架。",
        "#推理框架第二篇 副标题二 正文提到推理框架。",
        "#第三篇 副标题三 正文提到推理框架。",
        "#推理框架第四篇 副标题四 正文提到推理框架。",
    )
    first, second, third, fourth = Article.objects.order_by("position")
    # Dates run against the order of import, so newest is not the last id.
    for day, article in enumerate((fourth, third, second, first), 1):
        dated(article, f"2025-01-0{day}")
    monkeypatch.setattr("articles.search.listing.RANK_POOL", 2)

    # The pool is the two newest matches, ranked: the title hit first. Then
    # the older ones, newest first, whatever their titles.
    ids = [h.article.id for h in search("推理框架", page_size=10).hits]
    assert ids == [second.id, first.id, third.id, fourth.id]
    newest = [h.article.id for h in search("推理框架", order="newest").hits]
    assert newest == [first.id, second.id, third.id, fourth.id]
    paged = [search("推理框架", page_size=1, page=n).hits[0].article.id for n in (1, 2, 3, 4)]
    assert paged == ids


SLOW = {
    "postgresql": "SELECT pg_sleep(2)",
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100000000)"
    " SELECT count(*) FROM c",
}


def test_a_search_that_runs_too_long_is_cut_short(two_articles, monkeypatch):
    from django.db import connection

    from articles.search import listing as search_module

    def slow_snippets(*args):
        with connection.cursor() as cursor:
            cursor.execute(SLOW[connection.vendor])
        return []

    monkeypatch.setattr(search_module, "SEARCH_TIMEOUT_MS", 50)
    monkeypatch.setattr(search_module, "_with_snippets", slow_snippets)
    results = search("模型")
    assert results.timed_out and results.hits == [] and results.count == 0
    monkeypatch.undo()
    assert search("模型").count == 2  # the connection is fine afterwards


def test_large_counts_are_capped(two_articles, monkeypatch):
    monkeypatch.setattr("articles.search.listing.COUNT_CAP", 1)
    results = search("模型", page_size=1)
    assert results.count == 2 and results.count_is_capped
    monkeypatch.setattr("articles.search.listing.COUNT_CAP", 5)
    assert not search("模型", page_size=1).count_is_capped


@pytest.mark.postgres
def test_the_time_limit_ends_with_the_search(two_articles):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '7s'")  # the test's transaction
        search("模型")
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "7s"
        for setting in ("enable_seqscan", "enable_hashjoin"):  # off during the search only
            cursor.execute(f"SHOW {setting}")
            assert cursor.fetchone()[0] == "on"
