from django.db import migrations, models
from django.utils import timezone


def mark_unknown_dates(apps, schema_editor):
    """Articles of a source without a date carry its import day: unknown,
    unless an editor has since given another date."""
    Source = apps.get_model("articles", "Source")
    Article = apps.get_model("articles", "Article")
    by_day: dict = {}
    for pk, imported_at in Source.objects.filter(published_on=None).values_list(
        "id", "imported_at"
    ):
        by_day.setdefault(timezone.localdate(imported_at), []).append(pk)
    for day, ids in by_day.items():
        for start in range(0, len(ids), 500):
            Article.objects.filter(source_id__in=ids[start : start + 500], published_on=day).update(
                date_known=False
            )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_rebuild_search_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="date_known",
            field=models.BooleanField(
                default=True,
                help_text="Off when the source gave no date and “published on” is the import date; readers then see “imported on”. Changing the date here sets it.",
                verbose_name="publication date known",
            ),
        ),
        migrations.RunPython(mark_unknown_dates, migrations.RunPython.noop),
    ]
