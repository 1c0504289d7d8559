"""Restoring a digest's punctuation from its origin page (issue #21, points
1 and 3), against a local HTTP server serving an original written here."""

from __future__ import annotations

import http.server
import threading
from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command

from articles import search
from articles.ingest import importer, restore
from articles.ingest.originals import Policy
from articles.lib.markup import paragraphs_to_markdown
from articles.models import Article, Source
from tests.factories import make_article, make_source
from tests.ingest.test_alignment import mangle

pytestmark = pytest.mark.django_db

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

    def log_message(self, *args):
        pass

    def do_GET(self):
        Handler.requests.append(self.path)
        bodies = {"/digest": DIGEST, "/wrong": WRONG}
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


@pytest.fixture(autouse=True)
def _local(settings):
    settings.ORIGINALS_ALLOW_ADDRESSES = ["127.0.0.1"]
    settings.ORIGINALS_PAUSE = 0
    Handler.requests.clear()


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


def bodies(article: Article) -> list[str]:
    return [s.body for s in article.sections.order_by("position")]


def test_it_restores_a_mangled_digest_from_its_origin(origin, alice):
    source, first, second = mangled_digest(f"{origin}/digest")
    assert "，" not in first.title + "".join(bodies(first))

    result = restore.restore_source(source, LOCAL, user=alice)

    assert result.status == restore.Status.RESTORED, result.reason
    assert (result.restored, result.refused, result.fetched) == (2, 0, True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.title == TITLE
    assert second.title == SECOND_TITLE
    assert bodies(first) == [paragraphs_to_markdown(LEAD), paragraphs_to_markdown(BODY)]
    assert bodies(second) == [paragraphs_to_markdown(SECOND)]
    assert first.restored_at is not None and not first.edited
    html = first.sections.get(position=2).html
    assert "<p>为什么不直接用云端服务？" in html
    source.refresh_from_db()
    assert source.original_html == DIGEST and source.original_fetched_at is not None
    assert LogEntry.objects.filter(object_id=str(first.pk), user=alice).exists()


def test_it_keeps_the_search_index_in_step_with_the_restored_text(origin):
    source, first, _ = mangled_digest(f"{origin}/digest")
    # The mirror glued two sentences: the index had a word across them.
    assert first in [h.article for h in search.search("机房用来").hits]

    restore.restore_source(source, LOCAL)

    hits = search.search("门诊病历").hits
    assert [h.article.pk for h in hits] == [first.pk]
    assert "，" in hits[0].snippet or "。" in hits[0].snippet


def test_it_reads_the_stored_copy_on_a_second_run(origin):
    source, first, _ = mangled_digest(f"{origin}/digest")
    restore.restore_source(source, LOCAL)
    assert Handler.requests == ["/digest"]

    again = restore.restore_source(Source.objects.get(pk=source.pk), LOCAL)

    assert Handler.requests == ["/digest"]
    assert (again.status, again.fetched, again.restored, again.unchanged) == (
        restore.Status.RESTORED, False, 0, 2,
    )  # fmt: skip
    refetched = restore.restore_source(Source.objects.get(pk=source.pk), LOCAL, refetch=True)
    assert refetched.fetched and Handler.requests == ["/digest", "/digest"]


def test_it_refuses_a_wrong_page_and_changes_nothing(origin):
    source, first, _ = mangled_digest(f"{origin}/wrong")

    result = restore.restore_source(source, LOCAL)

    assert result.status == restore.Status.REFUSED
    assert result.reason.startswith("low_coverage")
    first.refresh_from_db()
    assert first.title == mangle(TITLE) and first.restored_at is None


@pytest.mark.parametrize(
    "url, status, reason",
    [
        ("/missing", restore.Status.UNREACHABLE, "http_status 404"),
        ("http://127.0.0.1:9/", restore.Status.UNREACHABLE, "unreachable"),
        ("", restore.Status.NO_ORIGIN, "no http(s) origin URL"),
        ("javascript:alert(1)", restore.Status.NO_ORIGIN, "no http(s) origin URL"),
    ],
)
def test_it_reports_an_origin_it_cannot_reach(origin, url, status, reason):
    source, first, _ = mangled_digest(f"{origin}{url}" if url.startswith("/") else url)

    result = restore.restore_source(source, LOCAL)

    assert (result.status, result.reason) == (status, reason)
    source.refresh_from_db()
    assert source.original_html == ""
    assert Article.objects.filter(restored_at__isnull=False).count() == 0


def test_it_leaves_an_edited_article_alone_unless_asked(origin):
    source, first, second = mangled_digest(f"{origin}/digest", edited=True)

    result = restore.restore_source(source, LOCAL)

    assert (result.restored, result.skipped_edited) == (1, 1)
    first.refresh_from_db()
    assert first.title == mangle(TITLE) and first.restored_at is None
    planned = [a for a in result.plan.articles if a.article_id == first.pk][0]
    assert planned.accepted and planned.new_title == TITLE  # shown, not applied

    result = restore.restore_source(source, LOCAL, include_edited=True)

    first.refresh_from_db()
    assert result.restored == 1 and first.title == TITLE


def test_a_dry_run_changes_nothing(origin):
    source, first, _ = mangled_digest(f"{origin}/digest")

    result = restore.restore_source(source, LOCAL, dry_run=True)

    assert (result.status, result.restored) == (restore.Status.RESTORED, 2)
    first.refresh_from_db()
    source.refresh_from_db()
    assert first.title == mangle(TITLE) and first.restored_at is None
    assert source.original_html == ""


def test_it_applies_nothing_to_an_article_edited_since_the_plan(origin):
    source, first, _ = mangled_digest(f"{origin}/digest")
    plan = restore.plan_restore(source, restore._extract_stored(DIGEST, origin).text)
    Article.objects.filter(pk=first.pk).update(title="编辑改过的标题")

    assert restore.apply_restore(plan) == 1
    first.refresh_from_db()
    assert first.title == "编辑改过的标题" and first.restored_at is None


def test_reparse_keeps_a_restored_article(digest):
    article = digest.articles.order_by("position").first()
    texts = [article.title + "！", article.subtitle] + [
        p for s in article.sections.order_by("position") for p in [s.heading, s.body] if p
    ]
    digest.original_html = "\n\n".join(texts).replace("\\", "")  # plain text, no markup
    digest.save()
    assert restore.restore_source(digest, LOCAL).restored == 1
    article.refresh_from_db()
    restored = (article.title, bodies(article))
    assert article.title.endswith("！")

    reparsed = importer.reparse_source(digest)

    assert reparsed.kept_edited == [article.title]
    article.refresh_from_db()
    assert (article.title, bodies(article)) == restored and article.restored_at


def test_the_command_reports_each_source_and_a_summary(origin):
    good, _, _ = mangled_digest(f"{origin}/digest")
    missing, _, _ = mangled_digest(f"{origin}/missing")
    wrong, _, _ = mangled_digest(f"{origin}/wrong")
    out = StringIO()

    call_command("restore_originals", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == (f"[1/3] source {good.pk} ({good.filename}): restored 2 article(s), fetched")
    assert (
        lines[1] == f"[2/3] source {missing.pk} ({missing.filename}): unreachable: http_status 404"
    )
    assert lines[2].startswith(f"[3/3] source {wrong.pk} ({wrong.filename}): refused: low_coverage")
    assert lines[3].startswith(
        "3 source(s): restored 2 article(s) in 1 source(s), 1 refused, 1 unreachable, "
        "0 without origin"
    )


def test_the_command_dry_run_names_what_it_would_restore(origin):
    good, first, _ = mangled_digest(f"{origin}/digest")
    out = StringIO()

    call_command("restore_originals", "--source", str(good.pk), "--dry-run", stdout=out)

    assert f"[1/1] source {good.pk} ({good.filename}): would restore 2 article(s)" in out.getvalue()
    first.refresh_from_db()
    assert first.restored_at is None


def test_the_pacer_pauses_between_requests_to_the_same_host():
    slept: list[float] = []
    pacer = restore.Pacer(1.0, fetch=lambda url, policy: url, sleep=slept.append)

    pacer.fetch("https://a.example/1", LOCAL)
    pacer.fetch("https://b.example/1", LOCAL)
    pacer.fetch("https://a.example/2", LOCAL)

    assert len(slept) == 1 and 0.9 < slept[0] <= 1.0
