"""Restoring a digest's punctuation from its origin page (issue #21, points
1 and 3), against a local HTTP server serving an original written here."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command

from articles import search
from articles.ingest import importer, restore
from articles.lib.markup import paragraphs_to_markdown
from articles.models import Article, Source
from tests.ingest.test_alignment import mangle
from tests.ingest.test_import_command import Terminal
from tests.origin_site import (
    BODY,
    DIGEST,
    LEAD,
    LOCAL,
    SECOND,
    SECOND_TITLE,
    TITLE,
    Handler,
    mangled_digest,
    page,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_local")]


def bodies(article: Article) -> list[str]:
    return [s.body for s in article.sections.order_by("position")]


def test_it_restores_a_mangled_digest_from_its_origin(origin, alice):
    source, first, second = mangled_digest(f"{origin}/digest")
    assert "，" not in first.title + "".join(bodies(first))

    result = restore.restore_source(source, LOCAL, user=alice)

    assert result.status == restore.Status.RESTORED, result.reason
    assert (result.restored, result.refused, result.fetched) == (2, 0, True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.title == TITLE
    assert second.title == SECOND_TITLE
    assert bodies(first) == [paragraphs_to_markdown(LEAD), paragraphs_to_markdown(BODY)]
    assert bodies(second) == [paragraphs_to_markdown(SECOND)]
    assert first.restored_at is not None and not first.edited
    html = first.sections.get(position=2).html
    assert "<p>为什么不直接用云端服务？" in html
    source.refresh_from_db()
    assert source.original_html == DIGEST and source.original_fetched_at is not None
    assert LogEntry.objects.filter(object_id=str(first.pk), user=alice).exists()


def test_it_keeps_the_search_index_in_step_with_the_restored_text(origin):
    source, first, _ = mangled_digest(f"{origin}/digest")
    # The mirror glued two sentences: the index had a word across them.
    assert first in [h.article for h in search.search("机房用来").hits]

    restore.restore_source(source, LOCAL)

    hits = search.search("门诊病历").hits
    assert [h.article.pk for h in hits] == [first.pk]
    assert "，" in hits[0].snippet or "。" in hits[0].snippet


def test_it_reads_the_stored_copy_on_a_second_run(origin):
    source, first, _ = mangled_digest(f"{origin}/digest")
    restore.restore_source(source, LOCAL)
    assert Handler.requests == ["/digest"]

    again = restore.restore_source(Source.objects.get(pk=source.pk), LOCAL)

    assert Handler.requests == ["/digest"]
    assert (again.status, again.fetched, again.restored, again.unchanged) == (
        restore.Status.RESTORED, False, 0, 2,
    )  # fmt: skip
    refetched = restore.restore_source(Source.objects.get(pk=source.pk), LOCAL, refetch=True)
    assert refetched.fetched and Handler.requests == ["/digest", "/digest"]


def test_it_refuses_a_wrong_page_and_changes_nothing(origin):
    source, first, _ = mangled_digest(f"{origin}/wrong")

    result = restore.restore_source(source, LOCAL)

    assert result.status == restore.Status.REFUSED
    assert result.reason.startswith("low_coverage")
    first.refresh_from_db()
    assert first.title == mangle(TITLE) and first.restored_at is None


@pytest.mark.parametrize(
    "url, status, reason",
    [
        ("/missing", restore.Status.UNREACHABLE, "http_status 404"),
        ("http://127.0.0.1:9/", restore.Status.UNREACHABLE, "unreachable"),
        ("", restore.Status.NO_ORIGIN, "no http(s) origin URL"),
        ("javascript:alert(1)", restore.Status.NO_ORIGIN, "no http(s) origin URL"),
    ],
)
def test_it_reports_an_origin_it_cannot_reach(origin, url, status, reason):
    source, first, _ = mangled_digest(f"{origin}{url}" if url.startswith("/") else url)

    result = restore.restore_source(source, LOCAL)

    assert (result.status, result.reason) == (status, reason)
    source.refresh_from_db()
    assert source.original_html == ""
    assert Article.objects.filter(restored_at__isnull=False).count() == 0


def test_it_leaves_an_edited_article_alone_unless_asked(origin):
    source, first, second = mangled_digest(f"{origin}/digest", edited=True)

    result = restore.restore_source(source, LOCAL)

    assert (result.restored, result.skipped_edited) == (1, 1)
    first.refresh_from_db()
    assert first.title == mangle(TITLE) and first.restored_at is None
    planned = [a for a in result.plan.articles if a.article_id == first.pk][0]
    assert planned.accepted and planned.new_title == TITLE  # shown, not applied

    result = restore.restore_source(source, LOCAL, include_edited=True)

    first.refresh_from_db()
    assert result.restored == 1 and first.title == TITLE


def test_a_dry_run_changes_nothing(origin):
    source, first, _ = mangled_digest(f"{origin}/digest")

    result = restore.restore_source(source, LOCAL, dry_run=True)

    assert (result.status, result.restored) == (restore.Status.RESTORED, 2)
    first.refresh_from_db()
    source.refresh_from_db()
    assert first.title == mangle(TITLE) and first.restored_at is None
    assert source.original_html == ""


def test_it_applies_nothing_to_an_article_edited_since_the_plan(origin):
    source, first, _ = mangled_digest(f"{origin}/digest")
    source.original_html = DIGEST
    plan = restore.plan_restore(source, restore.extract_stored(source).text)
    Article.objects.filter(pk=first.pk).update(title="编辑改过的标题")

    assert restore.apply_restore(plan) == 1
    first.refresh_from_db()
    assert first.title == "编辑改过的标题" and first.restored_at is None


def test_reparse_keeps_a_restored_article(digest):
    article = digest.articles.order_by("position").first()
    texts = [article.title + "！", article.subtitle] + [
        p for s in article.sections.order_by("position") for p in [s.heading, s.body] if p
    ]
    digest.original_html = "\n\n".join(texts).replace("\\", "")  # plain text, no markup
    digest.save()
    assert restore.restore_source(digest, LOCAL).restored == 1
    article.refresh_from_db()
    restored = (article.title, bodies(article))
    assert article.title.endswith("！")

    reparsed = importer.reparse_source(digest)

    assert reparsed.kept_edited == [article.title]
    article.refresh_from_db()
    assert (article.title, bodies(article)) == restored and article.restored_at


def test_the_command_reports_each_source_and_a_summary(origin):
    good, _, _ = mangled_digest(f"{origin}/digest")
    missing, _, _ = mangled_digest(f"{origin}/missing")
    wrong, _, _ = mangled_digest(f"{origin}/wrong")
    out = StringIO()

    call_command("restore_originals", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == (f"[1/3] source {good.pk} ({good.filename}): restored 2 article(s), fetched")
    assert (
        lines[1] == f"[2/3] source {missing.pk} ({missing.filename}): unreachable: http_status 404"
    )
    assert lines[2].startswith(f"[3/3] source {wrong.pk} ({wrong.filename}): refused: low_coverage")
    assert lines[3].startswith(
        "3 source(s): restored 2 article(s) in 1 source(s), 1 refused, 1 unreachable, "
        "0 without origin"
    )
    assert lines[4:] == ["  refused: 1 low_coverage", "  unreachable: 1 http_status 404"]


def test_the_command_dry_run_names_what_it_would_restore(origin):
    good, first, _ = mangled_digest(f"{origin}/digest")
    out = StringIO()

    call_command("restore_originals", "--source", str(good.pk), "--dry-run", stdout=out)

    assert f"[1/1] source {good.pk} ({good.filename}): would restore 2 article(s)" in out.getvalue()
    first.refresh_from_db()
    assert first.restored_at is None


def test_the_pacer_pauses_between_requests_to_the_same_host():
    slept: list[float] = []
    pacer = restore.Pacer(1.0, fetch=lambda url, policy: url, sleep=slept.append)

    pacer.fetch("https://a.example/1", LOCAL)
    pacer.fetch("https://b.example/1", LOCAL)
    pacer.fetch("https://a.example/2", LOCAL)

    assert len(slept) == 1 and 0.9 < slept[0] <= 1.0


def mangled_file(tmp_path, url: str, name: str = "post.txt", title=TITLE, lead=LEAD):
    """A plain article as the mirror leaves it, naming its origin."""
    path = tmp_path / name
    lines = [mangle(title), "", mangle(" ".join(lead)), "", f"原文链接：{url}"]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_import_restores_what_it_imports_when_asked(origin, tmp_path):
    path = mangled_file(tmp_path, f"{origin}/digest")
    out = StringIO()

    call_command("import_articles", str(path), "--restore-originals", stdout=out)

    article = Article.objects.get()
    assert article.title == TITLE and article.restored_at is not None
    assert bodies(article) == [paragraphs_to_markdown(LEAD)]
    assert "[1/1] source" in out.getvalue() and "restored 1 article(s)" in out.getvalue()


def test_import_restores_nothing_by_default_and_the_setting_turns_it_on(origin, tmp_path, settings):
    call_command(
        "import_articles", str(mangled_file(tmp_path, f"{origin}/digest")), stdout=StringIO()
    )
    assert Handler.requests == [] and Article.objects.get().restored_at is None

    settings.ORIGINALS_RESTORE_ON_IMPORT = True
    second = mangled_file(tmp_path, f"{origin}/digest", "2.txt", SECOND_TITLE, SECOND)
    call_command("import_articles", str(second), stdout=StringIO())

    assert Handler.requests == ["/digest"]
    assert Article.objects.get(restored_at__isnull=False).title == SECOND_TITLE

    third = mangled_file(
        tmp_path, f"{origin}/digest", "3.txt", "第三篇文章", ["另外的一段正文内容。"]
    )
    call_command("import_articles", str(third), "--no-restore-originals", stdout=StringIO())
    assert Handler.requests == ["/digest"] and Article.objects.count() == 3


def test_an_origin_that_fails_at_import_leaves_the_import_done(origin, tmp_path):
    path = mangled_file(tmp_path, f"{origin}/missing")
    out = StringIO()

    call_command("import_articles", str(path), "--restore-originals", stdout=out)

    assert Article.objects.get().restored_at is None
    assert "unreachable: http_status 404" in out.getvalue()
    assert "  unreachable: 1 http_status 404" in out.getvalue()


def test_a_restored_article_finds_a_near_copy_of_its_restored_text(origin, tmp_path):
    paragraphs = [
        "".join(f"关于基准{i}的第{k}点观察是模型表现稳定。" for k in range(1, i % 3 + 2))
        for i in range(1, 13)
    ]
    title = "模型评测报告：十二个基准"
    Handler.pages["/long"] = page(f"<h2>{title}</h2>" + "".join(f"<p>{p}</p>" for p in paragraphs))
    mirror = tmp_path / "mirror.txt"
    mirror.write_text(
        f"{mangle(title)}\n\n{mangle(''.join(paragraphs))}\n\n原文链接：{origin}/long",
        encoding="utf-8",
    )
    call_command("import_articles", str(mirror), "--restore-originals", stdout=StringIO())
    restored = Article.objects.get()
    assert restored.restored_at is not None and len(bodies(restored)[0].split("\n\n")) == 12

    # The same story elsewhere, with its paragraphs and one of them cut: found
    # by the restored article's paragraphs (the mirror had glued them into one).
    copy = tmp_path / "copy.txt"
    kept = paragraphs[:5] + paragraphs[6:]
    copy.write_text(f"{title}\n\n" + "\n\n".join(kept), encoding="utf-8")
    call_command("import_articles", str(copy), stdout=StringIO())

    near = Article.objects.exclude(pk=restored.pk).get()
    assert near.duplicate_of == restored and near.status == Article.Status.HIDDEN


def test_the_command_draws_a_progress_bar_on_a_terminal_only(origin):
    mangled_digest(f"{origin}/digest")
    mangled_digest(f"{origin}/wrong")
    terminal, pipe = Terminal(), StringIO()

    call_command("restore_originals", "--dry-run", stdout=terminal)
    call_command("restore_originals", "--dry-run", stdout=pipe)

    assert "] 1/2" in terminal.getvalue() and "] 2/2" in terminal.getvalue()
    assert "] 1/2" not in pipe.getvalue() and "[2/2] source" in pipe.getvalue()
