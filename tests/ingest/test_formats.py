"""Every kind of raw file split as a careful reader would: the project's own
fixtures (tests/fixtures/formats, one per trap, each with its split written
by hand) and, when ../shared is there, two real files of other shapes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata

import pytest

from articles.ingest.formats import detect
from articles.ingest.parsing import Format, parse

from ..conftest import FIXTURES, NO_SHARED, ROOT, SHARED_SAMPLES

FORMATS = FIXTURES / "formats"
REAL = SHARED_SAMPLES / "real"
CASES = sorted(FORMATS.glob("*.expected.json"))
GLOSS = re.compile(r"\([a-zü\u00e0-\u01dc]+\)")


def norm(text: str) -> str:
    """The expected files' comparison rule, written out independently."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] not in "PS"
    )


def body_of(article) -> str:
    return " ".join(f"{s.heading} {' '.join(s.paragraphs)}" for s in article.sections)


def first_paragraph(article) -> str:
    return next((p for s in article.sections for p in s.paragraphs), "")


def test_there_is_a_fixture_for_every_format():
    formats = {json.loads(case.read_text())["format"] for case in CASES}
    assert formats == {f.value for f in Format}
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_a_fixture_splits_as_written_by_hand(case):
    expected = json.loads(case.read_text())
    data = (FORMATS / expected["file"]).read_bytes()
    digest = parse(data)

    assert digest.format == expected["format"]
    assert detect(digest.text) == expected["format"] or expected["needs_review"]
    assert digest.origin_url == expected["origin_url"]
    assert digest.page_url == expected["page_url"]
    assert (digest.published_on and digest.published_on.isoformat()) == expected["published_on"]
    assert norm(digest.title) == norm(expected["digest_title"])
    titles = [a.title for a in digest.articles]
    assert [norm(t) for t in titles] == [norm(a["title"]) for a in expected["articles"]], titles
    for got, want in zip(digest.articles, expected["articles"], strict=True):
        what = want["title"]
        assert norm(got.subtitle) == norm(want["subtitle"]), what
        assert norm(got.byline) == norm(want["byline"]), what
        assert norm(first_paragraph(got)).startswith(norm(want["lead_starts"])), what
        assert [norm(s.heading) for s in got.sections if s.heading] == [
            norm(h) for h in want["headings"]
        ], what
        assert got.links == want["links"], what
        assert got.tags == want["tags"], what
        assert got.needs_review == expected["needs_review"], what
        body = norm(body_of(got))
        for sentence in want["body_contains"]:
            assert norm(sentence) in body, (what, sentence)
        everything = norm(f"{got.title} {got.subtitle} {body_of(got)}")
        for spam in want["body_excludes"]:
            assert norm(spam) not in everything, (what, spam)
        # The span holds what the article was made of (pinyin glosses aside).
        span = GLOSS.sub("", digest.text[got.start : got.end])
        assert norm(want["body_contains"][0]) in norm(span), what


# -- the real files in ../shared/samples/real ----------------------------------

needs_real = pytest.mark.skipif(not REAL.exists(), reason=NO_SHARED)


@pytest.fixture
def real_expected():
    return json.loads((REAL / "expected.json").read_text())


@needs_real
def test_the_real_mirror_post_is_one_article_without_the_spam(real_expected):
    name = "01_mirror_zqtcl_news463087_excerpt.txt"
    want = real_expected[name]
    digest = parse((REAL / name).read_bytes())
    assert digest.format == Format.MIRROR_POST
    assert len(digest.articles) == want["count"]
    (article,) = digest.articles
    everything = norm(f"{article.title} {article.subtitle} {body_of(article)}")
    assert norm(want["body"]) in everything
    for spam in want["spam"]:
        assert norm(spam) not in everything, spam


@needs_real
def test_the_real_markdown_digest_is_one_article_per_item(real_expected):
    name = "04_juya_ai_daily_2026-02-22.txt"
    want = real_expected[name]["articles"]
    digest = parse((REAL / name).read_bytes())
    assert digest.format == Format.MARKDOWN_DIGEST
    assert [norm(a.title) for a in digest.articles] == [norm(w["title"]) for w in want]
    for got, expected in zip(digest.articles, want, strict=True):
        assert expected["link"] in got.links, got.title
    assert digest.published_on and digest.published_on.isoformat() == "2026-02-22"


# -- traps of the Markdown digests, one at a time --------------------------------


def md(text: str):
    return parse(text.strip().encode())


def test_a_markdown_article_is_one_article_with_its_sections():
    digest = md(
        """
# 我们如何把检索延迟降到十毫秒

先说结论：瓶颈不在向量库，而在序列化。下面按时间顺序讲。

## 背景

线上检索服务的延迟长期在五十毫秒左右，用户能明显感到卡顿。

## 方法

我们把结果的序列化从 JSON 换成了二进制格式，并把热点数据放进了内存。
"""
    )
    (article,) = digest.articles
    assert article.title == "我们如何把检索延迟降到十毫秒" and digest.title == ""
    assert [s.heading for s in article.sections] == ["", "背景", "方法"]


def test_a_digest_title_with_a_date_keeps_its_items_apart():
    digest = md(
        """
# AI 日报 2026-03-01

## 某实验室开源新的代码模型

模型在多项代码基准上超过了同规模的对手，权重已经可以下载。

## 一家创业公司发布会议纪要助手

它能在会后几分钟内整理出要点和待办事项，目前免费试用。
"""
    )
    assert [a.title for a in digest.articles] == [
        "某实验室开源新的代码模型",
        "一家创业公司发布会议纪要助手",
    ]
    assert digest.title == "AI 日报 2026-03-01" and str(digest.published_on) == "2026-03-01"


def test_a_numbered_bold_list_inside_an_item_stays_in_that_item():
    digest = md(
        """
# AI 周报 第3期

## [某公司发布新一代推理芯片](https://example.com/chip) `#1`

这款芯片主要面向数据中心的推理负载，官方给出了三点改进：

1. **能效**：每瓦性能提高了一倍。
2. **显存**：单卡显存增加到一百九十二GB。

## [开源社区发布中文评测集](https://example.com/bench) `#2`

评测集覆盖法律、金融和医疗三个领域，共有两千道题。
"""
    )
    assert [a.title for a in digest.articles] == [
        "某公司发布新一代推理芯片",
        "开源社区发布中文评测集",
    ]
    assert "能效" in " ".join(digest.articles[0].sections[0].paragraphs)


def test_item_titles_lose_their_numbers_links_and_tags():
    digest = md(
        """
# 周刊

### 4. [向量库选型笔记](https://example.com/vec) `#4`
> 选型之前先想清楚数据规模。

正文写了三种向量库在百万级数据上的表现对比，以及各自的运维成本。

### 5. **模型蒸馏实践**

正文介绍了把大模型的能力蒸馏到小模型上的完整流程和常见的坑。
"""
    )
    first, second = digest.articles
    assert (first.title, first.subtitle) == ("向量库选型笔记", "选型之前先想清楚数据规模。")
    assert first.links == ["https://example.com/vec"]
    assert second.title == "模型蒸馏实践"


def test_pinyin_glosses_go_but_latin_in_brackets_stays():
    digest = parse(
        "當(dāng)前位置: 首頁 > news >正文\n\n網(wǎng)站建設,優(yōu)化推廣,企業建站"
        "本文介紹大型語(yǔ)言模型(LLM)的部署…本文介紹大型語(yǔ)言模型(LLM)的部署方法。"
        "我們用一張顯(xiǎn)卡就跑起來了。".encode()
    )
    (article,) = digest.articles
    text = " ".join(p for s in article.sections for p in s.paragraphs)
    assert "語言模型(LLM)" in text and "(yǔ)" not in text and "(xiǎn)" not in text
    assert "網站建設" not in text


def test_numbered_bold_lines_are_items_when_no_heading_is():
    digest = md(
        """
# AI 早报 2026-03-02

## 产品

**1. 某输入法上线语音改写功能**

用户说完一段话后可以一键改写成书面语，目前只支持中文。

**2. 一款笔记软件接入本地模型**

所有推理都在设备上完成，笔记内容不会上传到服务器。
"""
    )
    assert [(a.title, a.tags) for a in digest.articles] == [
        ("某输入法上线语音改写功能", ["产品"]),
        ("一款笔记软件接入本地模型", ["产品"]),
    ]


def test_a_mirror_post_gets_its_fullwidth_commas_back_between_chinese():
    digest = parse(
        "当前位置: 首页 > news >正文\n\n网站建设,网页设计,域名注册\n\n"
        "网站建设,网页设计,域名注册过去两年,预算都流向了训练…"
        "过去两年,预算都流向了训练集群,而今年推理芯片开始放量。版本号 v1,v2 不变。".encode()
    )
    text = " ".join(p for s in digest.articles[0].sections for p in s.paragraphs)
    assert "过去两年，预算都流向了训练集群，而今年" in text and "v1,v2" in text


def test_a_mirror_post_with_its_title_and_byline_after_the_breadcrumb():
    digest = parse(
        """當(dāng)前位置: 首頁 > news >正文

上海网站建设网页设计公司

大模型推理服务的三种部署方式

- 作者: 林小北
- 时间: 2026年03月04日 09:15

上海网站建设,网页设计公司,域名注册查询很多团队第一次上线大模型服务时…
很多团队第一次上线大模型服务时，都会在云端托管、自建集群和端侧部署之间犹豫。本文比较三种方式的成本。

一、云端托管
按调用量付费，起步最快，但长期成本最高。

http://www.mirror.example.com/news/1001/
""".encode()
    )
    assert digest.format == "mirror_post" and str(digest.published_on) == "2026-03-04"
    (article,) = digest.articles
    assert (article.title, article.byline) == ("大模型推理服务的三种部署方式", "作者: 林小北")
    assert [s.heading for s in article.sections] == ["", "一、云端托管"]
    body = " ".join(p for s in article.sections for p in s.paragraphs)
    assert body.startswith("很多团队第一次上线") and "网站建设" not in body
    assert digest.page_url == "http://www.mirror.example.com/news/1001/"


def test_a_plain_article_may_ask_a_question_in_its_title():
    digest = parse(
        "小模型会取代大模型吗？\n\n这个问题最近被问得很多。答案取决于任务。\n\n"
        "在简单的分类任务上，小模型已经足够好。".encode()
    )
    assert digest.format == "plain_text"
    (article,) = digest.articles
    assert article.title == "小模型会取代大模型吗？" and not article.needs_review


def test_a_plain_articles_last_origin_line_names_its_origin():
    raw = (
        "小模型会取代大模型吗？\n\n这个问题最近被问得很多。答案取决于任务。\n\n"
        "原文链接：https://news.example.com/a/1.html\n"
    )

    digest = parse(raw.encode())

    assert digest.format == "plain_text"
    assert digest.origin_url == "https://news.example.com/a/1.html"
    (article,) = digest.articles
    assert "原文链接" not in " ".join(p for s in article.sections for p in s.paragraphs)
    assert digest.text[article.start : article.end].endswith("答案取决于任务。")


@pytest.mark.parametrize(
    "raw",
    [
        # Mid-text, it is part of the article: it may say where a quote came from.
        "小模型会取代大模型吗？\n\n原文链接：https://news.example.com/a/1.html\n\n答案取决于任务。",
        # In a sentence, it is the article's text.
        "小模型会取代大模型吗？\n\n答案取决于任务，详见原文链接 https://news.example.com/a/1 。",
    ],
)
def test_an_origin_link_inside_a_plain_article_is_its_text(raw):
    digest = parse(raw.encode())

    assert digest.origin_url is None
    text = " ".join(p for a in digest.articles for s in a.sections for p in s.paragraphs)
    assert "news.example.com" in text


def test_the_parser_imports_no_django():
    code = (
        "import sys, articles.ingest.parsing, articles.ingest.formats; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
