"""The shared text helpers: folding, Traditional Chinese as Simplified."""

from __future__ import annotations

import re

from articles.lib.text import HAN, fold, simplified


def every_han_character() -> str:
    ranges = re.findall(r"(.)-(.)", HAN)
    return "".join(chr(c) for first, last in ranges for c in range(ord(first), ord(last) + 1))


def test_it_turns_traditional_chinese_into_simplified():
    assert simplified("開源模型與後訓練，頭髮") == "开源模型与后训练，头发"


def test_it_leaves_simplified_chinese_and_other_scripts_as_they_are():
    text = "开源模型与后训练 OpenAI GPT-4o ÄÖ ｆｕｌｌ 🤖 \x00 123"
    assert simplified(text) == text


def test_simplified_text_is_as_long_as_the_text_and_stays_han():
    everything = every_han_character()
    converted = simplified(everything)
    assert len(converted) == len(everything)
    assert re.fullmatch(f"[{HAN}]+", converted)
    assert converted != everything


def test_a_character_converts_the_same_alone_and_inside_a_word():
    """OpenCC's phrases would keep 乾隆 and make 乾 alone 干: then a search
    for 乾 misses 乾隆."""
    for word in ["乾隆", "瞭解", "憑藉", "頭髮"]:
        assert simplified(word) == "".join(map(simplified, word))


def test_fold_makes_traditional_simplified_only_when_asked():
    assert fold("開源 ＧＰＴ") == "開源 gpt"  # duplicate fingerprints stored as they were
    assert fold("開源 ＧＰＴ", simplify=True) == "开源 gpt"
