"""An origin site for the restore tests (issue #21): a local HTTP server
serving a digest page written here (its own sentences), a wrong page and a
404; and the digest as the mirror left it. ``origin`` and ``allow_local``
are fixtures of every test (``tests/conftest.py``)."""

from __future__ import annotations

import http.server
import threading

import pytest

from articles.ingest.originals import Policy
from articles.lib.markup import paragraphs_to_markdown
from articles.models import Article, Source
from tests.factories import make_article, make_source
from tests.ingest.test_alignment import mangle

TITLE = "县城医院试用开源模型：三个月后怎样了？"
LEAD = [
    "今年春天，一家县城医院把一个开源语言模型装进了自己的机房，用来整理门诊病历。",
    "信息科的王主任说：“我们没有专门的算法团队，只能先从最简单的事情做起。”",
]
HEADING = "先从病历摘要开始"
BODY = [
    "第一个月，模型只负责把医生口述的内容整理成摘要；医生每天下班前核对一遍。",
    "为什么不直接用云端服务？王主任的回答很直接：病历不能离开医院，而且网络时常不稳定。",
]
SECOND_TITLE = "小学老师用语言模型批改作文（试点）"
SECOND = [
    "一所小学的语文老师让模型先给作文标出错别字，再由老师自己写评语。",
    "老师们说：模型找错别字很快，但评语还得自己写，因为它不认识这些孩子。",
]


def page(*articles: str) -> str:
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        "<title>人工智能周报</title></head><body>"
        '<nav><a href="/">首页</a> | <a href="/news">快讯</a></nav>'
        f"<article>{''.join(articles)}</article>"
        "<footer>版权所有 本站保留一切权利</footer></body></html>"
    )


FIRST_HTML = (
    f"<h2>{TITLE}</h2>"
    + "".join(f"<p>{p}</p>" for p in LEAD)
    + f"<h3>{HEADING}</h3>"
    + "".join(f"<p>{p}</p>" for p in BODY)
)
SECOND_HTML = f"<h2>{SECOND_TITLE}</h2>" + "".join(f"<p>{p}</p>" for p in SECOND)
DIGEST = page(FIRST_HTML, SECOND_HTML)
WRONG = page(
    "<h2>天气预报</h2><p>明天北方大部分地区晴转多云，气温回升；南方多地有小到中雨，出行请带伞。</p>"
    "<p>周末冷空气南下，气温将明显下降，请注意添衣保暖，谨防感冒。</p>"
)


class Handler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []
    pages: dict[str, str] = {}  # a test's own pages, beside the digest and the wrong page

    def log_message(self, *args):
        pass

    def do_GET(self):
        Handler.requests.append(self.path)
        bodies = {"/digest": DIGEST, "/wrong": WRONG, **Handler.pages}
        if self.path in bodies:
            body = bodies[self.path].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
        else:
            body = "没有这一页".encode()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def origin():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def allow_local(settings):
    """Fetching from this machine allowed, without the pause between requests."""
    settings.ORIGINALS_ALLOW_ADDRESSES = ["127.0.0.1"]
    settings.ORIGINALS_PAUSE = 0
    Handler.requests.clear()
    Handler.pages.clear()


LOCAL = Policy(allow_addresses=("127.0.0.1",), connect_timeout=2, total_timeout=5)


def mangled_digest(url: str, **fields) -> tuple[Source, Article, Article]:
    """The two articles as the mirror left them: one run-on paragraph each."""
    source = make_source(origin_url=url)
    first = make_article(
        mangle(TITLE),
        [
            ("", paragraphs_to_markdown([mangle(" ".join(LEAD))])),
            (HEADING, paragraphs_to_markdown([mangle(" ".join(BODY))])),
        ],
        source=source,
        **fields,
    )
    second = make_article(
        mangle(SECOND_TITLE),
        [("", paragraphs_to_markdown([mangle(" ".join(SECOND))]))],
        source=source,
    )
    return source, first, second
