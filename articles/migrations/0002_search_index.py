from django.db import migrations


def create_index(apps, schema_editor):
    from articles.search import POSTGRES_SCHEMA, SQLITE_SCHEMA

    statements = {"postgresql": POSTGRES_SCHEMA, "sqlite": SQLITE_SCHEMA}[schema_editor.connection.vendor]
    for sql in statements:
        schema_editor.execute(sql)


def drop_index(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS articles_search")


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
