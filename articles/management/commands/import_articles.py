from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.ingest import autotag, importer
from articles.ingest.importer import FileStatus
from articles.ingest.parsing import PARSER_VERSION
from articles.management.progress import Progress
from articles.models import Source


class Command(BaseCommand):
    help = "Import raw files (files, folders of *.txt, *.md and *.markdown, globs) as articles."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", help="files, folders (recursively) or globs")
        parser.add_argument("--dry-run", action="store_true", help="parse only, write nothing")
        parser.add_argument("--json", action="store_true", help="with --dry-run: print JSON")
        parser.add_argument(
            "--reparse",
            action="store_true",
            help="run the current parser again over stored sources parsed by an older one",
        )
        parser.add_argument(
            "--force", action="store_true", help="with --reparse: every source, however new"
        )
        parser.add_argument(
            "--restore-originals",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="then restore the new sources' punctuation from their origin pages "
            "(restore_originals); default: the ORIGINALS_RESTORE_ON_IMPORT setting",
        )

    def handle(self, *args, **options) -> None:
        self.verbosity = options["verbosity"]
        self.progress = Progress(self.stdout)
        if options["json"] and not options["dry_run"]:
            raise CommandError("--json goes with --dry-run")
        if options["reparse"]:
            results = self._reparse(options["force"])
        else:
            if not options["paths"]:
                raise CommandError("name at least one file, folder or glob")
            files, results = importer.collect_paths(options["paths"])
            if options["dry_run"]:
                results = self._dry_run(files, results, as_json=options["json"])
            else:
                results = self._import(files, results)
                restoring = options["restore_originals"]
                if restoring is None:
                    restoring = settings.ORIGINALS_RESTORE_ON_IMPORT
                if restoring:
                    self._restore(results, options["verbosity"])
        failed = [r for r in results if r.status == FileStatus.FAILED]
        if failed:
            raise CommandError(f"{len(failed)} file(s) failed")

    def _import(self, files: list[Path], results: list[importer.FileResult]):
        started = time.monotonic()
        for r in results:
            self._report(r, listed=True)
        for index, result in enumerate(importer.import_files(files), 1):
            results.append(result)
            self._report(result)
            self.progress.update(index, len(files))
        self._summary(results, time.monotonic() - started)
        return results

    def _restore(self, results: list[importer.FileResult], verbosity: int) -> None:
        """The sources this run imported, restored from their origins."""
        ids = [r.source_id for r in results if r.status == FileStatus.IMPORTED and r.source_id]
        if ids:
            call_command("restore_originals", sources=ids, stdout=self.stdout, verbosity=verbosity)

    def _reparse(self, force: bool):
        started = time.monotonic()
        sources = Source.objects.order_by("id")
        if not force:
            sources = sources.filter(parser_version__lt=PARSER_VERSION)
        results = []
        ids = list(sources.values_list("id", flat=True))
        for index, source_id in enumerate(ids, 1):
            result = importer.reparse_source(Source.objects.get(id=source_id))
            results.append(result)
            self._report(result)
            for title in result.kept_edited:
                self.stdout.write(f"  kept edited article: {title}")
            self.progress.update(index, len(ids))
        self._summary(results, time.monotonic() - started)
        return results

    def _dry_run(self, files: list[Path], results: list[importer.FileResult], as_json: bool):
        skipped = [r for r in results if r.status == FileStatus.SKIPPED]
        records = [
            importer.dry_run_record(r.path, None, r.reason) for r in results if r not in skipped
        ]
        tagger = autotag.current().tagger
        for path in files:
            try:
                data = importer.read_raw(path)
            except OSError as exc:
                records.append(importer.dry_run_record(str(path), None, exc.strerror or str(exc)))
            else:
                records.append(importer.dry_run_record(str(path), data, tagger=tagger))
        if as_json:
            listed = [{"path": r.path, "reason": r.reason} for r in skipped]
            self.stdout.write(json.dumps({"files": records, "skipped": listed}, ensure_ascii=False))
        else:
            for r in skipped:
                self.stdout.write(f"skipped {r.path}: {r.reason}")
            for record in records:
                if record["error"]:
                    self.stdout.write(f"FAILED {record['path']}: {record['error']}")
                else:
                    self.stdout.write(
                        f"ok {record['path']} ({record['format']}): "
                        f"{len(record['articles'])} articles"
                    )
                    for article in record["articles"]:
                        self.stdout.write(f"  - {article['title']}")
        return [
            importer.FileResult(
                r["path"],
                FileStatus.FAILED if r["error"] else FileStatus.PARSED,
                r["error"] or "",
            )
            for r in records
        ]

    def _report(self, result: importer.FileResult, listed: bool = False) -> None:
        """Failures always; what the paths named but were left out (``listed``)
        at the normal verbosity; everything with ``-v 2``."""
        if result.status == FileStatus.FAILED:
            self.progress.clear()
            self.stderr.write(f"FAILED {result.path}: {result.reason}")
        elif listed and self.verbosity >= 1:
            self.progress.clear()
            self.stdout.write(f"{result.status} {result.path}: {result.reason}")
        elif self.verbosity >= 2:
            self.progress.clear()
            self.stdout.write(f"{result.status} {result.path}: {result.articles} articles")

    def _summary(self, results: list[importer.FileResult], seconds: float) -> None:
        self.progress.clear()
        statuses = ("imported", "reparsed", "skipped", "failed")
        count = {s: sum(r.status == s for r in results) for s in statuses}
        articles = sum(r.articles for r in results)
        sections = sum(r.sections for r in results)
        done = "reparsed" if count["reparsed"] else "imported"
        self.stdout.write(
            f"{len(results)} files: {count[done]} {done}, {count['skipped']} skipped, "
            f"{count['failed']} failed; "
            f"{articles} articles, {sections} sections in {seconds:.1f} s"
        )
