"""Markdown to safe HTML: the one place imported text becomes markup.

Everything that reaches a page as HTML goes through ``render_markdown``.
"""

from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as etree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from articles.lib.text import URL_CHARS

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4",
        "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody",
        "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# A bare URL, cut as the parser cuts them, or a bare www. address; it does
# not end in punctuation.
_BARE_URL = rf"(?:https?://|www\.){URL_CHARS}*[A-Za-z0-9/#=_~\-]"


class _BareLink(InlineProcessor):
    ANCESTOR_EXCLUDES = ("a",)

    def handleMatch(self, m, data):  # noqa: N802 (Markdown's API)
        link = etree.Element("a")
        url = m.group(0)
        link.set("href", url if "://" in url else f"http://{url}")
        link.text = markdown.util.AtomicString(url)
        return link, m.start(0), m.end(0)


class _Untrusted(Extension):
    """Markdown for text from anywhere: raw HTML is text, bare URLs are links."""

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.register(_BareLink(_BARE_URL, md), "bare_link", 115)


# Markdown no longer passes raw HTML through, and nh3 (the Rust sanitiser
# ammonia) is the second line: whatever Markdown makes is cut down to the
# allowed tags, attributes and URL schemes.
_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=set(ALLOWED_PROTOCOLS),
    link_rel="nofollow noopener",
    strip_comments=True,
)
# Building a Markdown instance costs more than converting a section, so each
# thread keeps one and resets it between documents.
_local = threading.local()


def _markdown() -> markdown.Markdown:
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(
            extensions=["tables", "sane_lists", _Untrusted()], output_format="html"
        )
    return md.reset()


def render_markdown(source: str) -> str:
    """Render untrusted Markdown to HTML that is safe to mark_safe.

    Raw HTML in the source is escaped, never interpreted (``<script>`` shows
    as text), links get ``rel="nofollow noopener"``, and only http(s) and
    mailto links survive.
    """
    return _cleaner.clean(_markdown().convert(source))


_MD_SPECIAL = re.compile(r"([\\`*\[\]])|(?<!\w)_|_(?!\w)")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Make plain text read as itself in Markdown.

    ``1. 注意 *星号* <b>`` becomes ``1\\. 注意 \\*星号\\* &lt;b>``: no list, no
    emphasis, no tag. Underscores inside words (``f_G``) are left alone.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), text)
    return _LINE_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), text)


def _escape_marker(marker: str) -> str:
    if marker[-1] in ".)":
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


def paragraphs_to_markdown(paragraphs: list[str], urls: list[str] | None = None) -> str:
    """Plain paragraphs to Markdown, with the given URLs as autolinks."""
    blocks = []
    for paragraph in paragraphs:
        blocks.append(_with_autolinks(paragraph, urls or []))
    return "\n\n".join(blocks)


def _with_autolinks(paragraph: str, urls: list[str]) -> str:
    present = sorted({u for u in urls if u in paragraph}, key=len, reverse=True)
    if not present:
        return escape_markdown(paragraph)
    pattern = re.compile("|".join(re.escape(u) for u in present))
    out, last = [], 0
    for match in pattern.finditer(paragraph):
        out.append(escape_markdown(paragraph[last : match.start()]))
        out.append(f"<{match.group(0)}>")
        last = match.end()
    out.append(escape_markdown(paragraph[last:]))
    return "".join(out)
