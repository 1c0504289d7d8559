from __future__ import annotations

import time
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.ingest import restore
from articles.ingest.originals_settings import policy_from_settings
from articles.management.progress import Progress
from articles.models import Source


class Command(BaseCommand):
    help = (
        "Restore the punctuation and line breaks of the sources' articles from their "
        "origin pages (fetched once and stored on the source)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source", type=int, action="append", dest="sources", metavar="ID",
            help="only this source (repeatable); default: every source with an origin URL",
        )  # fmt: skip
        parser.add_argument("--dry-run", action="store_true", help="fetch and align, write nothing")
        parser.add_argument(
            "--refetch", action="store_true", help="fetch again even when a copy is stored"
        )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        sources = Source.objects.order_by("id")
        if options["sources"]:
            sources = sources.filter(id__in=options["sources"])
            missing = set(options["sources"]) - set(sources.values_list("id", flat=True))
            if missing:
                raise CommandError(f"no source with id {', '.join(map(str, sorted(missing)))}")
        else:
            sources = sources.exclude(origin_url="")
        ids = list(sources.values_list("id", flat=True))
        policy = policy_from_settings()
        pacer = restore.Pacer(settings.ORIGINALS_PAUSE)
        progress = Progress(self.stdout)
        results = []
        for index, source_id in enumerate(ids, 1):
            result = restore.restore_source(
                Source.objects.get(id=source_id),
                policy,
                fetch=pacer.fetch,
                dry_run=options["dry_run"],
                refetch=options["refetch"],
            )
            results.append(result)
            progress.clear()
            self.stdout.write(f"[{index}/{len(ids)}] {_line(result, options['dry_run'])}")
            progress.update(index, len(ids))
        progress.clear()
        self.stdout.write(_summary(results, time.monotonic() - started, options["dry_run"]))
        for status in (restore.Status.REFUSED, restore.Status.UNREACHABLE):
            if why := _why(results, status):
                self.stdout.write(f"  {status.value}: {why}")


def _line(result: restore.SourceResult, dry_run: bool) -> str:
    name = f"source {result.source_id} ({result.name})"
    if result.status == restore.Status.RESTORED:
        verb = "would restore" if dry_run else "restored"
        notes = [f"{verb} {result.restored} article(s)"]
        if result.unchanged:
            notes.append(f"{result.unchanged} unchanged")
        if result.skipped_edited:
            notes.append(f"{result.skipped_edited} edited left alone")
        if result.refused:
            notes.append(f"{result.refused} refused")
        notes.append("fetched" if result.fetched else "stored copy")
        return f"{name}: {', '.join(notes)}"
    return f"{name}: {result.status.value.replace('_', ' ')}: {result.reason}"


def _summary(results: list[restore.SourceResult], seconds: float, dry_run: bool) -> str:
    count = {status: 0 for status in restore.Status}
    for r in results:
        count[r.status] += 1
    articles = sum(r.restored for r in results if r.status == restore.Status.RESTORED)
    verb = "would restore" if dry_run else "restored"
    return (
        f"{len(results)} source(s): {verb} {articles} article(s) in "
        f"{count[restore.Status.RESTORED]} source(s), "
        f"{count[restore.Status.REFUSED]} refused, "
        f"{count[restore.Status.UNREACHABLE]} unreachable, "
        f"{count[restore.Status.NO_ORIGIN]} without origin, in {seconds:.1f} s"
    )


def _why(results: list[restore.SourceResult], status: restore.Status) -> str:
    """ "2 low_coverage, 1 http_status 404": why sources were left as they were."""
    causes = Counter(r.cause for r in results if r.status == status and r.cause)
    return ", ".join(f"{n} {cause}" for cause, n in sorted(causes.items()))
