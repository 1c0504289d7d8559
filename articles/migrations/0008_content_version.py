"""The content version (articles.models.versions): one row, and triggers that
bump it on every change of what anonymous pages show, in the same
transaction as the change. Triggers rather than signals: imports, editing
tools and commands write with bulk statements that send no signal.

SQLite fires per row (one tiny UPDATE each); PostgreSQL per statement. Both
upsert the row, so a table emptied by TRUNCATE (tests) comes back.
"""

from django.db import migrations, models

# What anonymous pages are made of (not bookmarks or read marks: private).
TABLES = [
    "articles_source",
    "articles_article",
    "articles_section",
    "articles_link",
    "articles_tag",
    "articles_tagalias",
    "articles_articletag",
    "articles_appearance",
    "articles_readinglist",
    "articles_readinglistitem",
]

SQLITE_BUMP = (
    "INSERT INTO articles_contentversion (id, version, changed_at)"
    " VALUES (1, 1, strftime('%Y-%m-%d %H:%M:%f', 'now'))"
    " ON CONFLICT (id) DO UPDATE SET version = version + 1,"
    " changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now')"
)
SQLITE = [
    f"CREATE TRIGGER {table}_version_{op.lower()} AFTER {op} ON {table}"
    f" BEGIN {SQLITE_BUMP}; END"
    for table in TABLES
    for op in ("INSERT", "UPDATE", "DELETE")
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {table}_version_{op.lower()}"
    for table in TABLES
    for op in ("INSERT", "UPDATE", "DELETE")
]

POSTGRES = [
    "CREATE FUNCTION articles_bump_content_version() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  INSERT INTO articles_contentversion (id, version, changed_at) VALUES (1, 1, now())"
    "  ON CONFLICT (id) DO UPDATE"
    "  SET version = articles_contentversion.version + 1, changed_at = now();"
    "  RETURN NULL;"
    " END $$",
    *(
        f"CREATE TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
        f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION articles_bump_content_version()"
        for table in TABLES
    ),
]
POSTGRES_DROP = [
    *(f"DROP TRIGGER IF EXISTS {table}_version ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS articles_bump_content_version()",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements[schema_editor.connection.vendor]:
            schema_editor.execute(sql)

    return run


def first_version(apps, schema_editor):
    from django.utils import timezone

    apps.get_model("articles", "ContentVersion").objects.create(
        id=1, version=1, changed_at=timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_article_date_known")]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.BigIntegerField(default=0, verbose_name="version")),
                ("changed_at", models.DateTimeField(verbose_name="changed at")),
            ],
            options={
                "verbose_name": "content version",
                "verbose_name_plural": "content versions",
            },
        ),
        migrations.RunPython(first_version, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
