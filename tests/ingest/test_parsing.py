"""The parser on its own: bytes in, a Digest out, no database."""

from __future__ import annotations

import contextlib
import json
import random
import unicodedata
from datetime import date

import pytest

from articles.ingest.parsing import (
    NO_STRUCTURE,
    ParseError,
    decode_entities,
    find_urls,
    parse,
    parse_text,
)
from articles.ingest.reasons import ParseWarning, Warn

from ..conftest import FIXTURES, NO_SHARED, PROJECT_SAMPLES, SHARED_EXAMPLE, SHARED_SAMPLES
from ..rawfiles import ARTICLE_ONE, ARTICLE_TWO, ORIGIN, PAGE, chrome

REAL = SHARED_EXAMPLE


def norm(text: str) -> str:
    """The comparison rule of the expected files, written out independently."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] not in "PS"
    )


def digest_of(*bodies: str, **kwargs) -> object:
    return parse(chrome(" ".join(bodies), **kwargs).encode())


def headings(article) -> list[str]:
    return [s.heading for s in article.sections if s.heading]


def lead(article) -> str:
    first = article.sections[0]
    return " ".join(first.paragraphs) if first.heading == "" else ""


# --- the expected files: the real example and the project's own samples -----


def expected_cases():
    """The project's samples always; the shared example when it is there."""
    cases = [
        pytest.param(
            REAL,
            SHARED_SAMPLES / "000_653ea55730d70bb6.expected.json",
            id=REAL.name,
            marks=pytest.mark.skipif(not REAL.exists(), reason=NO_SHARED),
        )
    ]
    for expected in sorted((FIXTURES / "expected").glob("*.json")):
        raw = PROJECT_SAMPLES / json.loads(expected.read_text())["file"]
        cases.append(pytest.param(raw, expected, id=raw.name))
    return cases


def test_the_project_carries_its_own_expected_samples():
    own = [case.values[0] for case in expected_cases() if case.values[0].parent == PROJECT_SAMPLES]
    assert len(own) >= 4
    assert all(raw.exists() for raw in own)


@pytest.mark.parametrize(("raw", "expected_file"), expected_cases())
def test_it_turns_a_digest_into_the_expected_articles(raw, expected_file):
    expected = json.loads(expected_file.read_text())
    digest = parse(raw.read_bytes())

    assert digest.origin_url == expected["origin_url"]
    assert digest.page_url == expected["page_url"]
    if "published_on" in expected:
        assert (digest.published_on and digest.published_on.isoformat()) == expected["published_on"]
    if "encoding" in expected:
        assert digest.encoding == expected["encoding"]
    assert len(digest.articles) == len(expected["articles"])
    found = wanted = extra = 0
    for got, want in zip(digest.articles, expected["articles"], strict=True):
        assert norm(got.title) == norm(want["title"])
        assert norm(got.subtitle) == norm(want["subtitle"])
        assert norm(lead(got)).startswith(norm(want["lead_starts"]))
        assert got.links == want["links"]
        got_headings = {norm(h) for h in headings(got)}
        want_headings = {norm(h) for h in want["headings"]}
        found += len(got_headings & want_headings)
        wanted += len(want_headings)
        extra += len(got_headings - want_headings)
    if raw.parent == PROJECT_SAMPLES:
        assert (found, extra) == (wanted, 0)  # our own text has no ambiguous heading
    else:
        # The rule of the real example: at most 2 of its 19 headings missed,
        # and at most 2 found that are not headings.
        assert wanted - found <= 2
        assert extra <= 2


@pytest.mark.parametrize(("raw", "expected_file"), expected_cases())
def test_a_digest_loses_nothing_outside_the_chrome(raw, expected_file):
    digest = parse(raw.read_bytes())
    spans = [digest.text[a.start : a.end] for a in digest.articles]
    assert all(span.startswith("#") for span in spans)
    assert "相关文章" not in "".join(spans)
    assert "当前位置" not in "".join(spans)
    assert "#xx" not in "".join(spans)
    assert [a.start for a in digest.articles] == sorted(a.start for a in digest.articles)


# --- encodings ---------------------------------------------------------------

SAMPLE = chrome(ARTICLE_ONE)
GBK_SAFE = SAMPLE.replace("•", "·").replace("\u00a0", " ")  # GBK has neither


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8"),
        (SAMPLE.encode("gb18030"), "gb18030"),
        (GBK_SAFE.encode("gbk"), "gb18030"),
        (SAMPLE.encode("utf-16"), "utf-16"),
        (b"\xfe\xff" + SAMPLE.encode("utf-16-be"), "utf-16"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "gbk", "utf16-le-bom", "utf16-be-bom"],
)
def test_it_reads_every_encoding_the_mirrors_use(data, encoding):
    digest = parse(data)
    assert digest.encoding == encoding
    assert digest.warnings == []
    assert [a.title for a in digest.articles] == ["智谱开源新模型"]
    assert not digest.text.startswith("\ufeff")


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_it_reads_crlf_and_cr_line_endings(newline):
    digest = parse(SAMPLE.replace("\n", newline).encode())
    assert digest.page_url == PAGE
    assert [a.title for a in digest.articles] == ["智谱开源新模型"]
    assert "相关文章" not in digest.text[digest.articles[0].start : digest.articles[0].end]


def test_invalid_bytes_are_a_warning_not_a_crash():
    data = SAMPLE.encode().replace("本周".encode(), b"\xff\xfe" + "本周".encode())
    digest = parse(data)
    assert digest.encoding == "utf-8"
    assert [(w.code, w.params) for w in digest.warnings] == [
        (Warn.INVALID_BYTES, {"n": 2, "codec": "utf-8"})
    ]
    assert "\ufffd" in digest.text
    assert digest.articles[0].title == "智谱开源新模型"


def test_nuls_are_a_warning_and_keep_every_offset():
    data = SAMPLE.encode().replace("本周".encode(), b"\x00" + "本周".encode())
    digest = parse(data)
    assert [str(w) for w in digest.warnings] == ["1 NUL character(s) replaced"]
    assert "\x00" not in digest.text
    assert len(digest.text) == len(data.decode("utf-8"))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\r\n\t ", "empty file"),
        (bytes(range(256)) * 40, "binary file"),
        (b"\x80\xff" * 200, "undecodable"),
    ],
    ids=["empty", "blank", "binary", "undecodable"],
)
def test_a_file_with_nothing_to_import_gets_a_one_line_reason(data, reason):
    with pytest.raises(ParseError) as error:
        parse(data)
    assert reason in str(error.value)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    "text",
    [
        "一段没有标题也没有结构的文字，作者只是随手写下了几句话，说明新模型在推理上更快了，但没有给出任何数据。",
        "!!! ??? ...",
    ],
    ids=["one-run-of-text", "only-punctuation"],
)
def test_readable_text_with_no_structure_is_one_article_for_review(text):
    digest = parse(text.encode())
    (article,) = digest.articles
    assert article.needs_review and NO_STRUCTURE in article.review
    assert article.title and len(article.title) <= 31
    assert (article.start, article.end) == (0, len(text.rstrip()))


def test_a_mirror_page_with_one_line_of_text_keeps_that_line():
    digest = parse("当前位置: 首页 > news >正文\n\n只有网站外壳没有文章\n".encode())
    (article,) = digest.articles
    assert digest.format == "mirror_post" and article.title == "只有网站外壳没有文章"
    assert digest.text[article.start : article.end] == "只有网站外壳没有文章"


def test_random_bytes_give_text_or_a_parse_error_and_nothing_else():
    rng = random.Random(7)
    for _ in range(200):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
        with contextlib.suppress(ParseError):
            assert isinstance(parse(data).text, str)


# --- chrome and metadata --------------------------------------------------


def test_it_removes_the_site_chrome_and_keeps_its_metadata():
    description = "#智谱开源新模型 推理速度提升三倍#xff1a;显存占用减半 本周智谱发布了新一代#xff0c;…"
    digest = digest_of(ARTICLE_ONE, description=description)
    (article,) = digest.articles
    span = digest.text[article.start : article.end]
    assert span.startswith("#智谱开源新模型 推理速度")
    assert span.endswith("github.com/example/glm-kv")
    for chrome_text in ("当前位置", "济南网站建设", "我自己的原文哦", "相关文章", "#xff1a;", PAGE):
        assert chrome_text not in span
    assert digest.origin_url == ORIGIN
    assert digest.page_url == PAGE


def test_it_reads_the_origin_after_a_yuanwen_lianjie_marker_and_the_date():
    text = (
        "当前位置: 首页 > news >正文\n\n发布时间：2025-01-17 08:30\n\n"
        "原文链接：https://news.example.org/a/1 " + ARTICLE_TWO + "\n\n"
        "http://mirror.example.net/p/9.html\n上一篇：别的文章\n下一篇：另一篇文章\n"
    )
    digest = parse_text(text)
    assert digest.origin_url == "https://news.example.org/a/1"
    assert digest.page_url == "http://mirror.example.net/p/9.html"
    assert digest.published_on == date(2025, 1, 17)
    (article,) = digest.articles
    assert "上一篇" not in digest.text[article.start : article.end]


def test_related_recommendations_are_chrome_too():
    text = ARTICLE_TWO + "\n\n相关推荐\n  • 某网站\n  • 另一个网站\n"
    (article,) = parse_text(text).articles
    assert "相关推荐" not in parse_text(text).text[article.start : article.end]
    assert article.sections[-1].paragraphs == ["模型支持多种推理框架。社区已经给出了量化版本。"]


def test_an_impossible_date_is_a_warning():
    digest = parse_text("发布时间：2025-02-30\n" + ARTICLE_TWO)
    assert digest.published_on is None
    assert digest.warnings == [ParseWarning(Warn.IMPOSSIBLE_DATE, {"date": "发布时间：2025-02-30"})]


# --- where articles start and end --------------------------------------------


def test_articles_split_at_title_headings_and_placeholders_are_dropped():
    digest = digest_of(ARTICLE_ONE, ARTICLE_TWO, "#xx #xx #xx")
    assert [a.title for a in digest.articles] == ["智谱开源新模型", "DeepSeek-V3技术报告解读"]
    assert digest.text[digest.articles[1].start : digest.articles[1].end].endswith("量化版本。")


def test_a_hash_inside_text_never_starts_an_article():
    body = (
        "#编程语言排行榜更新 C#重回前五 最新的排行榜显示 C# 的份额继续上升。"
        "维护者在 issue #42 中解释了原因。 在开源项目里它排名 #1 的模型也换了人。 "
        "第一名。 #1 的位置没有变化。"
    )
    (article,) = digest_of(body).articles
    assert article.title == "编程语言排行榜更新"
    text = " ".join(p for s in article.sections for p in s.paragraphs)
    assert "C# 的份额" in text and "issue #42" in text and "#1 的位置" in text


def test_an_article_with_no_text_is_dropped_with_a_warning():
    digest = digest_of(ARTICLE_TWO, "#只有标题")
    assert [a.title for a in digest.articles] == ["DeepSeek-V3技术报告解读"]
    assert digest.warnings == [ParseWarning(Warn.EMPTY_ARTICLE, {"title": "只有标题"})]


def test_a_title_may_start_with_a_year():
    (article,) = digest_of(
        "#2025 AI Index报告发布 中国模型追近 报告统计了全年的模型发布。"
    ).articles
    assert article.title == "2025 AI Index报告发布"
    assert article.subtitle == "中国模型追近"


def test_entities_broken_and_whole_are_decoded():
    assert decode_entities("新模型#xff0c;开源#x4e2d;文") == "新模型，开源中文"
    assert decode_entities("R&amp;D &#20013;&#x6587; &lt;b&gt;") == "R&D 中文 <b>"
    assert decode_entities("#xzz; #x110000;") == "#xzz; #x110000;"
    (article,) = digest_of(
        "#模型#xff0c;开源 副标题 正文里有 R&amp;D 部门#xff0c;以及&#20013;文。"
    ).articles
    assert article.title == "模型，开源"
    assert article.sections[0].paragraphs == ["正文里有 R&D 部门，以及中文。"]


# --- title, subtitle, paragraphs, sections -------------------------------


def test_title_and_subtitle_are_separated_when_breaks_were_collapsed():
    (article,) = digest_of(
        "#Multi-head Latent Attention 显存占用直降九成性能不变 虽然已有很多方法。"
    ).articles
    assert article.title == "Multi-head Latent Attention"
    assert article.subtitle == "显存占用直降九成性能不变"
    assert lead(article) == "虽然已有很多方法。"


def test_title_and_subtitle_are_lines_when_breaks_survived():
    text = "#OpenAI 发布 o3 模型\n推理能力再上台阶\n今天 OpenAI 发布了 o3。\n它在数学上表现更好。\n"
    (article,) = parse_text(text).articles
    assert article.title == "OpenAI 发布 o3 模型"
    assert article.subtitle == "推理能力再上台阶"
    assert article.sections[0].paragraphs == ["今天 OpenAI 发布了 o3。", "它在数学上表现更好。"]


def test_a_long_first_line_is_no_subtitle():
    (article,) = digest_of("#标题 这一段是正文。它很长而且有句号。").articles
    assert article.subtitle == ""
    assert lead(article) == "这一段是正文。它很长而且有句号。"


def test_paragraphs_are_rebuilt_where_line_breaks_were_lost():
    (article,) = digest_of(
        "#标题 副标题 OpenAI 的研究达到了新高度 下一段从这里开始。「引号里的话。」 "
        "又一段…… 省略号后面也是新段落。"
    ).articles
    assert article.sections[0].paragraphs == [
        "OpenAI 的研究达到了新高度",
        "下一段从这里开始。「引号里的话。」",
        "又一段……",
        "省略号后面也是新段落。",
    ]


def test_numbered_and_standalone_headings_become_sections():
    (article,) = digest_of(
        "#标题 副标题 导语在第一个标题之前。 "
        "一、第一部分 正文一。 二、OpenAI 与 AGI 正文二开始了。后面还有。 "
        "1. 方法概述 正文三是完整的一句话。 "
        "实验结果 正文四是完整的一句话。 "
        "参考链接 https://example.com/ref"
    ).articles
    assert headings(article) == ["一、第一部分", "二、OpenAI 与 AGI", "1. 方法概述", "实验结果"]
    assert lead(article) == "导语在第一个标题之前。"
    assert article.sections[2].paragraphs == ["正文二开始了。后面还有。"]
    assert article.sections[-1].paragraphs == [
        "正文四是完整的一句话。",
        "参考链接 https://example.com/ref",
    ]


def test_captions_and_list_intros_are_not_headings():
    (article,) = digest_of(
        "#标题 副标题 导语是一句完整的话。 "
        "排行榜截取自 1 月 14 日 这一段是完整的正文。 "
        "具体而言 第一点很长的说明文字没有标点但是仍然是正文的一部分所以不应该成为标题 "
        "关键创新有三个 首先是第一点。"
    ).articles
    assert headings(article) == []


def test_urls_glued_to_chinese_are_cut_cleanly_and_kept_as_links():
    for text, urls in [
        ("见https://x.com/a_b?q=1。然后", ["https://x.com/a_b?q=1"]),
        (
            "(https://en.wikipedia.org/wiki/A_(b)) 和 https://a.io/x.",
            ["https://en.wikipedia.org/wiki/A_(b)", "https://a.io/x"],
        ),
        ("地址https://github.com/a/b项目", ["https://github.com/a/b"]),
        ("不是链接 https:// 和 http://localhost", []),
    ]:
        assert [text[a:b] for a, b in find_urls(text)] == urls
    (article,) = digest_of(ARTICLE_ONE).articles
    assert article.links == [
        "https://arxiv.org/abs/2501.00001",
        "https://github.com/example/glm-kv",
    ]
    assert article.sections[-1].paragraphs[-1] == (
        "论文链接 https://arxiv.org/abs/2501.00001 项目链接 https://github.com/example/glm-kv"
    )
