"""The full-text index: an SQLite FTS5 table, or a PostgreSQL table with a
tsvector and a GIN index. Kept up to date by articles.search (see there for
how the tokens are made); the SQL is written here, as it was first run.
"""

from django.db import migrations

SQLITE = [
    # Tokens come from articles.search.text, so the tokenizer only splits on
    # spaces. The table keeps its content: before SQLite 3.43 a contentless
    # table cannot delete. The one-character prefix index makes `熊*` one
    # doclist read instead of a merge of thousands.
    "CREATE VIRTUAL TABLE articles_search USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 0', prefix = '1')",
    # Title and subtitle weigh five times the body in BM25.
    "INSERT INTO articles_search (articles_search, rank) VALUES ('rank', 'bm25(5.0, 1.0)')",
    # Which index row (rowid = recency key) belongs to which article.
    "CREATE TABLE articles_search_key (article_id INTEGER PRIMARY KEY, key INTEGER NOT NULL)",
]
SQLITE_DROP = ["DROP TABLE articles_search", "DROP TABLE articles_search_key"]

POSTGRES = [
    "CREATE TABLE articles_search ("
    " article_id bigint PRIMARY KEY"
    "  REFERENCES articles_article (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,"
    " key bigint NOT NULL,"
    " document tsvector NOT NULL)",
    # The GIN index also holds the recency key (btree_gin, a trusted contrib
    # extension): a search takes the newest matches of its tokens from the
    # index alone.
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "CREATE INDEX articles_search_document ON articles_search USING gin (document, (key + 0))",
    "CREATE INDEX articles_search_recent ON articles_search (key DESC)",
]
POSTGRES_DROP = ["DROP TABLE articles_search"]  # the extension may serve others


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements[schema_editor.connection.vendor]:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
