"""Take the main text out of a fetched origin page with trafilatura, the
main-content extractor read-it-later tools use, and hand it on as plain
text in blocks (headings, paragraphs, list items…). The page's HTML goes no
further than this module: nothing of it is rendered or stored as markup.
Pure Python."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from enum import StrEnum

from .fetching import Fetched
from .refusals import ExtractRefused, Reason


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ITEM = "item"  # of a list
    QUOTE = "quote"
    CODE = "code"
    ROW = "row"  # of a table, cells separated by tabs


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str  # plain text; a line break inside the block is "\n"
    level: int = 0  # 1–6 for headings


@dataclass(frozen=True)
class Extracted:
    title: str
    blocks: tuple[Block, ...]
    author: str = ""
    date: str = ""  # ISO date as the page states it, or ""

    @property
    def text(self) -> str:
        """The blocks, one blank line between two.

        >>> heading, paragraph = Block(BlockKind.HEADING, "一", 2), Block(BlockKind.PARAGRAPH, "二")
        >>> Extracted("t", (heading, paragraph)).text
        '一\\n\\n二'
        """
        return "\n\n".join(block.text for block in self.blocks)

    @property
    def headings(self) -> tuple[str, ...]:
        return tuple(b.text for b in self.blocks if b.kind == BlockKind.HEADING)


def extract(html: str, url: str) -> Extracted:
    """The main text of an HTML page; ``ExtractRefused(NO_TEXT)`` when there is none."""
    # Imported here: trafilatura and lxml cost every process 12 MB and 0.15 s
    # at start-up (the admin imports this module), and only a restore needs them.
    import trafilatura

    try:
        xml = trafilatura.extract(
            html,
            url=url,
            output_format="xml",
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            include_formatting=False,
            deduplicate=False,
        )
        doc = ET.fromstring(xml) if xml else None
    # Hostile markup must not take the caller down with whatever the
    # extractor or its parser raises; it just has no text.
    except Exception as error:  # noqa: BLE001
        raise ExtractRefused(Reason.NO_TEXT, url, f"{type(error).__name__}: {error}") from None
    main = doc.find("main") if doc is not None else None
    blocks = tuple(_blocks(main)) if main is not None else ()
    if not blocks:
        raise ExtractRefused(Reason.NO_TEXT, url, "no main text")
    return Extracted(
        title=_clean(doc.get("title", "")),
        blocks=blocks,
        author=_clean(doc.get("author", "")),
        date=doc.get("date", "") or "",
    )


def extract_plain(text: str, url: str) -> Extracted:
    """A plain-text origin as it is: paragraphs where blank lines are."""
    paragraphs = re.split(r"\n[ \t\u3000]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    blocks = tuple(
        Block(BlockKind.PARAGRAPH, cleaned) for p in paragraphs if (cleaned := _clean(p))
    )
    if not blocks:
        raise ExtractRefused(Reason.NO_TEXT, url, "empty")
    return Extracted(title="", blocks=blocks)


def extract_fetched(fetched: Fetched) -> Extracted:
    if fetched.is_html:
        return extract(fetched.text, fetched.url)
    return extract_plain(fetched.text, fetched.url)


_NESTED = {"list", "p", "quote", "table", "code", "head"}


def _blocks(element: ET.Element, kind: BlockKind | None = None):
    for child in element:
        tag = child.tag
        if tag == "head":
            rend = child.get("rend", "")
            level = int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2
            yield from _block(BlockKind.HEADING, child, level)
        elif tag == "list":
            for item in child.findall("item"):
                yield from _block(BlockKind.ITEM, item)
                yield from _blocks(item, BlockKind.ITEM)  # a list inside the item
        elif tag == "quote":
            if any(sub.tag in _NESTED for sub in child):
                yield from _blocks(child, BlockKind.QUOTE)
            else:
                yield from _block(BlockKind.QUOTE, child)
        elif tag == "code":
            yield from _block(BlockKind.CODE, child, keep_spaces=True)
        elif tag == "table":
            for row in child.iter("row"):
                cells = [_clean(_inline(cell)) for cell in row.findall("cell")]
                if any(cells):
                    yield Block(BlockKind.ROW, "\t".join(cells))
        elif any(sub.tag in _NESTED for sub in child):
            yield from _blocks(child, kind)
        else:
            yield from _block(kind or BlockKind.PARAGRAPH, child)


def _block(kind: BlockKind, element: ET.Element, level: int = 0, *, keep_spaces: bool = False):
    raw = _inline(element)
    text = raw.strip("\n") if keep_spaces else _clean(raw)
    if text.strip():
        yield Block(kind, text, level)


def _inline(element: ET.Element) -> str:
    """The text of an element and its inline children; ``<lb/>`` is a line break."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag not in _NESTED:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _clean(text: str) -> str:
    """Runs of spaces made one, each line trimmed, empty lines dropped."""
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
