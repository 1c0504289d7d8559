"""Parse a raw file and render its sections: the CPU-bound half of an import.

No Django here, so worker processes can run it while the importer writes the
previous file to the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from articles.ingest import dedupe, parsing
from articles.ingest.tagging import Tagger
from articles.lib.markup import paragraphs_to_markdown, render_markdown
from articles.lib.text import plain_text
from articles.search.text import article_minutes, document_tokens


@dataclass
class RenderedSection:
    heading: str
    body: str  # Markdown
    html: str  # body rendered and sanitised


@dataclass
class PreparedArticle:
    """One parsed article, rendered and measured: all the import writes."""

    parsed: parsing.Article
    sections: list[RenderedSection]
    title_tokens: str  # search tokens of the title and subtitle
    body_tokens: str  # and of the headings and text
    measures: dedupe.Measures
    tags: list[str]  # the tagger's tag names
    minutes: int  # reading time


@dataclass
class Prepared:
    digest: parsing.Digest
    articles: list[PreparedArticle]  # in the digest's order


def prepare(data: bytes, tagger: Tagger | None = None) -> Prepared:
    """Parse and render a raw file, and tag it with ``tagger``; raises
    parsing.ParseError."""
    return render(parsing.parse(data), tagger)


def prepare_text(text: str, encoding: str, tagger: Tagger | None = None) -> Prepared:
    return render(parsing.parse_text(text, encoding), tagger)


def render(digest: parsing.Digest, tagger: Tagger | None = None) -> Prepared:
    return Prepared(digest, [_prepared(article, tagger) for article in digest.articles])


def _prepared(article: parsing.Article, tagger: Tagger | None) -> PreparedArticle:
    rendered = []
    for section in article.sections:
        if section.markdown:  # a Markdown file's own: it goes through the same sanitiser
            body = "\n\n".join(section.paragraphs)
        else:
            body = paragraphs_to_markdown(section.paragraphs, article.links)
        rendered.append(RenderedSection(section.heading, body, render_markdown(body)))
    html = [s.html for s in rendered]
    title_tokens, body_tokens = document_tokens(
        article.title, article.subtitle, [(s.heading, s.html) for s in rendered]
    )
    return PreparedArticle(
        parsed=article,
        sections=rendered,
        title_tokens=title_tokens,
        body_tokens=body_tokens,
        measures=dedupe.measure(dedupe_text(article.title, html), html),
        tags=tagger.tags(*tagger_texts(article)) if tagger else [],
        minutes=article_minutes(html),
    )


def tagger_texts(article: parsing.Article) -> tuple[str, str, str, str]:
    """(title, subtitle, lead, body) of a parsed article, for the tagger."""
    sections = article.sections
    lead = " ".join(sections[0].paragraphs) if sections and not sections[0].heading else ""
    body = " ".join(f"{s.heading} {' '.join(s.paragraphs)}" for s in sections)
    return article.title, article.subtitle, lead, body


def dedupe_text(title: str, sections_html: list[str]) -> str:
    """The text duplicates are judged on: the title and the sections' text as
    stored (so stored articles can be measured the same way later)."""
    return " ".join([title, *(plain_text(h) for h in sections_html)])
