"""Why an origin could not give its text: one code per refusal, so the
callers count and translate them (``restore_originals`` summary, the admin
preview) instead of parsing English messages. Pure Python."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    BAD_URL = "bad_url"  # not a URL we can send (no host, bad port, credentials)
    SCHEME = "scheme"  # anything but http and https (file:, ftp:, javascript:)
    UNRESOLVABLE = "unresolvable"  # the host name has no address
    BLOCKED_ADDRESS = "blocked_address"  # loopback, private, link-local, multicast…
    UNREACHABLE = "unreachable"  # refused, reset, TLS failure
    TIMEOUT = "timeout"  # connect timeout or the total deadline
    TOO_MANY_REDIRECTS = "too_many_redirects"
    HTTP_STATUS = "http_status"  # anything but 2xx or a followed redirect
    BAD_RESPONSE = "bad_response"  # not HTTP, or a redirect without Location
    CONTENT_TYPE = "content_type"  # neither HTML nor plain text
    ENCODING = "encoding"  # a Content-Encoding we do not decode, or a corrupt one
    TOO_LARGE = "too_large"  # over the size cap, compressed or decompressed
    NO_TEXT = "no_text"  # the page has no main text to extract


class OriginalRefused(Exception):
    """The origin gave no usable text; ``reason`` says why, ``detail`` is for logs."""

    def __init__(self, reason: Reason, url: str, detail: str = "", *, status: int | None = None):
        self.reason = reason
        self.url = url
        self.detail = detail
        self.status = status
        super().__init__(
            f"{reason.value}: {detail} <{url}>" if detail else f"{reason.value} <{url}>"
        )


class FetchRefused(OriginalRefused):
    """Fetching was refused or failed (nothing was rendered or kept)."""


class ExtractRefused(OriginalRefused):
    """The page came, but no main text could be taken from it."""
