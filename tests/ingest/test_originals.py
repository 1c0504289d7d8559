"""Fetching an origin page safely and extracting its main text (issue #21,
points 1 and 4), against a local HTTP server serving pages written here."""

from __future__ import annotations

import gzip
import http.server
import ipaddress
import socket
import threading
import time
import tracemalloc
import zlib
from dataclasses import dataclass, field

import pytest

from articles.ingest.originals import (
    USER_AGENT,
    BlockKind,
    ExtractRefused,
    FetchRefused,
    Policy,
    Reason,
    address_allowed,
    extract,
    extract_fetched,
    extract_plain,
    fetch,
    fetching,
)
from articles.ingest.originals_settings import policy_from_settings

# The project's own sentences: a made-up report, with the site's chrome around it.
ARTICLE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>开源模型在县城医院试用三个月</title>
<script>var tracker = "不应出现的脚本文字";</script></head>
<body>
<nav><a href="/">首页</a> | <a href="/news">快讯</a> | <a href="/login">登录</a></nav>
<article>
<h1>开源模型在县城医院试用三个月</h1>
<p>今年春天，一家县城医院把一个开源语言模型装进了自己的机房，用来整理门诊病历。信息科的王主任说：“我们没有专门的算法团队，只能先从最简单的事情做起。”</p>
<h2>先从病历摘要开始</h2>
<p>第一个月，模型只负责把医生口述的内容整理成摘要；医生每天下班前核对一遍，发现错误就在表格里记下来。到了月底，表格里一共记了四十多条问题，其中大多数是药名写错。</p>
<p>为什么不直接用云端服务？王主任的回答很直接：病历不能离开医院，<br>而且网络时常不稳定。</p>
<h2>三个月后的变化</h2>
<p>第三个月，医生核对摘要的时间从每天半小时缩短到十分钟左右。医院打算明年把同样的做法推广到药房和检验科，但会继续保留人工核对这一步。</p>
<ul><li>试用科室：内科、儿科</li><li>每天处理病历：约两百份</li></ul>
</article>
<footer>版权所有 本站保留一切权利 联系我们 隐私政策</footer>
</body></html>
"""
PLAIN = "第一段：这是纯文本原文。\n第一段的第二行。\r\n\r\n第二段：没有任何标记。\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
FIFTY_MB = 50 * 1024 * 1024
BLOCK = b"<p>" + "填充".encode() * 20_000 + b"</p>"


def gzip_bomb() -> bytes:
    """50 MB of zeros in about 50 KB, built without holding the 50 MB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = b"\0" * (1024 * 1024)
    return b"".join(packer.compress(zeros) for _ in range(50)) + packer.flush()


@dataclass
class Origin:
    """The local server: what it was asked, and how much it sent of the big bodies."""

    port: int = 0
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    sent: dict[str, int] = field(default_factory=dict)
    finished: dict[str, threading.Event] = field(default_factory=dict)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def headers_of(self, path: str) -> dict[str, str]:
        return [headers for p, headers in self.requests if p == path][-1]


def handler_for(origin: Origin):
    bomb = gzip_bomb()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, status: int, body: bytes = b"", **headers: str) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)

        def stream(self, name: str, total: int, **headers: str) -> None:
            origin.finished[name] = threading.Event()
            sent = 0
            try:
                self.send_response(200)
                for header, value in headers.items():
                    self.send_header(header.replace("_", "-"), value)
                self.end_headers()
                while sent < total:
                    self.wfile.write(BLOCK)
                    sent += len(BLOCK)
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                origin.sent[name] = sent
                origin.finished[name].set()

        def do_GET(self):
            origin.requests.append((self.path, dict(self.headers.items())))
            html = "text/html; charset=utf-8"
            path = self.path
            if path == "/article":
                self.reply(200, ARTICLE.encode(), Content_Type=html)
            elif path == "/article-gbk":
                body = ARTICLE.replace('charset="utf-8"', 'charset="gbk"').encode("gb18030")
                self.reply(200, body, Content_Type="text/html")
            elif path == "/article-gzip":
                body = gzip.compress(ARTICLE.encode())
                self.reply(200, body, Content_Type=html, Content_Encoding="gzip")
            elif path == "/plain":
                self.reply(200, PLAIN.encode(), Content_Type="text/plain; charset=utf-8")
            elif path == "/echo":
                self.reply(200, "回声".encode(), Content_Type="text/plain; charset=utf-8")
            elif path == "/image":
                self.reply(200, PNG, Content_Type="image/png")
            elif path == "/missing":
                self.reply(404, "没有这一页".encode(), Content_Type=html)
            elif path.startswith("/hop/"):
                left = int(path.removeprefix("/hop/"))
                if left == 0:
                    self.reply(200, ARTICLE.encode(), Content_Type=html)
                else:
                    self.reply(302, Location=f"/hop/{left - 1}")
            elif path == "/to-metadata":
                self.reply(302, Location="http://169.254.169.254/latest/meta-data/")
            elif path == "/to-private":
                self.reply(301, Location="http://10.0.0.1/")
            elif path == "/to-file":
                self.reply(302, Location="file:///etc/passwd")
            elif path == "/cookie":
                self.reply(302, Location="/echo", Set_Cookie="session=s3cret; Path=/")
            elif path == "/slow-body":
                self.send_response(200)
                self.send_header("Content-Type", html)
                self.end_headers()
                try:
                    for _ in range(600):  # a byte every 50 ms: 30 s in all
                        self.wfile.write(b"<")
                        time.sleep(0.05)
                except (BrokenPipeError, ConnectionResetError):
                    pass
            elif path == "/slow-headers":
                try:
                    self.wfile.write(b"HTTP/1.0 200 OK\r\nX-Slow: ")
                    for _ in range(600):
                        self.wfile.write(b"a")
                        time.sleep(0.05)
                except (BrokenPipeError, ConnectionResetError):
                    pass
            elif path == "/huge":
                self.stream("huge", FIFTY_MB, Content_Type=html)
            elif path == "/huge-declared":
                self.stream("huge-declared", FIFTY_MB, Content_Type=html,
                            Content_Length=str(FIFTY_MB))  # fmt: skip
            elif path == "/gzip-bomb":
                self.reply(200, bomb, Content_Type=html, Content_Encoding="gzip")
            else:
                self.reply(404)

    return Handler


@pytest.fixture(scope="module")
def origin():
    state = Origin()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_for(state))
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


LOCAL = Policy(allow_addresses=("127.0.0.1",), connect_timeout=2, total_timeout=5)


@pytest.fixture
def connections(monkeypatch):
    """The addresses the fetcher opened sockets to."""
    opened: list[str] = []
    real = fetching._open_socket

    def spy(address, port, timeout):
        opened.append(str(address))
        return real(address, port, timeout)

    monkeypatch.setattr(fetching, "_open_socket", spy)
    return opened


def refusal(url: str, policy: Policy = LOCAL) -> FetchRefused:
    with pytest.raises(FetchRefused) as caught:
        fetch(url, policy)
    return caught.value


# Fetching


def test_it_fetches_an_html_page_with_its_charset_and_time(origin):
    fetched = fetch(origin.url("/article"), LOCAL)
    assert fetched.status == 200
    assert fetched.url == origin.url("/article")
    assert (fetched.content_type, fetched.charset) == ("text/html", "utf-8")
    assert "王主任说：“我们没有专门的算法团队" in fetched.text
    assert fetched.body == ARTICLE.encode()
    assert fetched.fetched_at.tzinfo is not None
    assert fetched.is_html


def test_it_names_newsroom_and_sends_no_cookie(origin):
    fetch(origin.url("/article"), LOCAL)
    headers = origin.headers_of("/article")
    assert headers["User-Agent"] == USER_AGENT
    assert "Newsroom" in USER_AGENT
    assert "Cookie" not in headers


def test_it_reads_a_page_in_gbk_from_its_meta_tag(origin):
    fetched = fetch(origin.url("/article-gbk"), LOCAL)
    assert fetched.charset == "gb18030"
    assert "先从病历摘要开始" in fetched.text


def test_it_decodes_a_gzipped_page(origin):
    fetched = fetch(origin.url("/article-gzip"), LOCAL)
    assert fetched.body == ARTICLE.encode()


def test_it_refuses_a_gzip_bomb_without_inflating_it(origin):
    tracemalloc.start()
    try:
        assert refusal(origin.url("/gzip-bomb")).reason == Reason.TOO_LARGE
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * LOCAL.max_bytes  # not the 50 MB it inflates to


def test_a_plain_text_page_is_fetched(origin):
    fetched = fetch(origin.url("/plain"), LOCAL)
    assert fetched.content_type == "text/plain"
    assert not fetched.is_html
    assert fetched.text.startswith("第一段：这是纯文本原文。")


def test_a_missing_page_is_a_typed_refusal_with_its_status(origin):
    refused = refusal(origin.url("/missing"))
    assert (refused.reason, refused.status) == (Reason.HTTP_STATUS, 404)


def test_a_non_html_content_type_is_refused(origin):
    refused = refusal(origin.url("/image"))
    assert refused.reason == Reason.CONTENT_TYPE


def test_a_server_trickling_its_body_meets_the_total_deadline(origin):
    policy = Policy(allow_addresses=("127.0.0.1",), connect_timeout=2, total_timeout=1)
    started = time.monotonic()
    assert refusal(origin.url("/slow-body"), policy).reason == Reason.TIMEOUT
    assert time.monotonic() - started < 2.5


def test_a_server_trickling_its_headers_meets_the_total_deadline(origin):
    policy = Policy(allow_addresses=("127.0.0.1",), connect_timeout=2, total_timeout=1)
    started = time.monotonic()
    assert refusal(origin.url("/slow-headers"), policy).reason == Reason.TIMEOUT
    assert time.monotonic() - started < 2.5


def test_a_connection_that_times_out_is_a_timeout(origin, monkeypatch):
    def hang(address, port, timeout):
        raise TimeoutError("timed out")

    monkeypatch.setattr(fetching, "_open_socket", hang)
    assert refusal(origin.url("/article")).reason == Reason.TIMEOUT


def test_an_oversized_body_is_refused_while_streaming(origin):
    refused = refusal(origin.url("/huge"))
    assert refused.reason == Reason.TOO_LARGE
    # The server stopped long before its 50 MB: the fetcher hung up at the cap.
    assert origin.finished["huge"].wait(10)
    assert origin.sent["huge"] < 25 * 1024 * 1024


def test_a_declared_oversized_body_is_refused_before_reading_it(origin):
    refused = refusal(origin.url("/huge-declared"))
    assert (refused.reason, refused.detail) == (Reason.TOO_LARGE, f"Content-Length {FIFTY_MB}")
    assert origin.finished["huge-declared"].wait(10)
    assert origin.sent["huge-declared"] < 25 * 1024 * 1024


def test_it_follows_three_redirects(origin):
    fetched = fetch(origin.url("/hop/3"), LOCAL)
    assert fetched.url == origin.url("/hop/0")
    assert fetched.redirects == tuple(origin.url(f"/hop/{n}") for n in (3, 2, 1))


def test_a_fourth_redirect_is_refused(origin):
    assert refusal(origin.url("/hop/4")).reason == Reason.TOO_MANY_REDIRECTS


@pytest.mark.parametrize("path", ["/to-metadata", "/to-private"])
def test_a_redirect_to_a_private_address_is_refused_before_connecting(origin, connections, path):
    assert refusal(origin.url(path)).reason == Reason.BLOCKED_ADDRESS
    assert connections == ["127.0.0.1"]


def test_a_redirect_to_a_file_url_is_refused(origin):
    assert refusal(origin.url("/to-file")).reason == Reason.SCHEME


def test_a_cookie_set_on_a_redirect_is_not_sent_back(origin):
    fetched = fetch(origin.url("/cookie"), LOCAL)
    assert fetched.text == "回声"
    assert "Cookie" not in origin.headers_of("/echo")


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/a.txt", "javascript:alert(1)", "data:,x"]
)
def test_other_schemes_are_refused(url):
    assert refusal(url, Policy()).reason == Reason.SCHEME


@pytest.mark.parametrize(
    "url", ["http://", "http://user:pw@example.com/", "http://example.com:99999/", "http://a b/"]
)
def test_urls_we_cannot_send_are_refused(url):
    assert refusal(url, Policy()).reason == Reason.BAD_URL


def test_loopback_is_refused_unless_allowed(origin, connections):
    for url in [origin.url("/article"), origin.url("/article", host="localhost")]:
        assert refusal(url, Policy()).reason == Reason.BLOCKED_ADDRESS
    assert refusal(f"http://[::1]:{origin.port}/", Policy()).reason == Reason.BLOCKED_ADDRESS
    assert refusal(f"http://[::ffff:127.0.0.1]:{origin.port}/", Policy()).reason == (
        Reason.BLOCKED_ADDRESS
    )
    assert connections == []


def test_it_connects_to_the_address_it_checked_and_keeps_the_name(origin, monkeypatch):
    lookups = []

    def dns(host, port):
        lookups.append(host)
        return ["127.0.0.1"]

    monkeypatch.setattr(fetching, "_resolve", dns)
    fetched = fetch(origin.url("/echo", host="news.example"), LOCAL)
    assert fetched.text == "回声"
    assert origin.headers_of("/echo")["Host"] == f"news.example:{origin.port}"
    assert lookups == ["news.example"]  # one lookup: nothing for a rebinding DNS to change


def test_a_name_with_any_private_address_is_refused(origin, monkeypatch, connections):
    monkeypatch.setattr(fetching, "_resolve", lambda host, port: ["93.184.216.34", "10.0.0.1"])
    assert refusal("http://news.example/", Policy()).reason == Reason.BLOCKED_ADDRESS
    assert connections == []


def test_an_unknown_name_is_unresolvable(monkeypatch):
    def dns(host, port):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(fetching, "_resolve", dns)
    assert refusal("https://nowhere.example/", Policy()).reason == Reason.UNRESOLVABLE


def test_https_sends_the_name_in_the_handshake_to_the_checked_address(monkeypatch):
    listener = socket.create_server(("127.0.0.1", 0))
    hello = bytearray()

    def serve():
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(2)
            hello.extend(conn.recv(4096))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    monkeypatch.setattr(fetching, "_resolve", lambda host, port: ["127.0.0.1"])
    port = listener.getsockname()[1]
    try:
        refused = refusal(f"https://news.example:{port}/")
    finally:
        thread.join(3)
        listener.close()
    assert refused.reason == Reason.UNREACHABLE  # no TLS server there
    assert hello[:1] == b"\x16"  # a TLS handshake record…
    assert b"news.example" in hello  # …naming the host (SNI), sent to 127.0.0.1


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
     "0.0.0.0", "224.0.0.1", "255.255.255.255", "240.0.0.1", "::1", "::", "fe80::1", "fc00::1",
     "ff02::1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "2002:7f00:1::1",
     "64:ff9b::a00:1"],
)  # fmt: skip
def test_addresses_that_are_not_public_are_refused(address):
    assert not address_allowed(ipaddress.ip_address(address), Policy())


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"])
def test_public_addresses_are_allowed(address):
    assert address_allowed(ipaddress.ip_address(address), Policy())


def test_the_allow_list_lets_only_its_networks_through():
    policy = Policy(allow_addresses=("127.0.0.1",))
    assert address_allowed(ipaddress.ip_address("127.0.0.1"), policy)
    assert not address_allowed(ipaddress.ip_address("127.0.0.2"), policy)
    assert not address_allowed(ipaddress.ip_address("10.0.0.1"), policy)


# Extraction


def test_it_extracts_the_article_without_the_site_around_it(origin):
    extracted = extract_fetched(fetch(origin.url("/article"), LOCAL))
    assert extracted.title == "开源模型在县城医院试用三个月"
    assert extracted.headings[-2:] == ("先从病历摘要开始", "三个月后的变化")
    assert "王主任说：“我们没有专门的算法团队，只能先从最简单的事情做起。”" in extracted.text
    assert "病历不能离开医院，\n而且网络时常不稳定。" in extracted.text  # the <br>
    for chrome in ["首页", "登录", "版权所有", "隐私政策", "不应出现的脚本文字", "<p>"]:
        assert chrome not in extracted.text
    items = [b.text for b in extracted.blocks if b.kind == BlockKind.ITEM]
    assert items == ["试用科室：内科、儿科", "每天处理病历：约两百份"]


def test_paragraphs_are_separated_by_a_blank_line():
    extracted = extract(ARTICLE, "https://origin.example/a")
    first = "今年春天，一家县城医院把一个开源语言模型装进了自己的机房"
    paragraphs = extracted.text.split("\n\n")
    assert any(p.startswith(first) for p in paragraphs)
    assert "先从病历摘要开始" in paragraphs


def test_a_plain_text_page_passes_through_in_paragraphs(origin):
    extracted = extract_fetched(fetch(origin.url("/plain"), LOCAL))
    assert extracted.text == "第一段：这是纯文本原文。\n第一段的第二行。\n\n第二段：没有任何标记。"


@pytest.mark.parametrize("html", ["", "<html><body><nav>首页</nav></body></html>", "\0<<<>>>"])
def test_a_page_without_main_text_is_refused(html):
    with pytest.raises(ExtractRefused) as caught:
        extract(html, "https://origin.example/empty")
    assert caught.value.reason == Reason.NO_TEXT


def test_an_empty_plain_text_page_is_refused():
    with pytest.raises(ExtractRefused):
        extract_plain(" \n\n\u3000\n", "https://origin.example/empty.txt")


# Settings


def test_the_policy_comes_from_the_settings(settings):
    settings.ORIGINALS_ALLOW_ADDRESSES = ["127.0.0.1"]
    settings.ORIGINALS_MAX_BYTES = 1000
    settings.ORIGINALS_CONNECT_TIMEOUT = 2
    settings.ORIGINALS_TIMEOUT = 7
    policy = policy_from_settings()
    assert (policy.allow_addresses, policy.max_bytes) == (("127.0.0.1",), 1000)
    assert (policy.connect_timeout, policy.total_timeout) == (2, 7)


def test_by_default_only_public_addresses_are_fetched():
    policy = policy_from_settings()
    assert policy.allowed_networks == ()
    assert policy.max_bytes == 5 * 1024 * 1024
