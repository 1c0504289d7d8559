"""Run automatic tagging again over stored articles (after the vocabulary changed)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.ingest import autotag
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Tag every article again from the current vocabulary. Tags set by an editor stay; "
        "automatic tags an editor removed are not put back."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("ids", nargs="*", type=int, help="only these articles")

    def handle(self, *args, ids: list[int], **options) -> None:
        vocabulary = autotag.current()
        tagger, tag_ids = vocabulary.tagger, vocabulary.tag_ids
        articles = Article.objects.order_by("id")
        if ids:
            articles = articles.filter(id__in=ids)
        added = removed = count = 0
        for article in articles.iterator(chunk_size=500):
            with transaction.atomic():
                a, r = autotag.apply(article, tagger.tags(*autotag.texts_of(article)), tag_ids)
            added, removed, count = added + a, removed + r, count + 1
        self.stdout.write(f"{count} articles: {added} tags added, {removed} removed.")
