"""Restoring a mirror's damaged copy from its original (issue #21, point 2).

Every text here is the project's own: a made-up AI-news article, mangled
the way the mirrors do it."""

from __future__ import annotations

import random
import re
import time

import pytest

from articles.ingest.alignment import ChangeKind, Op, Refusal, align, align_parts
from articles.ingest.formats.common import letters
from articles.lib.text import fold

ORIGINAL = "\n\n".join(
    [
        "深度求索发布新模型：推理成本再降一半",
        (
            "本周二，深度求索（DeepSeek）在官网发布了 V4 模型，并同步开源了 "
            "7B、33B 两个版本。据官方介绍，新模型在 MMLU 上得分 88.5，比"
            "上一代提升 3.2 分；在 HumanEval 上达到 91%，"
            "已接近 GPT-4o 的水平。"
        ),
        (
            "为什么这次的价格这么低？团队给出的解释是：“我们把注意力层的 KV 缓存压缩"
            "到了原来的五分之一。”换句话说，同样一张 H800 显卡，能同时服务的用户多"
            "了好几倍。"
        ),
        "一、价格与上下文",
        (
            "新模型的输入价格为每百万 token 0.5 元、输出价格 2 元，上下文长"
            "度从 64K 扩展到 128K；官方还表示，夜间时段（北京时间 0 点到 8"
            " 点）调用再打五折！"
        ),
        "二、开发者怎么看",
        (
            "不少开发者在 GitHub 和 Hugging Face 上给出了初步评测。"
            "有人认为它在中文写作、代码补全方面表现稳定；也有人指出，长文档问答偶尔会“跑"
            "题”，复杂数学题的正确率仍不如 o1-preview。"
        ),
        "写在最后",
        (
            "大模型的价格战还会持续多久？没人说得准。但可以肯定的是，每一次降价都会让更多"
            "小团队用得起 AI，这对整个行业来说，未必是坏事。"
        ),
    ]
)

OTHER_ARTICLE = "\n\n".join(
    [
        "谷歌推出 Gemini 2.0 Flash：多模态实时对话",
        (
            "谷歌周三发布了 Gemini 2.0 Flash，支持图像、音频和视频的实时"
            "输入。在 Google I/O 的演示中，助手一边看摄像头画面，一边回答关于"
            "厨房里食材的问题，延迟不到半秒。"
        ),
        (
            "该模型已在 AI Studio 和 Vertex AI 上开放试用，开发者每"
            "分钟可免费调用 15 次；企业版将在明年一月正式上线，价格尚未公布。"
        ),
    ]
)

# What the mirrors strip: fullwidth punctuation (the full stop survives).
STRIPPED = "，：？！（）“”、；《》"


def mangle(text: str) -> str:
    """What the mirror does: fullwidth punctuation gone, line breaks collapsed."""
    text = text.translate({ord(c): None for c in STRIPPED})
    return re.sub(r"\s*\n\s*", " ", text).strip()


def content(text: str) -> str:
    return letters(fold(text))


def test_it_restores_the_punctuation_and_line_breaks_of_a_mangled_text():
    stored = mangle(ORIGINAL)
    assert "，" not in stored and "\n" not in stored

    result = align(stored, ORIGINAL)

    assert result.accepted and result.reason is None
    assert result.coverage == 1.0
    assert result.restored == ORIGINAL


def test_it_takes_nothing_from_the_original_page_around_the_article():
    page = (
        "首页 > 科技 > 人工智能 > 正文\n登录 注册 搜索\n\n"
        + ORIGINAL.replace(
            "好几倍。\n\n", "好几倍。\n\n图 2：V4 与 GPT-4o 的成本对比（来源：官网）\n\n"
        )
        + "\n上一篇：谷歌发布新一代 TPU\n下一篇：苹果的端侧模型\n© 2024 某某科技网 版权所有\n"
    )

    result = align(mangle(ORIGINAL), page)

    assert result.accepted
    assert result.restored == ORIGINAL
    assert "图 2" not in result.restored and "上一篇" not in result.restored


def test_it_keeps_a_spam_line_of_the_stored_copy_without_inventing_its_punctuation():
    spam = "关注公众号AI前线 回复模型领取100G学习资料"
    mangled = mangle(ORIGINAL)
    cut = mangled.index("一价格")
    stored = mangled[:cut] + spam + " " + mangled[cut:]

    # The spam is 5% of this short article: the default threshold is too high.
    result = align(stored, ORIGINAL, min_coverage=0.9)

    assert result.accepted
    assert spam in result.restored
    before, after = result.restored.split(spam)
    assert before.endswith("好几倍。\n\n")
    assert after.startswith("\n\n一、价格与上下文\n\n")
    assert before + after.lstrip("\n") == ORIGINAL


def test_it_reports_the_coverage_of_a_partial_overlap_and_refuses_it():
    first_half = ORIGINAL[: ORIGINAL.index("一、价格")]
    stored = mangle(ORIGINAL)

    result = align(stored, first_half)

    expected = len(content(first_half)) / len(content(ORIGINAL))
    assert result.coverage == pytest.approx(expected, abs=0.01)
    assert not result.accepted and result.reason == Refusal.LOW_COVERAGE
    assert result.restored == stored and result.changes == []


def test_a_lower_threshold_accepts_a_partial_overlap_and_restores_what_matches():
    first_half = ORIGINAL[: ORIGINAL.index("一、价格")]

    result = align(mangle(ORIGINAL), first_half, min_coverage=0.3)

    assert result.accepted
    assert result.restored.startswith(first_half.rstrip())
    assert result.restored.endswith(mangle(ORIGINAL[ORIGINAL.index("一、价格") :]))


def test_it_refuses_the_wrong_page():
    result = align(mangle(ORIGINAL), OTHER_ARTICLE)

    assert not result.accepted and result.reason == Refusal.LOW_COVERAGE
    assert result.coverage < 0.5
    assert result.restored == mangle(ORIGINAL)


def test_it_refuses_empty_texts():
    assert align("", ORIGINAL).reason == Refusal.EMPTY
    assert align(" ，。\n", ORIGINAL).reason == Refusal.EMPTY
    refused = align(mangle(ORIGINAL), "  \n——\n")
    assert refused.reason == Refusal.EMPTY_ORIGINAL and not refused.accepted
    assert refused.restored == mangle(ORIGINAL)


def test_it_keeps_the_ascii_punctuation_and_urls_of_the_stored_copy():
    stored = "GPT-4o 的价格是 GPT-3.5 的 2 倍 详见官方说明 https://openai.com/index/hello-gpt-4o/?ref=a_b"
    # The extracted original lost the link and shows the hyphen as a space.
    original = "GPT 4o 的价格，是 GPT-3.5 的 2 倍。详见官方说明。"

    result = align(stored, original, min_coverage=0.3)

    assert result.restored == (
        "GPT-4o 的价格，是 GPT-3.5 的 2 倍。详见官方说明。 https://openai.com/index/hello-gpt-4o/?ref=a_b"
    )


def test_it_never_invents_or_loses_a_letter_over_random_mangles():
    rng = random.Random(21)
    spam = ["扫码加入AI交流群", "本文转载自网络 如有侵权请联系删除", "点击阅读原文"]
    for _ in range(30):
        pieces = []
        for char in ORIGINAL:
            if char in STRIPPED + "。\n" and rng.random() < 0.8:
                pieces.append(rng.choice(["", " ", " "]))
            elif rng.random() < 0.01:
                pieces.append(char + " " + rng.choice(spam) + " ")
            elif rng.random() < 0.01:
                pieces.append(char.upper() + rng.choice(["", " ", "-"]))
            else:
                pieces.append(char)
        stored = "".join(pieces)

        result = align(stored, OTHER_ARTICLE + ORIGINAL, min_coverage=0.5)

        assert result.accepted
        assert content(result.restored) == content(stored)
        # What was a character of the copy stays that character, case included.
        assert letters(result.restored) == letters(stored.replace("-", ""))


def test_it_restores_a_title_against_the_whole_page():
    page = "新闻 | 深度求索发布新模型\n\n" + ORIGINAL

    result = align("深度求索发布新模型推理成本再降一半", page)

    assert result.accepted
    assert result.restored == "深度求索发布新模型：推理成本再降一半"


def test_it_decodes_the_entities_the_mirror_broke():
    result = align(
        "本周二#xff0c;深度求索&amp;团队发布了 V4 模型", "本周二，深度求索&团队发布了 V4 模型。"
    )

    assert result.restored == "本周二，深度求索&团队发布了 V4 模型。"


def test_its_changes_read_as_a_diff_of_the_stored_text():
    stored = mangle(ORIGINAL)

    result = align(stored, ORIGINAL)

    pieces = result.pieces
    assert "".join(p.text for p in pieces if p.op != Op.INSERT) == stored
    assert "".join(p.text for p in pieces if p.op != Op.DELETE) == result.restored
    kinds = {c.kind for c in result.changes}
    assert {ChangeKind.PARAGRAPH, ChangeKind.PUNCTUATION} <= kinds
    first = result.changes[0]
    assert (first.old, first.new, first.kind) == ("", "：", ChangeKind.PUNCTUATION)
    assert result.restored[first.at : first.at + len(first.new)] == "："
    assert stored[first.start : first.end] == first.old


def test_it_takes_one_paragraph_break_around_a_caption_of_the_original():
    original = "训练只用了 2048 张 H800。\n\n图 1：训练集群\n\n成本约为 560 万美元。"

    result = align("训练只用了 2048 张 H800 - 成本约为 560 万美元", original, min_coverage=0.9)

    assert result.restored == "训练只用了 2048 张 H800\n\n-\n\n成本约为 560 万美元。"


def test_it_aligns_a_long_digest_of_repeated_articles_in_bounded_time():
    # 90 issues of one article: only the issue lines tell their shingles apart.
    digest = "\n\n".join(f"第 {i} 期周报 编号 {i * 7919}。\n\n{ORIGINAL}" for i in range(90))
    stored = mangle(digest).replace("再降一半", "再降一半 关注我们", 5)
    page = "导航\n\n" + digest + "\n\n" + OTHER_ARTICLE * 30

    start = time.perf_counter()
    result = align(stored, page)
    elapsed = time.perf_counter() - start

    assert result.accepted
    assert result.restored.replace("\n\n关注我们", "") == digest
    assert elapsed < 5  # ~0.2 s here; quadratic matching would take minutes


def test_it_takes_no_symbol_or_emoji_from_the_original():
    original = "🔥 新模型发布 → 价格仅 $5，性能 +30%！"

    result = align("新模型发布 价格仅 $5 性能 +30%", original)

    assert result.restored == "新模型发布 价格仅 $5，性能 +30%！"


def test_it_restores_an_articles_parts_each_in_its_place():
    paragraphs = ORIGINAL.split("\n\n")
    # The page names the closing heading first in its own menu.
    page = "专栏：《写在最后》《二、开发者怎么看》\n\n" + ORIGINAL
    parts = [mangle(p) for p in paragraphs]
    parts.insert(1, "")  # no subtitle

    result = align_parts(parts, page)

    assert result.accepted and result.coverage == 1.0
    restored = [part.restored for part in result.parts]
    assert restored == [paragraphs[0], "", *paragraphs[1:]]
    heading = result.parts[paragraphs.index("写在最后") + 1]
    assert heading.restored == "写在最后" and heading.changes == []
    # Alone, the heading would be found in the menu, brackets and all.
    assert align("写在最后", page).restored == "《写在最后》"


def test_it_refuses_all_parts_together():
    parts = [mangle(OTHER_ARTICLE.split("\n\n")[0]), mangle(ORIGINAL)]

    result = align_parts(parts, OTHER_ARTICLE)

    assert not result.accepted and result.reason == Refusal.LOW_COVERAGE
    assert [p.restored for p in result.parts] == parts
    assert result.parts[0].coverage == 1.0 and result.parts[1].coverage < 0.5
    assert all(p.reason == Refusal.LOW_COVERAGE for p in result.parts)


def test_it_matches_characters_that_nfkc_writes_as_several():
    result = align("ﬁne-tune 模型 用了 10㎏ 数据", "fine-tune 模型，用了 10kg，数据。")

    assert result.coverage == 1.0
    assert result.restored == "ﬁne-tune 模型，用了 10㎏，数据。"
    assert align("10kg 数据", "10㎏，数据。").restored == "10kg，数据。"


def test_its_diff_keeps_what_a_gap_keeps():
    result = align("模型发布了。 价格很低。", "模型发布了。\n\n价格很低。”")

    pieces = [(p.op.value, p.text) for p in result.pieces]

    assert pieces == [
        ("equal", "模型发布了。"),
        ("delete", " "),
        ("insert", "\n\n"),
        ("equal", "价格很低。"),
        ("insert", "”"),
    ]
