"""Search tokens on their own: the same text and query rules for both engines."""

from __future__ import annotations

from articles.searchtext import SEPARATOR, index_text, term_phrases


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
