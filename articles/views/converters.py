"""Path converters: what a URL segment may be before a view sees it."""

from __future__ import annotations

from articles.lib.ids import MAX_ID


class Text:
    """A path segment without control characters (PostgreSQL refuses NUL in
    text, and no slug or token has any)."""

    regex = "[^/\x00-\x1f\x7f]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class Id:
    """A primary key: ASCII digits within a 64-bit integer. Anything longer
    or larger is no match (404), not a query that overflows."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= MAX_ID:
            raise ValueError(value)
        return number

    def to_url(self, value: int) -> str:
        return str(value)
