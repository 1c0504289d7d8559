"""Write parsed digests to the database.

``import_file`` parses one raw file and stores it in one transaction;
``reparse_source`` runs the current parser again over a stored source without
touching what editors changed. Both return a :class:`FileResult`.
"""

from __future__ import annotations

import glob
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from . import parsing
from .markup import paragraphs_to_markdown
from .models import Article, Link, Section, Source, make_slug


@dataclass
class FileResult:
    path: str
    status: str  # "imported", "skipped", "failed" or "reparsed"
    reason: str = ""
    source_id: int | None = None
    articles: int = 0
    sections: int = 0
    kept_edited: list[str] = field(default_factory=list)


def collect_paths(args: Iterable[str]) -> tuple[list[Path], list[FileResult]]:
    """Expand files, folders (their ``*.txt``, recursively) and globs.

    Returns the files in a stable order and a failed result for every
    argument that matched nothing.
    """
    found: dict[Path, None] = {}
    missing: list[FileResult] = []
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            matches = sorted(p for p in path.rglob("*.[tT][xX][tT]") if p.is_file())
        elif path.is_file():
            matches = [path]
        else:
            matches = sorted(Path(p) for p in glob.glob(arg, recursive=True) if Path(p).is_file())
        if not matches and not path.is_dir():
            missing.append(FileResult(arg, "failed", "no such file or directory"))
        for match in matches:
            found.setdefault(match, None)
    return list(found), missing


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def import_file(path: Path) -> FileResult:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return FileResult(str(path), "failed", exc.strerror or str(exc))
    return import_bytes(data, str(path))


def import_bytes(data: bytes, name: str) -> FileResult:
    sha = sha256_of(data)
    existing = Source.objects.filter(sha256=sha).values_list("id", flat=True).first()
    if existing is not None:
        return FileResult(name, "skipped", "imported before", source_id=existing)
    try:
        digest = parsing.parse(data)
    except parsing.ParseError as exc:
        return FileResult(name, "failed", str(exc))
    try:
        with transaction.atomic():
            source = Source.objects.create(
                sha256=sha,
                filename=Path(name).name,
                size=len(data),
                raw_text=digest.text,
                encoding=digest.encoding,
                origin_url=digest.origin_url or "",
                page_url=digest.page_url or "",
                published_on=digest.published_on,
                parser_version=parsing.PARSER_VERSION,
                warnings=digest.warnings,
            )
            articles, sections = _write_articles(source, digest.articles, first_position=1)
    except IntegrityError:
        # Another import stored the same file between our check and now.
        return FileResult(name, "skipped", "imported concurrently")
    return FileResult(name, "imported", source_id=source.id, articles=articles, sections=sections)


def _write_articles(
    source: Source, parsed: list[parsing.Article], first_position: int
) -> tuple[int, int]:
    published_on = source.published_on or timezone.localdate()
    articles = Article.objects.bulk_create(
        [
            Article(
                source=source,
                position=first_position + i,
                title=a.title[:500],
                subtitle=a.subtitle[:500],
                slug=make_slug(a.title),
                published_on=published_on,
                span_start=a.start,
                span_end=a.end,
            )
            for i, a in enumerate(parsed)
        ]
    )
    sections: list[Section] = []
    links: list[Link] = []
    for article, a in zip(articles, parsed, strict=True):
        sections.extend(_sections_for(article, a))
        links.extend(Link(article=article, position=i, url=u) for i, u in enumerate(a.links, 1))
    Section.objects.bulk_create(sections)
    Link.objects.bulk_create(links)
    return len(articles), len(sections)


def _sections_for(article: Article, parsed: parsing.Article) -> list[Section]:
    out = []
    anchors: set[str] = set()
    for position, s in enumerate(parsed.sections, 1):
        anchor = ""
        if s.heading:
            anchor = base = make_slug(s.heading, fallback=f"section-{position}")
            n = 2
            while anchor in anchors:
                anchor, n = f"{base}-{n}", n + 1
            anchors.add(anchor)
        section = Section(
            article=article,
            position=position,
            heading=s.heading[:500],
            anchor=anchor,
            body=paragraphs_to_markdown(s.paragraphs, parsed.links),
        )
        section.render()
        out.append(section)
    return out


def reparse_source(source: Source) -> FileResult:
    """Run the current parser over a stored source.

    Articles no editor touched are rebuilt from the new parse (keeping their
    ids, so permalinks survive when a split did not move); edited ones are
    left exactly as they are, and new articles that overlap them are dropped.
    """
    result = FileResult(source.filename, "reparsed", source_id=source.id)
    try:
        digest = parsing.parse_text(source.raw_text, source.encoding)
    except parsing.ParseError as exc:
        return FileResult(source.filename, "failed", str(exc), source_id=source.id)

    with transaction.atomic():
        existing = list(source.articles.select_for_update().order_by("span_start"))
        edited = [a for a in existing if a.edited]
        result.kept_edited = [a.title for a in edited]
        fresh = [
            p for p in digest.articles
            if not any(p.start < e.span_end and e.span_start < p.end for e in edited)
        ]  # fmt: skip
        reusable = [a for a in existing if not a.edited]
        # Park every position out of the way so renumbering cannot collide.
        parked = 1 + max((a.position for a in existing), default=0)
        source.articles.update(position=F("position") + parked)

        unmatched = []
        for parsed in fresh:
            match = _best_overlap(parsed, reusable)
            if match is None:
                unmatched.append(parsed)
                continue
            reusable.remove(match)
            result.sections += _update_article(match, parsed)
            result.articles += 1
        Article.objects.filter(id__in=[a.id for a in reusable]).delete()
        first_free = 2 * parked + len(existing)
        created, sections = _write_articles(source, unmatched, first_position=first_free)
        result.articles += created
        result.sections += sections

        # Contiguous positions again, in the order of the raw text.
        for position, article in enumerate(source.articles.order_by("span_start"), 1):
            if article.position != position:
                Article.objects.filter(id=article.id).update(position=position)
        source.warnings = digest.warnings
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


def _update_article(article: Article, parsed: parsing.Article) -> int:
    article.title = parsed.title[:500]
    article.subtitle = parsed.subtitle[:500]
    article.slug = make_slug(parsed.title)
    article.span_start, article.span_end = parsed.start, parsed.end
    article.save(
        update_fields=["title", "subtitle", "slug", "span_start", "span_end", "updated_at"]
    )
    article.sections.all().delete()
    article.links.all().delete()
    sections = Section.objects.bulk_create(_sections_for(article, parsed))
    Link.objects.bulk_create(
        Link(article=article, position=i, url=u) for i, u in enumerate(parsed.links, 1)
    )
    return len(sections)


def dry_run_record(path: str, data: bytes | None, error: str = "") -> dict:
    """The ``--dry-run --json`` record of one file (a shape other tools rely on).

    ``data`` is None for a file that could not be read; ``error`` says why.
    """
    record: dict = {
        "path": path,
        "sha256": None if data is None else sha256_of(data),
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
    record.update(
        encoding=digest.encoding,
        origin_url=digest.origin_url,
        page_url=digest.page_url,
        published_on=digest.published_on.isoformat() if digest.published_on else None,
        warnings=digest.warnings,
        articles=[
            {
                "title": a.title,
                "subtitle": a.subtitle,
                "links": a.links,
                "tags": a.tags,
                "sections": [
                    {"heading": s.heading, "paragraphs": s.paragraphs} for s in a.sections
                ],
            }
            for a in digest.articles
        ],
    )
    return record
