"""Bookmarks in and out: JSON, and the Netscape bookmark file that browsers
and read-later apps export and import. Pure Python, no Django."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser


@dataclass
class Entry:
    url: str
    title: str = ""
    note: str = ""
    added: datetime | None = None


def to_json(entries: list[Entry]) -> str:
    return json.dumps(
        [
            {
                "url": e.url,
                "title": e.title,
                "note": e.note,
                "bookmarked_at": e.added.isoformat() if e.added else None,
            }
            for e in entries
        ],
        ensure_ascii=False,
        indent=1,
    )


def to_netscape(entries: list[Entry]) -> str:
    """
    >>> print(to_netscape([Entry("https://x.example/a?b=1&c", "标题 <1>", "笔记")]))
    <!DOCTYPE NETSCAPE-Bookmark-file-1>
    <META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
    <TITLE>Bookmarks</TITLE>
    <H1>Bookmarks</H1>
    <DL><p>
        <DT><A HREF="https://x.example/a?b=1&amp;c">标题 &lt;1&gt;</A>
        <DD>笔记
    </DL><p>
    """
    lines = [
        "<!DOCTYPE NETSCAPE-Bookmark-file-1>",
        '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">',
        "<TITLE>Bookmarks</TITLE>",
        "<H1>Bookmarks</H1>",
        "<DL><p>",
    ]
    for e in entries:
        added = f' ADD_DATE="{int(e.added.timestamp())}"' if e.added else ""
        lines.append(f'    <DT><A HREF="{html.escape(e.url)}"{added}>{html.escape(e.title)}</A>')
        if e.note:
            lines.append(f"    <DD>{html.escape(e.note)}")
    lines.append("</DL><p>")
    return "\n".join(lines)


class BadFile(ValueError):
    pass


def parse(data: bytes) -> list[Entry]:
    """Entries of a JSON export or a Netscape bookmark file."""
    text = data.decode("utf-8-sig", errors="replace").strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BadFile(f"not valid JSON: {exc.msg}") from None
        return [_from_json(item) for item in items if isinstance(item, dict) and item.get("url")]
    if re.match(r"(?i)<!DOCTYPE NETSCAPE-Bookmark-file|<DL|<DT|<HTML", text):
        parser = _Netscape()
        parser.feed(text)
        parser.close()
        return parser.entries
    raise BadFile("neither a JSON export nor a Netscape bookmark file")


def _from_json(item: dict) -> Entry:
    added = None
    if isinstance(item.get("bookmarked_at"), str):
        try:
            added = datetime.fromisoformat(item["bookmarked_at"])
        except ValueError:
            added = None
    return Entry(str(item["url"]), str(item.get("title") or ""), str(item.get("note") or ""), added)


class _Netscape(HTMLParser):
    """<DT><A HREF=… ADD_DATE=…>title</A> followed by an optional <DD>note."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.entries: list[Entry] = []
        self._in_link = False
        self._in_note = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            added = None
            if (stamp := values.get("add_date") or "").isdigit():
                added = datetime.fromtimestamp(int(stamp), tz=UTC)
            self.entries.append(Entry(values["href"] or "", added=added))
            self._in_link = True
        elif tag == "dd" and self.entries:
            self._in_note = True
        elif tag in ("dt", "dl"):
            self._in_note = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._in_link = False

    def handle_data(self, data: str) -> None:
        if self._in_link:
            self.entries[-1].title += data
        elif self._in_note:
            self.entries[-1].note = (self.entries[-1].note + data).strip()
