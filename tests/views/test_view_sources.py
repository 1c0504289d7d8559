"""Where an article came from, as readers see it: digests under human names,
an unknown publication date said to be one, and a link to the original."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from articles.models import Appearance, Article, Source

from ..factories import make_article, make_source

pytestmark = pytest.mark.django_db

FILE_NAMES = ("000_653ea55730d70bb6", "000199")


def imported(source: Source, when: datetime) -> Source:
    Source.objects.filter(pk=source.pk).update(imported_at=when)
    source.refresh_from_db()
    return source


@pytest.fixture
def titled():
    """A Markdown digest with its own title, an article of it also found in a
    mirror page of another site."""
    source = make_source(
        "000_653ea55730d70bb6",
        title="AI 早报 2025-01-17",
        origin_url="https://www.jiqizhixin.com/daily/0117",
        published_on=date(2025, 1, 17),
    )
    mirror = make_source(
        "000199", page_url="http://mirror.example.org/p/199", published_on=date(2025, 1, 18)
    )
    article = make_article("蒸馏的新进展", [("", "蒸馏。")], source=source, tags=["蒸馏"])
    Appearance.objects.create(article=article, source=mirror, position=1, span_start=0, span_end=1)
    return source, mirror, article


def test_a_digest_is_its_title_else_its_site_and_date_else_its_date(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    assert make_source("000199", title="AI 早报").name == "AI 早报"
    site = make_source(
        "000199", origin_url="https://www.qbitai.com/2025/01/x", page_url="http://m.example/1",
        published_on=date(2025, 1, 17),
    )  # fmt: skip
    assert site.name == "qbitai.com · 2025年1月17日"
    mirror = make_source("000199", page_url="http://www.m.example/1", published_on=date(2025, 1, 3))
    assert mirror.name == "m.example · 2025年1月3日"
    hostile = make_source("000199", origin_url="javascript:alert(1)", published_on=date(2025, 1, 3))
    assert hostile.name == "2025年1月3日"
    undated = imported(make_source("000199"), datetime(2025, 2, 1, 20, tzinfo=UTC))
    assert undated.name == "导入于 2025年2月2日"  # the import day where the site is
    undated_site = imported(
        make_source("000199", origin_url="https://qbitai.com/x"),
        datetime(2025, 2, 1, 1, tzinfo=UTC),
    )
    assert undated_site.name == "qbitai.com · 导入于 2025年2月1日"


def test_readers_see_digests_by_name_never_by_file_name(client, titled):
    source, mirror, article = titled
    pages = {
        "/": f'href="{source.get_absolute_url()}">AI 早报 2025-01-17</a>',
        article.get_absolute_url(): f'href="{mirror.get_absolute_url()}">mirror.example.org · ',
        "/digests/": f'href="{mirror.get_absolute_url()}">mirror.example.org · 2025年1月18日</a>',
        source.get_absolute_url(): "<h1>AI 早报 2025-01-17</h1>",
        mirror.get_absolute_url(): "<title>mirror.example.org · 2025年1月18日 · Newsroom</title>",
        f"/?digest={source.pk}&q=": 'class="chip"',
        "/api/search": '"title": "蒸馏的新进展"',
    }
    for url, expected in pages.items():
        html = client.get(url).content.decode()
        assert expected in html, url
        for name in FILE_NAMES:
            assert name not in html, url
    chip = client.get("/", {"digest": source.pk}).context["filters"][0]
    assert chip.label == "AI 早报 2025-01-17"


def test_the_file_name_stays_in_the_admin(client, eve, titled):
    source, _, _ = titled
    client.force_login(eve)
    assert "000_653ea55730d70bb6.txt" in client.get("/admin/articles/source/").content.decode()


def test_names_cost_no_query_per_digest(client, django_assert_max_num_queries):
    def add(n: int) -> Article:
        for i in range(n):
            source = make_source(origin_url=f"https://site{i}.example/", published_on=date.today())
            article = make_article(f"文章{i}", source=source, tags=["蒸馏"])
        for i in range(n):  # the last article appeared in every digest
            Appearance.objects.create(
                article=article, source=make_source(title=f"早报{i}"), position=1,
                span_start=0, span_end=1,
            )  # fmt: skip
        return article

    def counts(article: Article) -> list[int]:
        out = []
        for url in ["/", "/digests/", article.get_absolute_url()]:
            with django_assert_max_num_queries(100) as ctx:
                assert client.get(url).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    few = counts(add(2))
    assert counts(add(8)) == few


def test_an_unknown_publication_date_is_said_to_be_the_import_date(client):
    article = make_article(
        "日期不明的文章", [("", "正文。")], published_on=date(2025, 3, 4), date_known=False,
        tags=["蒸馏"], source=make_source(title="AI 早报"),
    )  # fmt: skip
    listing = client.get("/").content.decode()
    assert '导入于 <time datetime="2025-03-04">2025年3月4日</time>' in listing
    html = client.get(article.get_absolute_url()).content.decode()
    meta = html[html.index('<p class="meta">') :]
    assert '导入于 <time datetime="2025-03-04">2025年3月4日</time> ·' in meta.split("</p>")[0]
    assert "article:published_time" not in html
    english = client.get(article.get_absolute_url(), headers={"Accept-Language": "en"})
    assert 'imported on <time datetime="2025-03-04">' in english.content.decode()
    hit = client.get("/api/search").json()["results"][0]
    assert hit["published_on"] is None and hit["imported_on"] == "2025-03-04"


def test_a_known_publication_date_is_shown_as_such(client):
    article = make_article("日期已知的文章", published_on=date(2025, 3, 4))
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<meta property="article:published_time" content="2025-03-04">' in html
    meta = " ".join(html[html.index('<p class="meta">') :].split())
    assert meta.startswith('<p class="meta"> <time datetime="2025-03-04">2025年3月4日</time> ·')
    hit = client.get("/api/search").json()["results"][0]
    assert hit["published_on"] == "2025-03-04" and hit["imported_on"] is None


def test_the_import_knows_whether_the_file_gave_a_date():
    from ..conftest import PROJECT_SAMPLES
    from ..factories import import_one

    import_one(PROJECT_SAMPLES / "005_demo_markdown_digest.md")  # "# AI 早报 2026-02-23"
    import_one(PROJECT_SAMPLES / "001_demo_reasoning_models.txt")  # a mirror page, no date
    dated = Article.objects.filter(source__filename__startswith="005").first()
    undated = Article.objects.filter(source__filename__startswith="001").first()
    assert (dated.published_on, dated.date_known) == (date(2026, 2, 23), True)
    assert (undated.published_on, undated.date_known) == (timezone.localdate(), False)
    assert dated.source.name == "AI 早报 2026-02-23"
    assert undated.source.name == f"blog.example.com · 导入于 {date_format(timezone.localdate())}"


def test_an_editor_giving_a_date_makes_it_known(client, eve):
    article = make_article("日期不明", published_on=date(2025, 3, 4), date_known=False)
    client.force_login(eve)
    url = f"/admin/articles/article/{article.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "tags"}
    data |= {f"{p}-{k}": v for p in ("articletag_set", "sections", "links")
             for k, v in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))}  # fmt: skip
    data |= {"published_on": "2025-03-01", "duplicate_of": ""}
    data.pop("date_known")  # unticked: the new date is what makes it known
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.published_on, article.date_known) == (date(2025, 3, 1), True)


def test_the_article_links_to_the_original_next_to_sharing(client):
    article = make_article(
        "有原文的文章", source=make_source(origin_url="https://example.com/post/1")
    )
    html = client.get(article.get_absolute_url()).content.decode()
    share = html[
        html.index('<p class="share">') : html.index("</p>", html.index('<p class="share">'))
    ]
    link = re.search(r"<a [^>]*>原文</a>", share)[0]
    assert 'href="https://example.com/post/1"' in link
    assert 'rel="noopener nofollow external"' in link


@pytest.mark.parametrize(
    "origin", ["javascript:alert(1)", " JAVASCRIPT:alert(1)", "data:text/html,x", "//evil.example/"]
)
def test_an_origin_that_is_not_a_web_address_is_never_linked(client, origin):
    source = make_source(origin_url=origin, page_url=origin)
    article = make_article("原文可疑的文章", source=source)
    for url in [article.get_absolute_url(), source.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert f'href="{origin}"' not in html and 'href=" JAVASCRIPT' not in html, url
        assert ">原文</a>" not in html, url


def test_no_origin_no_link(client):
    article = make_article("没有原文的文章")
    assert ">原文</a>" not in client.get(article.get_absolute_url()).content.decode()


def test_a_source_named_by_its_import_day_says_that_day_once(client):
    """No title, site or date: the source's name is its import day, and the
    meta line does not say "imported on" twice."""
    source = make_source()
    day = timezone.localdate(source.imported_at)
    article = make_article(
        "无名文件里的文章", [("", "正文。")], source=source, published_on=day, date_known=False
    )
    for url in ("/", article.get_absolute_url()):
        html = client.get(url).content.decode()
        meta = html[html.index('<p class="meta">') :].split("</p>")[0]
        assert meta.count("导入于") == 1, meta


def test_a_restored_article_says_so_with_its_original(client):
    """#21 point 5: readers see that punctuation came from the original."""
    from datetime import UTC, datetime

    source = make_source(origin_url="https://www.example.org/post/1")
    article = make_article("恢复了标点的文章", [("", "正文，有标点。")], source=source)
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'class="restored"' not in html
    article.restored_at = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    article.save()
    html = client.get(article.get_absolute_url()).content.decode()
    note = html[html.index('class="restored"') :].split("</p>")[0]
    assert "已按原文恢复标点和换行（2026年12月1日）" in note
    assert 'href="https://www.example.org/post/1"' in note
    # The fetched page itself is never shown.
    source.original_html = "<script>alert(1)</script><p>原文</p>"
    source.save()
    assert "alert(1)" not in client.get(article.get_absolute_url()).content.decode()
