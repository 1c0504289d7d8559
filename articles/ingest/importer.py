"""Write parsed digests to the database.

``import_files`` parses raw files and stores each in one transaction;
``reparse_source`` runs the current parser again over a stored source without
touching what editors changed. Both return a :class:`FileResult`.
"""

from __future__ import annotations

import glob
import hashlib
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from django.db import IntegrityError, connection, reset_queries, transaction
from django.db.models import F
from django.utils import timezone

from articles import search
from articles.ingest import autotag, dedupe, parsing, prepare, review
from articles.ingest.reasons import ParseWarning
from articles.ingest.tagging import Tagger
from articles.lib.urls import make_slug
from articles.models import (
    Appearance,
    Article,
    ArticleSketch,
    ArticleTag,
    Link,
    Section,
    SketchEntry,
    Source,
)


class FileStatus(StrEnum):
    IMPORTED = "imported"
    SKIPPED = "skipped"  # imported before, or not a file to import
    FAILED = "failed"
    REPARSED = "reparsed"
    PARSED = "parsed"  # --dry-run


@dataclass
class FileResult:
    path: str
    status: FileStatus
    reason: str = ""
    source_id: int | None = None
    articles: int = 0
    sections: int = 0
    kept_edited: list[str] = field(default_factory=list)

    def named(self, path: str) -> FileResult:
        return replace(self, path=path)


# What a folder's files must end in to be imported; other files are listed
# as skipped. A file named on its own is imported whatever its name.
SUFFIXES = (".txt", ".md", ".markdown")
# Larger files are refused unread: digests are tens of kilobytes.
MAX_FILE_BYTES = 16 * 1024 * 1024


def collect_paths(args: Iterable[str]) -> tuple[list[Path], list[FileResult]]:
    """Expand files, folders (their ``*.txt``, ``*.md`` and ``*.markdown``,
    recursively, hidden folders left out) and globs.

    Returns the files in a stable order, and a result for every argument
    that matched nothing (failed) and every other file of a folder (skipped).
    """
    found: dict[Path, None] = {}
    missing: list[FileResult] = []
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            matches = []
            for p in sorted(path.rglob("*")):
                if not p.is_file() or any(
                    part.startswith(".") for part in p.relative_to(path).parts[:-1]
                ):
                    continue
                if p.suffix.lower() in SUFFIXES:
                    matches.append(p)
                else:
                    missing.append(
                        FileResult(str(p), FileStatus.SKIPPED, "not a .txt, .md or .markdown file")
                    )
        elif path.is_file():
            matches = [path]
        else:
            matches = sorted(Path(p) for p in glob.glob(arg, recursive=True) if Path(p).is_file())
        if not matches and not path.is_dir():
            missing.append(FileResult(arg, FileStatus.FAILED, "no such file or directory"))
        for match in matches:
            found.setdefault(match, None)
    return list(found), missing


def read_raw(path: Path) -> bytes:
    """A raw file's bytes; OSError (with a one-line strerror) when it cannot
    be read or is too large to be a digest."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise OSError(
            f"too large: {size / 2**20:.1f} MB"
            f" (files of at most {MAX_FILE_BYTES // 2**20} MB are imported)"
        )
    return path.read_bytes()


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# Files prepared ahead of the one being written, per worker: bounds memory.
_AHEAD = 4


def import_files(paths: Iterable[Path], workers: int | None = None) -> Iterator[FileResult]:
    """Import files in order, yielding a result as each one is done.

    Parsing and rendering (most of the work) run in worker processes while
    this process writes the previous files, one transaction each. With
    ``workers=0`` everything happens in this process. Files seen before are
    skipped without being parsed.
    """
    paths = list(paths)
    if workers is None:
        workers = (os.cpu_count() or 1) if len(paths) > 2 else 0
    pool = (
        ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        if workers
        else None
    )
    # (path, sha256, size, the work: a result already, a Future, or the bytes)
    pending: deque[tuple[str, str, int, FileResult | Future | bytes]] = deque()
    seen: dict[str, str] = {}
    vocabulary = autotag.current()  # as the run starts
    try:
        for path in paths:
            name = str(path)
            try:
                data = read_raw(path)
            except OSError as exc:
                pending.append(
                    (name, "", 0, FileResult(name, FileStatus.FAILED, exc.strerror or str(exc)))
                )
            else:
                sha = sha256_of(data)
                if sha in seen:
                    skipped = FileResult(name, FileStatus.SKIPPED, f"same file as {seen[sha]}")
                    pending.append((name, sha, 0, skipped))
                elif (existing := _existing(sha)) is not None:
                    pending.append((name, sha, 0, existing))
                else:
                    seen[sha] = name
                    work = pool.submit(prepare.prepare, data, vocabulary.tagger) if pool else data
                    pending.append((name, sha, len(data), work))
            while len(pending) > _AHEAD * workers:
                yield _finish(*pending.popleft(), vocabulary)
        while pending:
            yield _finish(*pending.popleft(), vocabulary)
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)


def _finish(
    name: str,
    sha: str,
    size: int,
    work: FileResult | Future | bytes,
    vocabulary: autotag.Vocabulary,
) -> FileResult:
    if isinstance(work, FileResult):
        return work.named(name)
    try:
        prepared = (
            work.result() if isinstance(work, Future) else prepare.prepare(work, vocabulary.tagger)
        )
    except parsing.ParseError as exc:
        return FileResult(name, FileStatus.FAILED, str(exc))
    except Exception as exc:  # a parser bug or a dead worker must not stop the batch
        return FileResult(name, FileStatus.FAILED, f"unexpected {type(exc).__name__}: {exc}"[:300])
    # Django keeps every query in DEBUG; a long import must not hoard them.
    reset_queries()
    return _store(prepared, sha, name, size, vocabulary)


def _existing(sha: str) -> FileResult | None:
    source_id = Source.objects.filter(sha256=sha).values_list("id", flat=True).first()
    if source_id is None:
        return None
    return FileResult("", FileStatus.SKIPPED, "imported before", source_id=source_id)


def _store(
    prepared: prepare.Prepared, sha: str, name: str, size: int, vocabulary: autotag.Vocabulary
) -> FileResult:
    digest = prepared.digest
    try:
        with transaction.atomic():
            source = Source.objects.create(
                sha256=sha,
                filename=Path(name).name,
                size=size,
                raw_text=digest.text,
                encoding=digest.encoding,
                format=digest.format,
                title=digest.title[:500],
                origin_url=digest.origin_url or "",
                page_url=digest.page_url or "",
                published_on=digest.published_on,
                parser_version=parsing.PARSER_VERSION,
                warnings=[w.stored() for w in digest.warnings],
            )
            articles, sections = _write_articles(
                source, prepared, range(len(digest.articles)), vocabulary
            )
    except IntegrityError:
        # Another import stored the same file between our check and now.
        return FileResult(name, FileStatus.SKIPPED, "imported concurrently")
    return FileResult(
        name, FileStatus.IMPORTED, source_id=source.id, articles=articles, sections=sections
    )


def _write_articles(
    source: Source,
    prepared: prepare.Prepared,
    which: Iterable[int],
    vocabulary: autotag.Vocabulary,
    first_position: int = 1,
) -> tuple[int, int]:
    """Create the articles ``which`` (indexes into the parse) of a source.

    An article already here (same normalised text) is not stored again: the
    source becomes one more place it appeared. One that nearly copies an
    article here is stored hidden, linked to the one it copies.
    """
    which = _new_articles(source, prepared, list(which))
    parsed = [prepared.digest.articles[i] for i in which]
    near = _near_copies(prepared, which)
    published_on = source.published_on or timezone.localdate()
    articles = Article.objects.bulk_create(
        [
            Article(
                source=source,
                position=first_position + n,
                title=a.title[:500],
                subtitle=a.subtitle[:500],
                byline=a.byline[:500],
                slug=make_slug(a.title),
                published_on=published_on,
                date_known=source.published_on is not None,
                span_start=a.start,
                span_end=a.end,
                review_reasons=review.reasons(a, prepared.digest.warnings),
                fingerprint=prepared.articles[i].measures.fingerprint,
                reading_minutes=prepared.articles[i].minutes,
                duplicate_of_id=near.get(i),
                status=_status(a, i in near),
            )
            for n, (a, i) in enumerate(zip(parsed, which, strict=True))
        ]
    )
    ArticleSketch.objects.bulk_create(
        ArticleSketch(article=article, hashes=prepared.articles[i].measures.sketch)
        for article, i in zip(articles, which, strict=True)
    )
    _insert_rows(
        "articles_sketchentry (hash, article_id)",
        [(h, article.id) for article, i in zip(articles, which, strict=True)
         for h in prepared.articles[i].measures.anchors],
    )  # fmt: skip
    sections: list[Section] = []
    links: list[Link] = []
    for article, a, i in zip(articles, parsed, which, strict=True):
        sections.extend(_sections_for(article, prepared.articles[i].sections))
        links.extend(Link(article=article, position=n, url=u) for n, u in enumerate(a.links, 1))
    Section.objects.bulk_create(sections)
    for link in links:
        link.classify()
    Link.objects.bulk_create(links)
    tag_ids = vocabulary.tag_ids
    file_tags = autotag.file_tag_ids([name for a in parsed for name in a.tags])
    rows = []
    for article, a, i in zip(articles, parsed, which, strict=True):
        auto = {tag_ids[name] for name in prepared.articles[i].tags}
        named = {file_tags[name[:100]] for name in a.tags} - auto
        day = published_on.isoformat()
        rows += [(article.id, t, ArticleTag.Origin.AUTO, day) for t in sorted(auto)]
        rows += [(article.id, t, ArticleTag.Origin.FILE, day) for t in sorted(named)]
    _insert_rows("articles_articletag (article_id, tag_id, origin, published_on)", rows)
    # bulk_create sends no signals: index here, with the workers' tokens.
    search.index_new(
        (a, prepared.articles[i].title_tokens, prepared.articles[i].body_tokens)
        for a, i in zip(articles, which, strict=True)
    )
    return len(articles), len(sections)


def _status(parsed: parsing.Article, near_copy: bool) -> str:
    if near_copy:
        return Article.Status.HIDDEN
    if parsed.needs_review:  # no structure found: an editor splits it first
        return Article.Status.REVIEW
    return Article.Status.PUBLISHED


def _insert_rows(table: str, rows: list[tuple]) -> None:
    """Plain rows into ``table (columns)``: for the many small rows of an
    import (tags, sketch entries), the ORM's per-object work cost more than
    the inserts. One statement per batch: PostgreSQL plans and runs each
    statement of an ``executemany`` on its own."""
    if not rows:
        return
    width = len(rows[0])
    size = 999 // width  # values a statement: SQLite's lowest limit (PostgreSQL's: 65,535)
    row_marks = "(" + ", ".join(["%s"] * width) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(
                f"INSERT INTO {table} VALUES {', '.join([row_marks] * len(batch))}",
                [value for row in batch for value in row],
            )


def _new_articles(source: Source, prepared: prepare.Prepared, which: list[int]) -> list[int]:
    """Those of ``which`` not here yet; the others become appearances."""
    fingerprints = {prepared.articles[i].measures.fingerprint for i in which}
    known: dict[str, int] = {}
    for article_id, fingerprint in (
        Article.objects.filter(fingerprint__in=fingerprints)
        .exclude(source=source)
        .order_by("-id")
        .values_list("id", "fingerprint")
    ):
        known[fingerprint] = article_id  # the oldest wins
    fresh = []
    for i in which:
        parsed = prepared.digest.articles[i]
        if (article_id := known.get(prepared.articles[i].measures.fingerprint)) is None:
            fresh.append(i)
            continue
        Appearance.objects.get_or_create(
            source=source,
            position=i + 1,
            defaults={"article_id": article_id, "span_start": parsed.start, "span_end": parsed.end},
        )
    return fresh


def _near_copies(prepared: prepare.Prepared, which: list[int]) -> dict[int, int]:
    """Which of these articles nearly copy one here: {index: article id}.

    Candidates share one of their longest paragraphs (an index lookup);
    the sketches then decide.
    """
    lookups = {i: prepared.articles[i].measures.anchors for i in which}
    hashes = {h for values in lookups.values() for h in values}
    if not hashes:
        return {}
    by_hash: dict[int, set[int]] = {}
    for h, article_id in SketchEntry.objects.filter(hash__in=hashes).values_list(
        "hash", "article_id"
    ):
        by_hash.setdefault(h, set()).add(article_id)
    candidates = {a for ids in by_hash.values() for a in ids}
    if not candidates:
        return {}
    known = {
        a.id: a for a in Article.objects.filter(id__in=candidates).only("id", "duplicate_of_id")
    }
    sketches = dict(
        ArticleSketch.objects.filter(article_id__in=candidates).values_list("article_id", "hashes")
    )
    near = {}
    for i, values in lookups.items():
        mine = {a for h in values for a in by_hash.get(h, ())}
        scored = [
            (dedupe.similarity(prepared.articles[i].measures.sketch, sketches[a]), a)
            for a in mine
            if a in known and a in sketches
        ]
        best = max(scored, default=(0.0, 0))
        if best[0] >= dedupe.NEAR:
            original = known[best[1]]
            near[i] = original.duplicate_of_id or original.id
    return near


def _sections_for(article: Article, rendered: list[prepare.RenderedSection]) -> list[Section]:
    out = []
    anchors: set[str] = set()
    for position, s in enumerate(rendered, 1):
        anchor = ""
        if s.heading:
            anchor = base = make_slug(s.heading, fallback=f"section-{position}")
            n = 2
            while anchor in anchors:
                anchor, n = f"{base}-{n}", n + 1
            anchors.add(anchor)
        out.append(
            Section(
                article=article,
                position=position,
                heading=s.heading[:500],
                anchor=anchor,
                body=s.body,
                html=s.html,
            )
        )
    return out


def reparse_source(source: Source) -> FileResult:
    """Run the current parser over a stored source.

    Articles no editor touched are rebuilt from the new parse (keeping their
    ids, so permalinks survive when a split did not move); edited ones, and
    those restored from their original (#21: a new parse would lose the
    punctuation), are left exactly as they are, and new articles that
    overlap them are dropped.
    """
    result = FileResult(source.filename, FileStatus.REPARSED, source_id=source.id)
    vocabulary = autotag.current()
    try:
        prepared = prepare.prepare_text(source.raw_text, source.encoding, vocabulary.tagger)
    except parsing.ParseError as exc:
        return FileResult(source.filename, FileStatus.FAILED, str(exc), source_id=source.id)
    digest = prepared.digest

    with transaction.atomic(), search.batch():
        existing = list(source.articles.select_for_update().order_by("span_start"))
        edited = [a for a in existing if a.edited or a.restored_at is not None]
        result.kept_edited = [a.title for a in edited]
        fresh = [
            i for i, p in enumerate(digest.articles)
            if not any(p.start < e.span_end and e.span_start < p.end for e in edited)
        ]  # fmt: skip
        reusable = [a for a in existing if a not in edited]
        # Park every position out of the way so renumbering cannot collide.
        parked = 1 + max((a.position for a in existing), default=0)
        source.articles.update(position=F("position") + parked)

        unmatched = []
        for i in fresh:
            match = _best_overlap(digest.articles[i], reusable)
            if match is None:
                unmatched.append(i)
                continue
            reusable.remove(match)
            result.sections += _update_article(
                match, prepared.articles[i], digest.warnings, vocabulary.tag_ids
            )
            result.articles += 1
        Article.objects.filter(id__in=[a.id for a in reusable]).delete()
        first_free = 2 * parked + len(existing)
        created, sections = _write_articles(source, prepared, unmatched, vocabulary, first_free)
        result.articles += created
        result.sections += sections

        # Contiguous positions again, in the order of the raw text.
        for position, article in enumerate(source.articles.order_by("span_start"), 1):
            if article.position != position:
                Article.objects.filter(id=article.id).update(position=position)
        source.warnings = [w.stored() for w in digest.warnings]
        source.format = digest.format
        source.title = digest.title[:500]
        source.origin_url = digest.origin_url or ""
        source.page_url = digest.page_url or ""
        source.published_on = digest.published_on
        source.parser_version = parsing.PARSER_VERSION
        source.save()
    return result


def _best_overlap(parsed: parsing.Article, candidates: list[Article]) -> Article | None:
    best, best_overlap = None, 0
    for article in candidates:
        overlap = min(parsed.end, article.span_end) - max(parsed.start, article.span_start)
        if overlap > best_overlap:
            best, best_overlap = article, overlap
    return best


def _update_article(
    article: Article,
    prepared: prepare.PreparedArticle,
    warnings: list[ParseWarning],
    tag_ids: dict[str, int],
) -> int:
    parsed = prepared.parsed
    article.title = parsed.title[:500]
    article.subtitle = parsed.subtitle[:500]
    article.byline = parsed.byline[:500]
    if article.status != Article.Status.HIDDEN:
        article.status = _status(parsed, near_copy=False)
    article.slug = make_slug(parsed.title)
    article.span_start, article.span_end = parsed.start, parsed.end
    article.review_reasons = review.reasons(parsed, warnings)
    measures = prepared.measures
    article.fingerprint = measures.fingerprint
    ArticleSketch.objects.update_or_create(article=article, defaults={"hashes": measures.sketch})
    SketchEntry.objects.filter(article=article).delete()
    SketchEntry.objects.bulk_create(SketchEntry(hash=h, article=article) for h in measures.anchors)
    article.save(
        update_fields=[
            "title",
            "subtitle",
            "byline",
            "status",
            "slug",
            "span_start",
            "span_end",
            "review_reasons",
            "fingerprint",
            "updated_at",
        ]
    )
    article.sections.all().delete()
    article.links.all().delete()
    sections = Section.objects.bulk_create(_sections_for(article, prepared.sections))
    search.sync([article.id])
    links = [Link(article=article, position=i, url=u) for i, u in enumerate(parsed.links, 1)]
    for link in links:
        link.classify()
    Link.objects.bulk_create(links)
    autotag.apply(article, prepared.tags, tag_ids)
    names = [name[:100] for name in parsed.tags]
    autotag.apply(article, names, autotag.file_tag_ids(names), ArticleTag.Origin.FILE)
    return len(sections)


def dry_run_record(
    path: str, data: bytes | None, error: str = "", tagger: Tagger | None = None
) -> dict:
    """The ``--dry-run --json`` record of one file (a shape other tools rely on).

    ``data`` is None for a file that could not be read; ``error`` says why.
    ``tags`` are those a real import would give: the file's own (a Markdown
    digest's categories) and the ``tagger``'s.
    """
    record: dict = {
        "path": path,
        "sha256": None if data is None else sha256_of(data),
        "format": None,
        "encoding": None,
        "origin_url": None,
        "page_url": None,
        "published_on": None,
        "warnings": [],
        "error": error or None,
        "articles": [],
    }
    if data is None:
        return record
    try:
        digest = parsing.parse(data)
    except parsing.ParseError as exc:
        record["error"] = str(exc)
        return record
    automatic = [tagger.tags(*prepare.tagger_texts(a)) if tagger else [] for a in digest.articles]
    record.update(
        format=str(digest.format),
        encoding=digest.encoding,
        origin_url=digest.origin_url,
        page_url=digest.page_url,
        published_on=digest.published_on.isoformat() if digest.published_on else None,
        warnings=[str(w) for w in digest.warnings],
        articles=[
            {
                "title": a.title,
                "subtitle": a.subtitle,
                "links": a.links,
                "tags": list(dict.fromkeys([*auto, *a.tags])),
                "sections": [
                    {"heading": s.heading, "paragraphs": s.paragraphs} for s in a.sections
                ],
            }
            for a, auto in zip(digest.articles, automatic, strict=True)
        ],
    )
    return record
