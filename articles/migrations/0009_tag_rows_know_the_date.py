"""Tag rows carry their article's publication date, indexed for a tag's
newest articles."""

from django.db import migrations, models


def copy_dates(apps, schema_editor):
    schema_editor.execute(
        "UPDATE articles_articletag SET published_on = (SELECT a.published_on"
        " FROM articles_article a WHERE a.id = articles_articletag.article_id)"
    )


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_vocabulary_and_link_kinds")]

    operations = [
        migrations.AddField(
            model_name="articletag",
            name="published_on",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunPython(copy_dates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="articletag",
            name="published_on",
            field=models.DateField(editable=False),
        ),
        migrations.RemoveIndex(model_name="articletag", name="tag_articles"),
        migrations.AddIndex(
            model_name="articletag",
            index=models.Index(fields=["tag", "-published_on", "-article"], name="tag_newest"),
        ),
    ]
