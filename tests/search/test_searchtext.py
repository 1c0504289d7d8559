"""Search tokens on their own: the same text and query rules for both engines."""

from __future__ import annotations

from datetime import date

from articles.search.text import SEPARATOR, index_text, parse_query, snippet, term_phrases


def test_chinese_runs_become_bigrams_and_their_last_character_a_tail():
    assert index_text("小模型") == f"小模 模型 {SEPARATOR} 型"
    assert index_text("熊") == "熊"


def test_latin_is_lower_cased_and_split_where_letters_meet_digits():
    assert index_text("GPT-4o 和 Qwen2.5、OpenAI24亿") == ("gpt 4 o 和 qwen 2 5 openai 24 亿")


def test_fullwidth_and_compatibility_forms_fold():
    assert index_text("ＧＰＴ－５") == "gpt 5"


def test_a_chinese_term_is_the_phrase_of_its_bigrams():
    assert term_phrases("注意力机制") == [(["注意", "意力", "力机", "机制"], False)]
    assert term_phrases("蒸馏") == [(["蒸馏"], False)]


def test_a_lone_character_and_a_latin_word_match_as_prefixes():
    assert term_phrases("熊") == [(["熊"], True)]
    assert term_phrases("Open") == [(["open"], True)]
    assert term_phrases("o1-mini") == [(["o", "1", "mini"], True)]
    assert term_phrases("93.7%") == [(["93", "7"], True)]


def test_a_lone_character_inside_a_latin_term_is_matched_on_its_own():
    assert term_phrases("AI娘") == [(["ai"], False), (["娘"], True)]
    assert term_phrases("AI娘包围") == [(["ai", "娘包", "包围"], False)]


def test_punctuation_alone_gives_nothing_to_search():
    assert term_phrases("!!!") == []
    assert term_phrases("🤖") == []


def test_the_query_language_parses_and_degrades_to_text():
    query = parse_query('蒸馏 "KV Cache" -OpenAI -"GPT 5" #阶跃星辰 tag:DeepSeek from:2025-01-02')
    assert query.terms == ["蒸馏", "KV Cache"]
    assert query.excluded == ["OpenAI", "GPT 5"]
    assert query.tags == ["阶跃星辰", "DeepSeek"]
    assert query.date_from == date(2025, 1, 2) and query.date_to is None
    assert parse_query('"unbalanced 蒸馏').terms == ["unbalanced", "蒸馏"]
    assert parse_query("to:2025-02-30").terms == ["to:2025-02-30"]
    assert parse_query("- -- * 🤖 #").terms == []
    assert parse_query("x" * 10_000).terms == ["x" * 500]


def test_snippets_are_escaped_marked_and_about_eighty_characters():
    text = (
        "开头。"
        + "很长的背景介绍文字" * 10
        + "这里讲到了注意力机制和 KV Cache 的关系。"
        + "后文" * 60
    )
    html = snippet(text, ["注意力机制", "KV Cache"])
    assert "<mark>注意力机制</mark>" in html and "<mark>KV Cache</mark>" in html
    visible = html.replace("<mark>", "").replace("</mark>", "")
    assert 60 <= len(visible) <= 100
    assert visible.startswith("…") and visible.endswith("…")


def test_a_snippet_never_cuts_a_match_in_half():
    text = "甲" * 75 + "向量数据库" + "乙" * 50
    html = snippet(text, ["向量数据库"])
    assert "<mark>向量数据库</mark>" in html


def test_latin_terms_are_marked_where_a_word_starts_only():
    html = snippet("OpenAI 与 AI 公司 和 ChatGPT-5", ["ai", "GPT-5"])
    assert html == "OpenAI 与 <mark>AI</mark> 公司 和 ChatGPT-5"
    assert snippet("用GPT 5写的", ["gpt-5"]) == "用<mark>GPT 5</mark>写的"


def test_traditional_and_simplified_chinese_index_alike():
    assert index_text("開源模型與後訓練") == index_text("开源模型与后训练")
    assert term_phrases("開源") == term_phrases("开源") == [(["开源"], False)]
    assert term_phrases("後") == [(["后"], True)]


def test_a_snippet_marks_the_characters_as_the_reader_wrote_them():
    assert snippet("我們的開源模型", ["开源"]) == "我們的<mark>開源</mark>模型"
    assert snippet("我们的开源模型", ["開源"]) == "我们的<mark>开源</mark>模型"
    # Both spellings in one text: both are marked.
    assert snippet("开源與開源", ["開源"]) == "<mark>开源</mark>與<mark>開源</mark>"
    assert snippet("Qwen開源版", ["qwen开源"]) == "<mark>Qwen開源</mark>版"
