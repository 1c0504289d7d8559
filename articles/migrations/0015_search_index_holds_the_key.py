from django.db import migrations

# PostgreSQL only: the search's GIN index also holds each row's recency key,
# so that a search takes the newest matches of its tokens from the index
# alone (articles.search._postgres_matches). btree_gin is a trusted
# extension: the database's owner may create it.
FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "DROP INDEX IF EXISTS articles_search_document",
    "CREATE INDEX articles_search_document ON articles_search USING gin (document, (key + 0))",
]
BACKWARD = [
    "DROP INDEX IF EXISTS articles_search_document",
    "CREATE INDEX articles_search_document ON articles_search USING gin (document)",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("articles", "0014_article_reading_minutes")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
