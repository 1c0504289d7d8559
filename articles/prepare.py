"""Parse a raw file and render its sections: the CPU-bound half of an import.

No Django here, so worker processes can run it while the importer writes the
previous file to the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import dedupe, parsing
from .markup import paragraphs_to_markdown, render_markdown
from .searchtext import document_tokens, plain_text


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
    copies: list[tuple[str, list[int], list[int]]]  # per article: articles.dedupe measures


def prepare(data: bytes) -> Prepared:
    """Parse and render a raw file; raises parsing.ParseError."""
    return render(parsing.parse(data))


def prepare_text(text: str, encoding: str) -> Prepared:
    return render(parsing.parse_text(text, encoding))


def render(digest: parsing.Digest) -> Prepared:
    sections, tokens, copies = [], [], []
    for article in digest.articles:
        rendered = []
        for section in article.sections:
            body = paragraphs_to_markdown(section.paragraphs, article.links)
            rendered.append(RenderedSection(section.heading, body, render_markdown(body)))
        sections.append(rendered)
        html = [s.html for s in rendered]
        text = dedupe_text(article.title, html)
        copies.append(dedupe.measure(text, html))
        tokens.append(
            document_tokens(
                article.title, article.subtitle, [(s.heading, s.html) for s in rendered]
            )
        )
    return Prepared(digest, sections, tokens, copies)


def dedupe_text(title: str, sections_html: list[str]) -> str:
    """The text duplicates are judged on: the title and the sections' text as
    stored (so stored articles can be measured the same way later)."""
    return " ".join([title, *(plain_text(h) for h in sections_html)])
