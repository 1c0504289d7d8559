"""One module per kind of raw file, each behind the same small interface:

* ``detect(text)``: a number that says how strongly the text shows the
  format's features (0: not at all);
* ``parse(text, warnings) -> Split``: the articles found, with the file's
  origin, page URL, date and title. Article spans index ``text``, the raw
  text as decoded, so every split can be shown and redone.

``split`` picks the format by those features and falls back, in order, to the
formats that still fit when the first finds no article; text with no
structure at all still becomes one article, marked for review. A new format
is one new module here and one line in ``_PARSERS``.

Pure Python, no Django.
"""

from __future__ import annotations

from . import mangled, markdown_digest, mirror_post, plain
from .common import Format, ParseWarning, Split

_PARSERS = {
    Format.MARKDOWN_DIGEST: markdown_digest,
    Format.MANGLED_DIGEST: mangled,
    Format.MIRROR_POST: mirror_post,
    Format.PLAIN_TEXT: plain,
}


def detect(text: str) -> Format:
    """The format whose features the text shows, strongest first."""
    if markdown_digest.detect(text):
        return Format.MARKDOWN_DIGEST
    if mangled.detect(text):
        return Format.MANGLED_DIGEST
    if mirror_post.detect(text):
        return Format.MIRROR_POST
    return Format.PLAIN_TEXT


def split(text: str, warnings: list[ParseWarning]) -> tuple[Format, Split]:
    """The format of ``text`` and what its parser found: at least one article."""
    first = detect(text)
    # A mirror page with no '#Title' may hold one post; Markdown with no
    # heading to split at is plain text; mirror chrome is never a title line.
    fallbacks = {
        Format.MANGLED_DIGEST: [Format.MIRROR_POST],
        Format.MARKDOWN_DIGEST: [Format.PLAIN_TEXT],
    }
    for fmt in [first, *fallbacks.get(first, [])]:
        found = _PARSERS[fmt].parse(text, warnings)
        if found.articles:
            return fmt, found
    return Format.PLAIN_TEXT, plain.unstructured(text, warnings)
