"""The starting tag vocabulary, and kinds for the links imported before."""

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


def classify_links(apps, schema_editor):
    from articles.links import classify

    Link = apps.get_model("articles", "Link")
    for link in Link.objects.all().iterator():
        found = classify(link.url)
        Link.objects.filter(pk=link.pk).update(kind=found.kind, label=found.label[:200])


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_tag_kinds_and_link_kinds")]

    operations = [
        migrations.RunPython(load_vocabulary, migrations.RunPython.noop),
        migrations.RunPython(classify_links, migrations.RunPython.noop),
    ]
