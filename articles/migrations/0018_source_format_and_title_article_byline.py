from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0017_login_failures_counted_by_axes")]

    operations = [
        migrations.AddField(
            model_name="source",
            name="format",
            # Every file imported before formats were told apart was a digest
            # from a mirror page (the only format the parser read).
            field=models.CharField(
                choices=[
                    ("mangled_digest", "digest from a mirror page"),
                    ("markdown_digest", "Markdown digest"),
                    ("mirror_post", "post from a mirror page"),
                    ("plain_text", "plain text"),
                ],
                default="mangled_digest",
                help_text="What kind of file the parser found it to be.",
                max_length=20,
                verbose_name="format",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="source",
            name="title",
            field=models.CharField(
                blank=True,
                help_text="The digest's own title, if it has one.",
                max_length=500,
                verbose_name="title",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="byline",
            field=models.CharField(blank=True, max_length=500, verbose_name="byline"),
        ),
    ]
