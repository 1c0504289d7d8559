"""The migrations: one clean set, every step reversible, a new database
gets the search index, the Editors group and the tag vocabulary, and an
upgraded one a rebuilt index when the tokens changed."""

from __future__ import annotations

import ast
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from articles.data.vocabulary import VOCABULARY
from articles.models import Article, Tag

from ..conftest import ROOT
from ..factories import make_article, make_source

MIGRATIONS = sorted((ROOT / "articles" / "migrations").glob("0*.py"))


def test_no_migration_imports_the_apps_live_code():
    """Only Django and the vocabulary's data: a later refactor of the app
    cannot change what an old migration does."""
    for path in MIGRATIONS:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("articles"):
                assert node.module == "articles.data.vocabulary", (path.name, node.module)


# SQLite's schema editor cannot work inside the test's transaction; on
# PostgreSQL it can, and the rollback then restores the database (a flush
# after a transactional test could not truncate past the search table's key).
@pytest.mark.slow
@pytest.mark.django_db(transaction=connection.vendor == "sqlite")
@pytest.mark.vocabulary
def test_the_app_migrates_to_zero_and_back():
    tables = set(connection.introspection.table_names())
    assert {"articles_article", "articles_search"} <= tables
    if connection.vendor == "postgresql":  # check the deferred keys now: tables go next
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    out = StringIO()
    call_command("migrate", "articles", "zero", stdout=out)
    assert not any(t.startswith("articles_") for t in connection.introspection.table_names())
    call_command("migrate", "articles", stdout=out)
    assert set(connection.introspection.table_names()) == tables
    # A new database has everything the data migrations give it, once.
    assert Group.objects.get(name="Editors").permissions.filter(codename="change_article")
    assert Tag.objects.count() == len(VOCABULARY)
    call_command("migrate", "articles", "0003", stdout=out)
    call_command("migrate", "articles", stdout=out)
    assert Tag.objects.count() == len(VOCABULARY)
    # And the search index works on it.
    from articles.search import search

    make_article("迁移之后的文章", [("", "全文索引照常工作。")])
    assert search("索引").count == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=connection.vendor == "sqlite")
def test_articles_carrying_their_import_day_learn_their_date_is_unknown():
    undated = make_source()
    import_day = timezone.localdate(undated.imported_at)
    make_article("导入日即日期", source=undated, published_on=import_day)
    make_article("编辑给了日期", source=undated, published_on=date(2024, 1, 1))
    make_article("来源有日期", source=make_source(published_on=import_day), published_on=import_day)
    if connection.vendor == "postgresql":  # the deferred keys, before altering the table
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    out = StringIO()
    before = MigrationLoader(connection).graph.node_map[("articles", "0007_article_date_known")]
    call_command("migrate", "articles", next(iter(before.parents)).key[1], stdout=out)
    call_command("migrate", "articles", stdout=out)
    assert dict(Article.objects.values_list("title", "date_known")) == {
        "导入日即日期": False,
        "编辑给了日期": True,
        "来源有日期": True,
    }


@pytest.mark.slow
@pytest.mark.django_db(transaction=connection.vendor == "sqlite")
def test_upgrading_past_a_change_of_the_tokens_rebuilds_the_search_index():
    """An index made by an older release lacks what the tokens now hold
    (Traditional Chinese as Simplified): migrating rebuilds it, once."""
    from articles.search import search

    (marker,) = [
        migration
        for (app, _), migration in MigrationLoader(connection).disk_migrations.items()
        if app == "articles" and getattr(migration, "rebuilds_search_index", False)
    ]
    (before,) = [name for app, name in marker.dependencies if app == "articles"]
    make_article("開源模型", [("", "正文。")])
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM articles_search")  # as the older release's index
    assert search("开源").count == 0
    if connection.vendor == "postgresql":  # the deferred keys, before altering tables
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("migrate", "articles", before, stdout=StringIO())
    out = StringIO()
    call_command("migrate", "articles", stdout=out)
    assert search("开源").count == 1
    assert "Rebuilt the search index: 1 article" in out.getvalue()
    # Nothing to apply, nothing rebuilt.
    out = StringIO()
    call_command("migrate", "articles", stdout=out)
    assert "search index" not in out.getvalue()
