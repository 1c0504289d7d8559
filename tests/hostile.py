"""Hostile input for the tests: strings for every parameter and form, and
raw files for the importer. A selection in the spirit of the Big List of
Naughty Strings, by kind, plus what this app's own parsers are sensitive to."""

from __future__ import annotations

STRINGS = [
    # empty, whitespace, control characters
    "",
    " ",
    "\t\n\r",
    "\x00",
    "a\x00b",
    "\x1b[31mred",
    "\u200b\u200e\u202e",
    "\ufeff",
    "\x7f",
    # numbers that are not, and big ones
    "0",
    "-1",
    "1e309",
    "NaN",
    "Infinity",
    "99999999999999999999999999",
    "0x10",
    "１２３",
    # Unicode: CJK, emoji, combining, RTL, surrogates' neighbours, odd scripts
    "蒸馏",
    "𠜎𠜱𠝹",
    "👩‍👩‍👧‍👦🇨🇳",
    "Z̴̧̛a̵l̷g̶o̴",
    "مرحبا",
    "\ud7ff\ue000",
    "ｆｕｌｌｗｉｄｔｈ",
    "Ω≈ç√∫",
    # HTML and script injection
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "<svg/onload=alert(1)>",
    "&lt;b&gt;",
    "&#x3C;script&#x3E;",
    "{{ 7*7 }}",
    "{% debug %}",
    "${7*7}",
    "<!--",
    "]]>",
    "<a href='//evil.example'>x</a>",
    # SQL
    "' OR '1'='1",
    "1; DROP TABLE articles_article; --",
    '" OR ""="',
    "%",
    "_",
    "\\",
    "'",
    '"',
    # FTS5 and tsquery syntax
    "NEAR(a b)",
    "a OR b",
    "a AND NOT b",
    "*",
    "a*",
    "^a",
    "col:term",
    "(a",
    ")",
    '"unbalanced',
    "a & b | !c",
    "a <-> b",
    "'a':*",
    "-",
    "--",
    "#",
    "tag:",
    "from:",
    "from:2025-99-99",
    "to:x",
    # paths and URLs
    "../../etc/passwd",
    "/\\evil.example",
    "https://evil.example/",
    "//evil.example",
    "%2e%2e%2f",
    "file:///etc/passwd",
    "a/b",
    "?a=b&c",
    "#frag",
    # sizes
    "x" * 10_000,
    "蒸" * 100_000,
    "a " * 50_000,
]

# Query strings with bytes that are not UTF-8, sent as they are.
RAW_QUERIES = ["q=%FF%FE", "q=%C3%28", "tag=%ED%A0%80", "q=%00%00", "page=%F0%9F", "q=%"]
