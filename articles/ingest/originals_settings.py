"""The Django side of ``ingest.originals``: its ``Policy`` from the settings
(``ORIGINALS_*``, documented in ``.env.example``)."""

from __future__ import annotations

from django.conf import settings

from .originals import Policy


def policy_from_settings() -> Policy:
    return Policy(
        allow_addresses=tuple(settings.ORIGINALS_ALLOW_ADDRESSES),
        max_bytes=settings.ORIGINALS_MAX_BYTES,
        connect_timeout=settings.ORIGINALS_CONNECT_TIMEOUT,
        total_timeout=settings.ORIGINALS_TIMEOUT,
    )
