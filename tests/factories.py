"""Articles for view tests, made the way editors make them (signals index them)."""

from __future__ import annotations

import hashlib
import itertools
from datetime import date

from articles.ingest.importer import FileResult, import_files
from articles.models import Article, ArticleTag, Link, Section, Source, Tag

_numbers = itertools.count(1)


def make_source(name: str = "", **fields) -> Source:
    n = next(_numbers)
    defaults = {
        "sha256": hashlib.sha256(f"source {n}".encode()).hexdigest(),
        "filename": f"{name or f'digest-{n}'}.txt",
        "size": 1,
        "raw_text": "",
        "encoding": "utf-8",
        "parser_version": 1,
    }
    return Source.objects.create(**(defaults | fields))


def make_article(
    title: str,
    sections: list[tuple[str, str]] = (("", "正文。"),),
    *,
    source: Source | None = None,
    subtitle: str = "",
    tags: list[str] = (),
    links: list[str] = (),
    published_on: date = date(2025, 1, 17),
    **fields,
) -> Article:
    """An article with ``sections`` as (heading, Markdown body), in order."""
    source = source or make_source()
    position = (
        source.articles.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    article = Article.objects.create(
        source=source,
        position=position,
        title=title,
        subtitle=subtitle,
        slug=f"a-{next(_numbers)}",
        published_on=published_on,
        span_start=0,
        span_end=0,
        **fields,
    )
    for n, (heading, body) in enumerate(sections, 1):
        Section.objects.create(article=article, position=n, heading=heading, body=body)
    for n, url in enumerate(links, 1):
        Link.objects.create(article=article, position=n, url=url)
    for name in tags:
        tag, _ = Tag.objects.get_or_create(name=name)
        ArticleTag.objects.create(article=article, tag=tag)
    return article


def import_one(path) -> FileResult:
    """Import one raw file in this process, as the command would."""
    return next(import_files([path], workers=0))
