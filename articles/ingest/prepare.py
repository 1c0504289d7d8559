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
class Prepared:
    digest: parsing.Digest
    sections: list[list[RenderedSection]]  # per article, in order
    tokens: list[tuple[str, str]]  # per article: search tokens of title, body
    copies: list[tuple[str, list[int], list[int]]]  # per article: articles.ingest.dedupe measures
    tags: list[list[str]]  # per article: the tagger's tag names
    minutes: list[int]  # per article: reading time


def prepare(data: bytes, tagger: Tagger | None = None) -> Prepared:
    """Parse and render a raw file, and tag it with ``tagger``; raises
    parsing.ParseError."""
    return render(parsing.parse(data), tagger)


def prepare_text(text: str, encoding: str, tagger: Tagger | None = None) -> Prepared:
    return render(parsing.parse_text(text, encoding), tagger)


def render(digest: parsing.Digest, tagger: Tagger | None = None) -> Prepared:
    sections, tokens, copies, minutes = [], [], [], []
    tags = [tagger.tags(*tagger_texts(a)) if tagger else [] for a in digest.articles]
    for article in digest.articles:
        rendered = []
        for section in article.sections:
            if section.markdown:  # a Markdown file's own: it goes through the same sanitiser
                body = "\n\n".join(section.paragraphs)
            else:
                body = paragraphs_to_markdown(section.paragraphs, article.links)
            rendered.append(RenderedSection(section.heading, body, render_markdown(body)))
        sections.append(rendered)
        html = [s.html for s in rendered]
        text = dedupe_text(article.title, html)
        copies.append(dedupe.measure(text, html))
        minutes.append(article_minutes(html))
        tokens.append(
            document_tokens(
                article.title, article.subtitle, [(s.heading, s.html) for s in rendered]
            )
        )
    return Prepared(digest, sections, tokens, copies, tags, minutes)


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
