from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.ingest import importer
from articles.models import Article, Link, Section, Source

from ..rawfiles import ARTICLE_ONE, ARTICLE_TWO, ORIGIN, PAGE, chrome

pytestmark = pytest.mark.django_db

DIGEST = chrome(f"{ARTICLE_ONE} {ARTICLE_TWO} #xx #xx")


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_articles", *args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def digest_file(tmp_path):
    path = tmp_path / "digest.txt"
    path.write_text(DIGEST, encoding="utf-8")
    return path


def test_it_imports_articles_with_sections_links_and_spans(digest_file):
    output = run(str(digest_file))

    assert "1 files: 1 imported, 0 skipped, 0 failed; 2 articles, 6 sections" in output
    source = Source.objects.get()
    assert source.raw_text == DIGEST
    assert source.origin_url == ORIGIN and source.page_url == PAGE
    assert source.filename == "digest.txt" and source.encoding == "utf-8"
    first, second = Article.objects.order_by("position")
    assert (first.position, second.position) == (1, 2)
    assert first.title == "智谱开源新模型" and first.subtitle == "推理速度提升三倍显存占用减半"
    assert source.raw_text[first.span_start : first.span_end].startswith("#智谱开源新模型")
    assert first.slug == "智谱开源新模型"
    assert first.status == Article.Status.PUBLISHED and not first.edited
    assert [s.heading for s in first.sections.all()] == [
        "",
        "一、为什么要压缩缓存",
        "二、压缩方法的细节",
    ]
    assert list(first.links.values_list("url", flat=True)) == [
        "https://arxiv.org/abs/2501.00001",
        "https://github.com/example/glm-kv",
    ]
    last = first.sections.last()
    assert '<a href="https://arxiv.org/abs/2501.00001" rel="nofollow noopener">' in last.html
    assert last.anchor == "二压缩方法的细节"


def test_it_skips_a_file_imported_before(digest_file, tmp_path):
    run(str(digest_file))
    copy = tmp_path / "again.txt"
    copy.write_bytes(digest_file.read_bytes())

    output = run(str(copy))

    assert "0 imported, 1 skipped" in output
    assert Source.objects.count() == 1 and Article.objects.count() == 2


def test_a_bad_file_is_reported_in_one_line_and_the_batch_goes_on(tmp_path, digest_file):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 10)
    err = StringIO()

    with pytest.raises(CommandError, match="2 file"):
        call_command("import_articles", str(tmp_path), stdout=StringIO(), stderr=err)

    assert Source.objects.count() == 1
    lines = err.getvalue().splitlines()
    assert any(line.endswith("empty.txt: empty file") for line in lines)
    assert any("binary.txt: binary file" in line for line in lines)


def test_a_missing_path_fails_without_stopping_the_others(digest_file, tmp_path):
    with pytest.raises(CommandError, match="1 file"):
        run(str(tmp_path / "nope.txt"), str(digest_file))
    assert Source.objects.count() == 1


def test_folders_are_read_recursively_and_globs_expand(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "one.txt").write_text(chrome(ARTICLE_ONE))
    (tmp_path / "a" / "two.TXT").write_text(chrome(ARTICLE_TWO))
    (tmp_path / "a" / "notes.md").write_text("# 笔记\n\n## 第一条\n\n一段关于新模型的笔记。")
    (tmp_path / "a" / "b" / "digest.Markdown").write_text("# 周报\n\n## 一条\n\n周报里的一段话。")
    (tmp_path / "a" / "cover.png").write_bytes(b"\x89PNG\r\n")
    (tmp_path / "a" / ".git").mkdir()
    (tmp_path / "a" / ".git" / "HEAD.txt").write_text("ref: refs/heads/main")
    (tmp_path / "g1.txt").write_text(chrome(ARTICLE_ONE + " 第二个文件。"))

    out = run(str(tmp_path / "a"), str(tmp_path / "g*.txt"))

    assert sorted(Source.objects.values_list("filename", flat=True)) == [
        "digest.Markdown",
        "g1.txt",
        "notes.md",
        "one.txt",
        "two.TXT",
    ]
    assert f"skipped {tmp_path / 'a' / 'cover.png'}: not a .txt, .md or .markdown file" in out
    assert "HEAD" not in out  # hidden folders are not looked into


def test_one_transaction_per_file(tmp_path, monkeypatch):
    (tmp_path / "1.txt").write_text(chrome(ARTICLE_ONE))
    (tmp_path / "2.txt").write_text(chrome(ARTICLE_TWO))
    real = Link.objects.bulk_create

    def fail_on_second_file(objs, *args, **kwargs):
        objs = list(objs)
        if Source.objects.count() == 2:
            raise RuntimeError("disk full")
        return real(objs, *args, **kwargs)

    monkeypatch.setattr(Link.objects, "bulk_create", fail_on_second_file)
    with pytest.raises(RuntimeError):
        run(str(tmp_path))

    assert list(Source.objects.values_list("filename", flat=True)) == ["1.txt"]
    assert Article.objects.count() == 1
    assert Section.objects.filter(article__source__filename="2.txt").count() == 0


def test_dry_run_json_prints_the_documented_shape_and_writes_nothing(digest_file, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    out = StringIO()

    with pytest.raises(CommandError):
        call_command(
            "import_articles", str(tmp_path), "--dry-run", "--json", stdout=out, stderr=StringIO()
        )

    assert Source.objects.count() == 0
    files = json.loads(out.getvalue())["files"]
    good, bad = sorted(files, key=lambda f: f["error"] is not None)
    assert set(good) == {
        "path", "sha256", "format", "encoding", "origin_url", "page_url", "published_on",
        "warnings", "error", "articles",
    }  # fmt: skip
    assert good["format"] == "mangled_digest" and bad["format"] is None
    assert good["path"] == str(digest_file)
    assert good["sha256"] == importer.sha256_of(DIGEST.encode())
    assert (good["encoding"], good["origin_url"], good["page_url"]) == ("utf-8", ORIGIN, PAGE)
    assert good["published_on"] is None and good["warnings"] == [] and good["error"] is None
    article = good["articles"][0]
    assert set(article) == {"title", "subtitle", "links", "tags", "sections"}
    assert article["sections"][0] == {
        "heading": "",
        "paragraphs": [
            "本周智谱发布了新一代开源模型。它在多个基准上超过了同规模的 Llama 模型",
            "研究团队表示新模型采用了改进的 KV Cache 压缩方法。",
        ],
    }
    assert bad["error"] == "empty file" and bad["articles"] == []


@pytest.mark.vocabulary
def test_dry_run_json_shows_the_tags_an_import_would_give(digest_file, tmp_path):
    markdown = tmp_path / "weekly.md"
    markdown.write_text(
        "# 周报\n\n### 产品应用\n\n1.  **Operator** 是 OpenAI 的智能体，能操作浏览器。\n"
        "2.  **豆包** 是字节跳动的助手，本周更新了语音功能。\n"
    )
    files = {f["path"]: f for f in json.loads(run(str(tmp_path), "--dry-run", "--json"))["files"]}
    dry = {a["title"]: set(a["tags"]) for f in files.values() for a in f["articles"]}
    assert "智谱" in dry["智谱开源新模型"]  # the vocabulary's
    operator, doubao = files[str(markdown)]["articles"]
    assert {"Operator", "OpenAI", "产品应用"} <= set(operator["tags"])  # and the file's category
    assert "产品应用" in doubao["tags"]
    run(str(tmp_path))
    imported = {a.title: set(a.tags.values_list("name", flat=True)) for a in Article.objects.all()}
    assert imported == dry


def test_dry_run_json_carries_the_publication_date(tmp_path):
    path = tmp_path / "dated.txt"
    path.write_text("发布时间：2025-01-17 08:30\n" + ARTICLE_TWO)
    files = json.loads(run(str(path), "--dry-run", "--json"))["files"]
    assert files[0]["published_on"] == "2025-01-17"


def test_reparse_updates_untouched_articles_and_leaves_edited_ones_alone(digest_file):
    run(str(digest_file))
    first, second = Article.objects.order_by("position")
    first.title = "编辑改过的标题"
    first.edited = True
    first.save()
    Section.objects.filter(article=second).delete()  # as if an older parser lost them
    Source.objects.update(parser_version=0)

    output = run("--reparse")

    assert "1 reparsed" in output
    assert "kept edited article: 编辑改过的标题" in output
    first.refresh_from_db()
    assert first.title == "编辑改过的标题"
    assert list(Article.objects.order_by("position").values_list("id", flat=True)) == [
        first.id,
        second.id,
    ]
    assert second.sections.count() == 3
    assert Source.objects.get().parser_version > 0


def test_reparse_skips_sources_of_the_current_parser_unless_forced(digest_file):
    run(str(digest_file))
    assert "0 files" in run("--reparse")
    assert "1 files: 1 reparsed" in run("--reparse", "--force")
    assert Article.objects.count() == 2


def test_reparse_creates_and_deletes_articles_as_the_split_changes(digest_file):
    run(str(digest_file))
    source = Source.objects.get()
    kept = Article.objects.get(position=1)
    merged = Article.objects.get(position=2)
    # Pretend an older parser had glued both articles into one.
    kept.span_end = merged.span_end
    kept.save()
    merged.delete()

    run("--reparse", "--force")

    titles = list(source.articles.order_by("position").values_list("title", "id"))
    assert titles[0] == ("智谱开源新模型", kept.id)
    assert titles[1][0] == "DeepSeek-V3技术报告解读"
    assert [a.position for a in source.articles.order_by("position")] == [1, 2]


def test_the_command_needs_a_path():
    with pytest.raises(CommandError, match="at least one"):
        run()


class Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_bar_and_a_pipe_does_not(tmp_path):
    (tmp_path / "1.txt").write_text(chrome(ARTICLE_ONE))
    (tmp_path / "2.txt").write_text(chrome(ARTICLE_TWO))
    terminal = Terminal()
    call_command("import_articles", str(tmp_path), stdout=terminal)
    assert "] 1/2" in terminal.getvalue() and "] 2/2" in terminal.getvalue()
    Source.objects.all().delete()
    assert "] 1/2" not in run(str(tmp_path))


def test_a_batch_goes_through_worker_processes_in_order(tmp_path):
    bodies = [ARTICLE_ONE, ARTICLE_TWO, ARTICLE_ONE + " 又一篇。", ARTICLE_TWO + " 再一篇。"]
    for i, body in enumerate(bodies):
        (tmp_path / f"{i}.txt").write_text(chrome(body))
    (tmp_path / "4.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "5.txt").write_text(chrome(ARTICLE_ONE))  # the same bytes as 0.txt

    results = list(importer.import_files(sorted(tmp_path.iterdir()), workers=1))

    assert [(r.path[-5:], r.status) for r in results] == [
        ("0.txt", "imported"),
        ("1.txt", "imported"),
        ("2.txt", "imported"),
        ("3.txt", "imported"),
        ("4.txt", "failed"),
        ("5.txt", "skipped"),
    ]
    assert results[4].reason.startswith("binary file")
    assert results[5].reason == f"same file as {tmp_path / '0.txt'}"
    assert list(Source.objects.order_by("id").values_list("filename", flat=True)) == [
        "0.txt",
        "1.txt",
        "2.txt",
        "3.txt",
    ]
    assert Section.objects.filter(html__contains="<p>").count() == Section.objects.count() > 0


def test_a_parser_crash_fails_that_file_only(tmp_path, monkeypatch):
    (tmp_path / "1.txt").write_text(chrome(ARTICLE_ONE))
    (tmp_path / "2.txt").write_text(chrome(ARTICLE_TWO))

    def crash_on_deepseek(data, tagger=None):
        if b"DeepSeek" in data:
            raise IndexError("list index out of range")
        return real(data, tagger)

    real = importer.prepare.prepare
    monkeypatch.setattr(importer.prepare, "prepare", crash_on_deepseek)
    results = list(importer.import_files(sorted(tmp_path.iterdir()), workers=0))

    assert [r.status for r in results] == ["imported", "failed"]
    assert results[1].reason == "unexpected IndexError: list index out of range"


@pytest.mark.django_db
def test_many_plain_rows_go_in_however_many_the_database_takes_at_once():
    # 260,000 values: more than PostgreSQL (65,535) or SQLite (999 to 250,000,
    # as built) take in one statement.
    from articles.models import SketchEntry

    from ..factories import make_article

    article = make_article("锚点很多的文章")
    rows = [(-(2**63) + n, article.id) for n in range(130_000)]
    importer._insert_rows("articles_sketchentry (hash, article_id)", rows)
    stored = SketchEntry.objects.filter(article=article)
    assert stored.count() == 130_000
    assert set(stored.values_list("hash", flat=True)) == {h for h, _ in rows}
