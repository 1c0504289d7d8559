"""Reading and writing bookmark files (no database)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from articles.readers.bookmark_files import BadFile, Entry, parse, to_json, to_netscape

FIREFOX = b"""<!DOCTYPE NETSCAPE-Bookmark-file-1>
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks Menu</H1>
<DL><p>
    <DT><H3 ADD_DATE="1700000000">AI</H3>
    <DL><p>
        <DT><A HREF="https://news.example/articles/7/x/" ADD_DATE="1736000000"
            TAGS="ai">DeepSeek &amp; MoE</A>
        <DD>read &lt;later&gt;
        <DT><A HREF="https://other.example/">Other</A>
    </DL><p>
</DL>
"""


def test_it_reads_a_browser_export_with_folders_and_notes():
    first, second = parse(FIREFOX)
    assert first == Entry(
        "https://news.example/articles/7/x/",
        "DeepSeek & MoE",
        "read <later>",
        datetime.fromtimestamp(1736000000, tz=UTC),
    )
    assert (second.url, second.title, second.note) == ("https://other.example/", "Other", "")


def test_json_and_netscape_round_trip():
    entries = [
        Entry(
            "https://n.example/articles/1/a/",
            "标题 & <b>",
            "笔记\n两行",
            datetime(2025, 1, 17, tzinfo=UTC),
        ),
        Entry("https://n.example/articles/2/b/"),
    ]
    assert parse(to_json(entries).encode()) == entries
    back = parse(to_netscape(entries).encode())
    assert [(e.url, e.title, e.added) for e in back] == [(e.url, e.title, e.added) for e in entries]
    assert back[0].note == "笔记\n两行"


@pytest.mark.parametrize("data", [b"", b"hello", b"[not json", b"\x00\xff"])
def test_anything_else_is_a_bad_file(data):
    with pytest.raises(BadFile):
        parse(data)
