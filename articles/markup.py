"""Markdown to safe HTML: the one place imported text becomes markup.

Everything that reaches a page as HTML goes through ``render_markdown``.
"""

from __future__ import annotations

import re
import threading
from functools import partial

import bleach
import markdown
from bleach.linkifier import LinkifyFilter

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4",
        "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody",
        "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "abbr": ["title"], "th": ["align"], "td": ["align"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def _link_attrs(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = "nofollow noopener"
    return attrs


# One html5lib pass both cleans and linkifies bare URLs.
_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=False,
    strip_comments=True,
    filters=[
        partial(
            LinkifyFilter, callbacks=[_link_attrs], skip_tags={"pre", "code"}, parse_email=False
        )
    ],
)
# Building a Markdown instance costs more than converting a section, so each
# thread keeps one and resets it between documents.
_local = threading.local()


def _markdown() -> markdown.Markdown:
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(
            extensions=["tables", "sane_lists"], output_format="html"
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
