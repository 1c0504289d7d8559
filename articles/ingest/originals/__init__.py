"""An article's origin page: fetched safely, its main text extracted
(issue #21). Pure Python: the Django side builds the ``Policy`` from the
settings (``articles.ingest.originals_settings.policy_from_settings``).

    fetched = fetch(url, policy)          # FetchRefused(reason) on any refusal
    extracted = extract_fetched(fetched)  # ExtractRefused(NO_TEXT) when empty
"""

from __future__ import annotations

from .extraction import Block, BlockKind, Extracted, extract, extract_fetched, extract_plain
from .fetching import USER_AGENT, Fetched, Policy, address_allowed, fetch
from .refusals import ExtractRefused, FetchRefused, OriginalRefused, Reason

__all__ = [
    "USER_AGENT",
    "Block",
    "BlockKind",
    "ExtractRefused",
    "Extracted",
    "FetchRefused",
    "Fetched",
    "OriginalRefused",
    "Policy",
    "Reason",
    "address_allowed",
    "extract",
    "extract_fetched",
    "extract_plain",
    "fetch",
]
