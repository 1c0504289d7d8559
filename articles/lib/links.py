"""What an article's links point at: papers, code, or other references.

Pure Python, no Django: the article page groups links with it, and the
automatic tagging of a later issue can reuse it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

PAPER, CODE, REFERENCE = "paper", "code", "reference"

_ARXIV = re.compile(r"^/(?:abs|pdf|html)/(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")
_GITHUB = re.compile(r"^/([\w.-]+)/([\w.-]+)")


@dataclass(frozen=True)
class LinkKind:
    kind: str  # PAPER, CODE or REFERENCE
    label: str  # arXiv id, owner/repo, or the host


def classify(url: str) -> LinkKind:
    """
    >>> classify("https://arxiv.org/abs/2412.19437v2")
    LinkKind(kind='paper', label='arXiv:2412.19437')
    >>> classify("https://github.com/deepseek-ai/DeepSeek-V3/tree/main")
    LinkKind(kind='code', label='deepseek-ai/DeepSeek-V3')
    >>> classify("https://www.example.com/post?id=1")
    LinkKind(kind='reference', label='example.com')
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    if host in ("arxiv.org", "export.arxiv.org") and (m := _ARXIV.match(parts.path)):
        return LinkKind(PAPER, f"arXiv:{m[1]}")
    if host == "github.com" and (m := _GITHUB.match(parts.path)):
        return LinkKind(CODE, f"{m[1]}/{m[2].removesuffix('.git')}")
    return LinkKind(REFERENCE, host or url)


def web_url(url: str) -> str:
    """The URL if a browser may follow it as a link (http or https, with a
    host), else "": source URLs come from files anyone could have written.

    >>> web_url("https://example.com/post")
    'https://example.com/post'
    >>> web_url("javascript:alert(1)"), web_url("http://[::1"), web_url("//evil.example")
    ('', '', '')
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # an unclosed IPv6 bracket
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return url.strip()


def site_of(url: str) -> str:
    """The host a web URL points at, without "www.", else "".

    >>> site_of("https://www.jiqizhixin.com/articles/1"), site_of("ftp://x.org/")
    ('jiqizhixin.com', '')
    """
    url = web_url(url)
    return (urlsplit(url).hostname or "").removeprefix("www.") if url else ""
