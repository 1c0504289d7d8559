"""The Chinese translation: complete, and compiled from the catalogue as committed."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def entries() -> list[tuple[str, str, bool]]:
    """(msgid, first msgstr, fuzzy) of every entry of django.po but the header;
    a msgid with a context is written as the catalogue keys it, context\x04msgid."""
    found = []
    for block in (CATALOGUE / "django.po").read_text().split("\n\n"):
        strings: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            if m := re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[0\])?) "(.*)"$', line):
                key = m.group(1).replace("[0]", "")
                strings[key] = m.group(2)
            elif line.startswith('"') and key:
                strings[key] += line[1:-1]
            elif not line.startswith("#"):
                key = None
        if strings.get("msgid"):
            msgid = strings["msgid"]
            if "msgctxt" in strings:
                msgid = f"{strings['msgctxt']}\x04{msgid}"
            found.append((msgid, strings.get("msgstr", ""), "fuzzy" in block))
    return found


def test_every_message_is_translated():
    missing = [msgid for msgid, msgstr, fuzzy in entries() if not msgstr or fuzzy]
    assert entries() and not missing


def test_the_compiled_catalogue_matches_the_source():
    with open(CATALOGUE / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    unescape = {r"\"": '"', r"\n": "\n", r"\\": "\\"}

    def text(s: str) -> str:
        return re.sub(r"\\[\"n\\]", lambda m: unescape[m.group(0)], s)

    stale = [
        msgid
        for msgid, msgstr, _ in entries()
        if compiled._catalog.get(text(msgid), compiled._catalog.get((text(msgid), 0)))
        != text(msgstr)
    ]
    assert not stale, "run: manage.py compilemessages -l zh_Hans"
