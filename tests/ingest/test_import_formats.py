"""Files of every format through the import: stored with their format and
title, re-imports skipped, --reparse keeps what editors changed, the file's
own tags kept, and what readers and editors see of it."""

from __future__ import annotations

import json
import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import Article, ArticleTag, Source, Tag, remove_tag

from ..conftest import FIXTURES
from .test_import_command import run

pytestmark = pytest.mark.django_db

FORMATS = FIXTURES / "formats"
EXPECTED = {
    (e := json.loads(p.read_text()))["file"]: e for p in sorted(FORMATS.glob("*.expected.json"))
}


@pytest.fixture
def imported(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    for name in EXPECTED:
        shutil.copy(FORMATS / name, folder / name)
    run(str(folder), "-v", "2")
    return folder


def test_every_format_is_stored_with_its_format_title_and_articles(imported):
    for name, expected in EXPECTED.items():
        source = Source.objects.get(filename=name)
        assert source.format == expected["format"], name
        assert source.title == expected["digest_title"], name
        articles = list(source.articles.order_by("position"))
        assert len(articles) == len(expected["articles"]), name
        for article, want in zip(articles, expected["articles"], strict=True):
            wanted = Article.Status.REVIEW if expected["needs_review"] else Article.Status.PUBLISHED
            assert article.status == wanted, (name, article.title)
            assert article.byline == want["byline"], (name, article.title)
    unstructured = Article.objects.get(source__filename="plain_text_b_unstructured.txt")
    assert {"code": "no_structure"} in unstructured.review_reasons


def test_a_second_import_skips_every_file(imported):
    before = Article.objects.count()
    out = run(str(imported), "-v", "2")
    skipped = [line for line in out.splitlines() if line.startswith("skipped ")]
    assert len(skipped) == len(EXPECTED) and Article.objects.count() == before


def test_reparse_keeps_edited_articles_of_every_format(imported):
    edited = {}
    for source in Source.objects.all():
        article = source.articles.order_by("position").first()
        article.title = f"编辑改过 {source.pk}"
        article.edited = True
        article.save()
        edited[article.pk] = article.title
    counts = {s.pk: s.articles.count() for s in Source.objects.all()}

    out = run("--reparse", "--force")

    assert f"{len(EXPECTED)} reparsed" in out
    for pk, title in edited.items():
        assert Article.objects.get(pk=pk).title == title
    assert {s.pk: s.articles.count() for s in Source.objects.all()} == counts


def test_a_category_is_a_tag_the_file_names_and_stays_through_retag(imported):
    article = Article.objects.get(title="简译")
    tag = Tag.objects.get(name="产品应用")
    assert ArticleTag.objects.get(article=article, tag=tag).origin == ArticleTag.Origin.FILE
    assert not tag.automatic  # not a word the tagger looks for in other articles
    call_command("retag", stdout=StringIO())
    assert article.tags.filter(pk=tag.pk).exists()
    run("--reparse", "--force")
    assert article.tags.filter(pk=tag.pk).exists()
    # Removed by an editor, it is not put back.
    remove_tag(article, tag)
    run("--reparse", "--force")
    assert not article.tags.filter(pk=tag.pk).exists()


def test_readers_see_the_digest_title_format_and_byline(imported, client):
    source = Source.objects.get(filename="markdown_digest_a_frontmatter.md")
    page = client.get(source.get_absolute_url()).content.decode()
    assert f"<h1>{source.title}</h1>" in page and "<dd>Markdown 日报</dd>" in page
    article = Article.objects.exclude(byline="").filter(status="published").first()
    html = client.get(article.get_absolute_url()).content.decode()
    assert article.byline in html


def test_editors_see_the_format_and_filter_on_it(imported, client, eve):
    client.force_login(eve)
    page = client.get("/admin/articles/source/", {"format__exact": "mirror_post"}).content.decode()
    mirror_posts = Source.objects.filter(format="mirror_post")
    assert mirror_posts.count() == 4
    for source in Source.objects.all():
        assert (source.filename in page) == (source.format == "mirror_post")
    change = client.get(f"/admin/articles/source/{mirror_posts.first().pk}/change/")
    assert "镜像站的单篇文章" in change.content.decode()
