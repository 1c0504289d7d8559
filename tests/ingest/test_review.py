"""Which articles the importer sends to the review queue, and why."""

from __future__ import annotations

import pytest

from articles.ingest.parsing import Article, Section
from articles.ingest.reasons import ParseWarning, Warn
from articles.ingest.review import reasons

SENTENCE = "研究团队在新的基准上评测了模型并公布了全部结果。"  # 24 characters


def article(title="智谱开源新模型", subtitle="推理速度提升三倍", sections=None) -> Article:
    sections = sections or [Section("", [SENTENCE * 4]), Section("一、方法", [SENTENCE * 4])]
    return Article(title, subtitle, sections, [], 0, 0)


def test_a_plain_good_article_needs_no_review():
    assert reasons(article()) == []


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"sections": [Section("", [SENTENCE * 400]), Section("二", ["x"])]}, "very_long"),
        ({"sections": [Section("", ["太短了。"])]}, "very_short"),
        ({"title": "OpenAI 发布了新的"}, "title_cut"),
        ({"title": "A model trained with"}, "title_cut"),
        ({"subtitle": "训练成本只有同类模型的十分之一和"}, "subtitle_cut"),
        ({"subtitle": "训练成本只有…"}, "subtitle_cut"),
        ({"sections": [Section("一、背景", [SENTENCE * 8])]}, "no_lead"),
        ({"sections": [Section("", [SENTENCE * 130])]}, "unsectioned"),
        (
            {"sections": [Section("", [SENTENCE * 3, "大宋头条", SENTENCE * 3])]},
            "heading_like",
        ),
    ],
)
def test_each_doubt_is_a_reason(changes, reason):
    found = reasons(article(**changes))
    assert reason in [r["code"] for r in found], found


def test_a_length_is_kept_as_a_number():
    (found,) = reasons(article(sections=[Section("", ["太短了。"])]))
    assert found == {"code": "very_short", "n": 4}


def test_parser_warnings_are_reasons_but_a_missing_bom_is_not():
    invalid = ParseWarning(Warn.INVALID_BYTES, {"n": 3, "codec": "utf-8"})
    found = reasons(article(), [invalid])
    warning = "3 invalid byte sequence(s) in utf-8 replaced with U+FFFD"
    assert found == [
        {
            "code": "parser_warning",
            "warning": warning,
            "parser": {"code": "invalid_bytes", "n": 3, "codec": "utf-8"},
        }
    ]
    assert reasons(article(), [ParseWarning(Warn.NO_BOM, {"codec": "utf-16-le"})]) == []


def test_a_sentence_ending_title_is_not_cut():
    assert reasons(article(title="一觉醒来被AI包围了")) == []
