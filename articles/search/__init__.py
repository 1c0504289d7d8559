"""Search: tokens and the query language (``text``, pure Python), the
index's upkeep (``index``), the search the pages list from (``listing``),
and the SQL of each database (``engines``). What the rest of the app uses is
named here.

The names are looked up when first used, so the import's worker processes
can use ``articles.search.text`` without loading Django's models.
"""

from __future__ import annotations

import importlib

_WHERE = {
    "batch": "index",
    "index_new": "index",
    "rebuild": "index",
    "recency_key": "index",
    "sync": "index",
    "BEST": "listing",
    "NEWEST": "listing",
    "Hit": "listing",
    "Results": "listing",
    "papers_of": "listing",
    "search": "listing",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'articles.search' has no attribute {name!r}")
    return getattr(importlib.import_module(f"articles.search.{_WHERE[name]}"), name)
