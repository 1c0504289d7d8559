"""An article's origin page, fetched safely (issue #21). Pure Python: the
Django side builds the ``Policy`` from the settings
(``articles.ingest.originals_settings.policy_from_settings``).

    fetched = fetch(url, policy)  # FetchRefused(reason) on any refusal
"""

from __future__ import annotations

from .fetching import USER_AGENT, Fetched, Policy, address_allowed, fetch
from .refusals import ExtractRefused, FetchRefused, OriginalRefused, Reason

__all__ = [
    "USER_AGENT",
    "ExtractRefused",
    "FetchRefused",
    "Fetched",
    "OriginalRefused",
    "Policy",
    "Reason",
    "address_allowed",
    "fetch",
]
