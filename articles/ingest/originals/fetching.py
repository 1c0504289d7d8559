"""Fetch an origin page whose URL came from a hostile raw file, without
letting that URL reach anything but a public web server. Pure Python (the
standard library only).

The defences, each against a known SSRF trick:

- http and https only; no credentials in the URL;
- the host is resolved once and *every* address checked (a name with one
  public and one private address is refused), then the connection goes to
  the checked address — no second lookup a rebinding DNS could answer
  differently — with the name kept for the Host header, SNI and certificate;
- redirects are followed by hand (3 at most), each hop checked again;
- a total deadline over every hop and the body, enforced by a watchdog that
  closes the socket, so a server trickling bytes cannot hold a worker;
- a size cap counted while streaming, on the wire and after decompression
  (a gzip bomb is refused without being inflated);
- HTML or plain text only; no cookies are sent or kept.
"""

from __future__ import annotations

import codecs
import contextlib
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import quote, urljoin, urlsplit

from .refusals import FetchRefused, Reason

USER_AGENT = "Newsroom/1.0 (+self-hosted AI news reader)"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = HTML_TYPES | {"text/plain"}
REDIRECTS = frozenset({301, 302, 303, 307, 308})
CHUNK = 64 * 1024

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Public-looking IPv6 prefixes that carry an IPv4 address a gateway will
# reach for us: NAT64 (RFC 6052) is checked through the address it embeds.
NAT64 = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True)
class Policy:
    """What a fetch may do. ``allow_addresses`` lists networks let through
    although not public (``("127.0.0.1",)`` for tests against a local server)."""

    allow_addresses: tuple[str, ...] = ()
    max_bytes: int = 5 * 1024 * 1024
    connect_timeout: float = 5.0
    total_timeout: float = 20.0
    max_redirects: int = 3
    user_agent: str = USER_AGENT
    accept_compressed: bool = True
    allowed_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        networks = tuple(
            ipaddress.ip_network(a.strip(), strict=False) for a in self.allow_addresses
        )
        object.__setattr__(self, "allowed_networks", networks)


@dataclass(frozen=True)
class Fetched:
    url: str  # the final URL, after redirects
    status: int
    content_type: str  # "text/html", "application/xhtml+xml" or "text/plain"
    charset: str  # the codec ``text`` was decoded with
    body: bytes  # decompressed, at most ``Policy.max_bytes``
    text: str
    fetched_at: datetime  # aware, UTC
    redirects: tuple[str, ...] = ()  # the URLs that answered with a redirect

    @property
    def is_html(self) -> bool:
        return self.content_type in HTML_TYPES


def fetch(url: str, policy: Policy) -> Fetched:
    """GET ``url`` under ``policy``; raise ``FetchRefused`` for any refusal."""
    deadline = time.monotonic() + policy.total_timeout
    redirects: list[str] = []
    current = url.strip()
    while True:
        target = _check_url(current)
        address = _checked_address(target, policy)
        outcome = _get(target, address, policy, deadline)
        if isinstance(outcome, Fetched):
            return replace(outcome, redirects=tuple(redirects))
        redirects.append(current)
        if len(redirects) > policy.max_redirects:
            raise FetchRefused(Reason.TOO_MANY_REDIRECTS, url, f"more than {policy.max_redirects}")
        current = urljoin(current, outcome)


def address_allowed(address: IPAddress, policy: Policy) -> bool:
    """Only globally routable unicast addresses, or those the policy allows.

    >>> address_allowed(ipaddress.ip_address("169.254.169.254"), Policy())
    False
    >>> address_allowed(ipaddress.ip_address("::ffff:10.0.0.1"), Policy())
    False
    >>> address_allowed(ipaddress.ip_address("127.0.0.1"), Policy(allow_addresses=("127.0.0.1",)))
    True
    """
    for embedded in _embedded_ipv4(address):
        if not address_allowed(embedded, policy):
            return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address_allowed(address.ipv4_mapped, policy)
    if any(address in network for network in policy.allowed_networks):
        return True
    return not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global  # also shared (100.64/10) and documentation ranges
    )


def _embedded_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    found = []
    if address.sixtofour:
        found.append(address.sixtofour)
    if address.teredo:
        found.extend(address.teredo)
    if address in NAT64:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str  # ASCII (IDNA), without brackets
    port: int
    path: str  # path and query, ready for the request line


def _check_url(url: str) -> _Target:
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        raise FetchRefused(Reason.BAD_URL, url, "control character or space")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise FetchRefused(Reason.BAD_URL, url, str(error)) from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise FetchRefused(Reason.SCHEME, url, scheme or "no scheme")
    if parts.username is not None or parts.password is not None:
        raise FetchRefused(Reason.BAD_URL, url, "credentials in the URL")
    if not parts.hostname:
        raise FetchRefused(Reason.BAD_URL, url, "no host")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchRefused(Reason.BAD_URL, url, "host name") from None
    safe = "/%:@!$&'()*+,;=-._~"
    path = quote(parts.path or "/", safe=safe)
    if parts.query:
        path += "?" + quote(parts.query, safe=safe + "?")
    return _Target(url, scheme, host, port or (443 if scheme == "https" else 80), path)


def _resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (a module function so tests can stand
    in for DNS)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def _checked_address(target: _Target, policy: Policy) -> IPAddress:
    try:
        literal = ipaddress.ip_address(target.host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        try:
            found = _resolve(target.host, target.port)
        except (OSError, UnicodeError) as error:
            raise FetchRefused(Reason.UNRESOLVABLE, target.url, str(error)) from None
        # A scope ("fe80::1%eth0") is no part of the address to judge.
        addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in found]
    if not addresses:
        raise FetchRefused(Reason.UNRESOLVABLE, target.url, "no address")
    blocked = [a for a in addresses if not address_allowed(a, policy)]
    if blocked:
        raise FetchRefused(Reason.BLOCKED_ADDRESS, target.url, str(blocked[0]))
    return addresses[0]


def _open_socket(address: IPAddress, port: int, timeout: float) -> socket.socket:
    return socket.create_connection((str(address), port), timeout=timeout)


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the checked address; ``host`` stays the name for the Host
    header."""

    def __init__(self, host: str, port: int, address: IPAddress, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._create_connection = lambda _addr, timeout, _source=None: _open_socket(
            address, port, timeout
        )


class _PinnedHTTPS(http.client.HTTPSConnection):
    """As ``_PinnedHTTP``; the TLS handshake sends the name (SNI) and checks the
    certificate against it."""

    def __init__(self, host: str, port: int, address: IPAddress, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._create_connection = lambda _addr, timeout, _source=None: _open_socket(
            address, port, timeout
        )


class _Watchdog:
    """Shuts the socket down at the deadline, so no read — of a header line or
    of the body — outlives it."""

    def __init__(self, seconds: float):
        self.fired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True

    def watch(self, sock: socket.socket) -> None:
        # The connection hands its socket to the response (and forgets it),
        # so the watchdog keeps its own reference.
        with self._lock:
            self._sock = sock
            if self.fired:
                self._shut()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            self._shut()

    def _shut(self) -> None:
        if self._sock is not None:
            # The plain socket's shutdown: a TLS one would try to talk first.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(self._sock, socket.SHUT_RDWR)

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def _get(target: _Target, address: IPAddress, policy: Policy, deadline: float) -> Fetched | str:
    """One request: the page, or the Location of a redirect."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchRefused(Reason.TIMEOUT, target.url, "total deadline")
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = kind(target.host, target.port, address, min(policy.connect_timeout, remaining))
    watchdog = _Watchdog(remaining)
    response = None
    try:
        with watchdog:
            try:
                connection.connect()
                watchdog.watch(connection.sock)
                connection.sock.settimeout(max(deadline - time.monotonic(), 0.001))
                connection.request("GET", target.path, headers=_headers(policy))
                response = connection.getresponse()
                outcome = _read(target, response, policy)
            except FetchRefused:
                # Headers cut short by the watchdog can look like a page without
                # a Content-Type: the deadline is the reason.
                if watchdog.fired:
                    raise FetchRefused(Reason.TIMEOUT, target.url, "total deadline") from None
                raise
            except TimeoutError:
                raise FetchRefused(Reason.TIMEOUT, target.url, "timed out") from None
            except (http.client.HTTPException, OSError) as error:
                if watchdog.fired:
                    raise FetchRefused(Reason.TIMEOUT, target.url, "total deadline") from None
                reason = (
                    Reason.BAD_RESPONSE
                    if isinstance(error, http.client.HTTPException)
                    and not isinstance(error, http.client.RemoteDisconnected)
                    else Reason.UNREACHABLE
                )
                raise FetchRefused(reason, target.url, f"{type(error).__name__}: {error}") from None
            # A body cut short by the watchdog can look complete.
            if watchdog.fired:
                raise FetchRefused(Reason.TIMEOUT, target.url, "total deadline")
            return outcome
    finally:
        # The response owns the socket once the headers are read: closing it
        # hangs up on a body we refuse, rather than letting it stream on.
        if response is not None:
            response.close()
        connection.close()


def _headers(policy: Policy) -> dict[str, str]:
    return {
        "User-Agent": policy.user_agent,
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9",
        "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
        "Accept-Encoding": "gzip, deflate" if policy.accept_compressed else "identity",
        "Connection": "close",
    }


def _read(target: _Target, response: http.client.HTTPResponse, policy: Policy) -> Fetched | str:
    status = response.status
    if status in REDIRECTS:
        location = response.getheader("Location")
        if not location:
            raise FetchRefused(Reason.BAD_RESPONSE, target.url, "redirect without Location")
        return location.strip()
    if not 200 <= status < 300:
        raise FetchRefused(Reason.HTTP_STATUS, target.url, str(status), status=status)
    if response.getheader("Content-Type") is None:
        raise FetchRefused(Reason.CONTENT_TYPE, target.url, "no Content-Type")
    content_type = response.headers.get_content_type()
    if content_type not in TEXT_TYPES:
        raise FetchRefused(Reason.CONTENT_TYPE, target.url, content_type)
    length = response.getheader("Content-Length", "")
    if length.strip().isdigit() and int(length) > policy.max_bytes:
        raise FetchRefused(Reason.TOO_LARGE, target.url, f"Content-Length {length}")
    body = _body(target, response, policy)
    charset = _charset(response.headers.get_content_charset(), body, content_type)
    return Fetched(
        url=target.url,
        status=status,
        content_type=content_type,
        charset=charset,
        body=body,
        text=body.decode(charset, errors="replace"),
        fetched_at=datetime.now(UTC),
    )


def _body(target: _Target, response: http.client.HTTPResponse, policy: Policy) -> bytes:
    limit = policy.max_bytes
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding in {"gzip", "x-gzip"}:
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        decoder = _Deflate()
    elif encoding == "identity":
        decoder = None
    else:
        raise FetchRefused(Reason.ENCODING, target.url, encoding)
    wire = 0
    out = bytearray()
    while chunk := response.read(CHUNK):
        wire += len(chunk)
        if wire > limit:
            raise FetchRefused(Reason.TOO_LARGE, target.url, f"over {limit} bytes")
        if decoder is None:
            out += chunk
        else:
            try:
                # Inflate no more than one byte past the cap, however small the input.
                out += decoder.decompress(chunk, limit - len(out) + 1)
                while decoder.unconsumed_tail and len(out) <= limit:
                    out += decoder.decompress(decoder.unconsumed_tail, limit - len(out) + 1)
            except zlib.error as error:
                raise FetchRefused(Reason.ENCODING, target.url, str(error)) from None
        if len(out) > limit:
            raise FetchRefused(Reason.TOO_LARGE, target.url, f"over {limit} bytes decoded")
    return bytes(out)


class _Deflate:
    """``deflate`` is zlib-wrapped by the standard and raw by some servers."""

    def __init__(self) -> None:
        self._decoder = zlib.decompressobj()
        self._started = False

    @property
    def unconsumed_tail(self) -> bytes:
        return self._decoder.unconsumed_tail

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if not self._started:
            self._started = True
            try:
                return self._decoder.decompress(data, max_length)
            except zlib.error:
                self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
        return self._decoder.decompress(data, max_length)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Pages that say GB2312 or GBK are often written in GB18030, their superset.
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "ascii": "utf-8"}


def _charset(declared: str | None, body: bytes, content_type: str) -> str:
    """The codec to read the body with: a byte-order mark, the header, a
    ``<meta>`` in the first bytes of HTML, else UTF-8."""
    if body.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    candidate = declared
    if not candidate and content_type in HTML_TYPES:
        found = _META_CHARSET.search(body[:4096])
        candidate = found.group(1).decode("ascii") if found else None
    if not candidate:
        return "utf-8"
    try:
        name = codecs.lookup(candidate.strip()).name
        b"".decode(name)  # "base64" and "rot13" are codecs, but not for text
    except LookupError:
        return "utf-8"
    return _WIDER.get(name, name)
