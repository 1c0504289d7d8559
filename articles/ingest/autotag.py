"""Automatic tags in the database: the tagger built from the Tag table, and
tagging of stored articles. The rules are in articles/tagging.py (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from articles.ingest.tagging import Tagger
from articles.lib.text import plain_text
from articles.lib.urls import make_slug
from articles.models import Article, ArticleTag, RemovedTag, Tag, TagAlias


@dataclass
class Vocabulary:
    """The automatic tags as a run starts: the tagger, and tag ids by name."""

    tagger: Tagger
    tag_ids: dict[str, int]


def current() -> Vocabulary:
    """The vocabulary as it is now (a few milliseconds: build it once per
    batch, e.g. per import run)."""
    return vocabulary_of(Tag.objects.filter(automatic=True))


def vocabulary_of(tags: QuerySet[Tag]) -> Vocabulary:
    """A vocabulary of these tags, each known by its name and aliases."""
    names: dict[int, list[str]] = {}
    for tag_id, alias in TagAlias.objects.filter(tag__in=tags).values_list("tag_id", "name"):
        names.setdefault(tag_id, []).append(alias)
    ids = dict(tags.values_list("name", "id"))
    return Vocabulary(Tagger((name, names.get(tag_id, [])) for name, tag_id in ids.items()), ids)


def texts_of(article: Article) -> tuple[str, str, str, str]:
    """(title, subtitle, lead, body) of a stored article."""
    sections = list(article.sections.order_by("position"))
    lead = plain_text(sections[0].html) if sections and not sections[0].heading else ""
    body = " ".join(f"{s.heading} {plain_text(s.html)}" for s in sections)
    return article.title, article.subtitle, lead, body


def apply(
    article: Article,
    names: list[str],
    tag_ids: dict[str, int],
    origin: str = ArticleTag.Origin.AUTO,
) -> tuple[int, int]:
    """Make the article's tags of this origin (automatic, or named by its
    file) these: add the missing ones (unless an editor removed them or the
    article has them already), drop those of the origin no longer found.
    Editor tags stay as they are. Returns (added, removed)."""
    wanted = {tag_ids[n] for n in names if n in tag_ids}
    have = dict(ArticleTag.objects.filter(article=article).values_list("tag_id", "origin"))
    removed_by_editor = set(
        RemovedTag.objects.filter(article=article).values_list("tag_id", flat=True)
    )
    add = [t for t in wanted if t not in have and t not in removed_by_editor]
    drop = [t for t, had in have.items() if had == origin and t not in wanted]
    ArticleTag.objects.bulk_create(
        [
            ArticleTag(
                article=article,
                tag_id=t,
                origin=origin,
                published_on=article.published_on,
            )
            for t in add
        ]
    )
    if drop:
        ArticleTag.objects.filter(article=article, tag_id__in=drop).delete()
    return len(add), len(drop)


def file_tag_ids(names: list[str]) -> dict[str, int]:
    """Tag ids for the tags a file names (a Markdown digest's categories):
    an existing tag of that name or alias, else a new tag that the
    automatic tagger leaves alone."""
    ids = {}
    for name in dict.fromkeys(n[:100] for n in names if n.strip()):
        tag = Tag.objects.named(name).first()
        if tag is None:
            tag = Tag(name=name, automatic=False)
            base = make_slug(name, fallback="tag")[:90]
            tag.slug, n = base, 2
            while Tag.objects.filter(slug=tag.slug).exists():
                tag.slug, n = f"{base}-{n}", n + 1
            tag.save()
        ids[name] = tag.id
    return ids
