"""The starting tag vocabulary (articles/data/vocabulary.py). Idempotent: a
name or alias already here, an editor's tag for one, is left as it is."""

from django.db import migrations
from django.utils.text import slugify


def load_vocabulary(apps, schema_editor):
    from articles.data.vocabulary import VOCABULARY

    Tag = apps.get_model("articles", "Tag")
    TagAlias = apps.get_model("articles", "TagAlias")
    taken = {n.lower() for n in Tag.objects.values_list("name", flat=True)}
    taken |= {n.lower() for n in TagAlias.objects.values_list("name", flat=True)}
    slugs = set(Tag.objects.values_list("slug", flat=True))
    for name, kind, aliases in VOCABULARY:
        if name.lower() in taken:
            continue  # an editor's tag of that name wins
        slug = base = slugify(name, allow_unicode=True)[:90] or "tag"
        n = 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.add(slug)
        tag = Tag.objects.create(name=name, slug=slug, kind=kind)
        taken.add(name.lower())
        for alias in aliases:
            if alias.lower() not in taken:
                TagAlias.objects.create(tag=tag, name=alias)
                taken.add(alias.lower())


def unload_vocabulary(apps, schema_editor):
    from articles.data.vocabulary import VOCABULARY

    names = [name for name, _, _ in VOCABULARY]
    apps.get_model("articles", "Tag").objects.filter(name__in=names, articletag=None).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_editors_group")]

    operations = [migrations.RunPython(load_vocabulary, unload_vocabulary)]
