"""Ids from requests: what a number in a URL or a form may be."""

from __future__ import annotations

# The largest primary key either database holds (a signed 64-bit integer);
# a larger number would overflow the query instead of finding nothing.
MAX_ID = 2**63 - 1


def id_from(value: object) -> int | None:
    """A primary key from a request, or None for anything else.

    >>> [id_from(v) for v in ("12", "0", "-1", "１２", "1e309", str(2**63), None)]
    [12, None, None, None, None, None, None]
    """
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()) or len(value) > 19:
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None
