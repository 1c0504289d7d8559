from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from articles import search


class Command(BaseCommand):
    help = "Rebuild the full-text search index from the articles, from scratch."

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        with transaction.atomic():
            count = search.rebuild()
        self.stdout.write(f"indexed {count} articles in {time.monotonic() - started:.1f} s")
