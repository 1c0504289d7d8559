"""Alignment speed: ``articles.ingest.alignment.align`` alone, in one process.

Builds an original the size of the example digest (a generated plain article
with its line breaks and punctuation, ~50 k characters), a page around it
about twice as long (navigation, image captions, a second article below), and
the mirror's copy of it (fullwidth punctuation stripped, line breaks
collapsed, spam lines added). Then times ``align(copy, page)`` and prints the
median characters per second (of the stored copy) and milliseconds per digest.

    python bench/align_bench.py                    # 50 k characters, median of 9
    python bench/align_bench.py --chars 100000 --repeat 5
    python bench/align_bench.py --articles 6       # also: the digest article by article
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import build_plain  # noqa: E402

from articles.ingest import alignment  # noqa: E402

TARGET_MS = 1000
# Han characters asked of the generator per character of text it writes.
_HAN_PER_CHAR = 15000 / 24686
_STRIPPED = "，：？！（）“”、；《》「」—"
_SPAM = ["关注公众号获取更多资讯", "扫码加入交流群领取资料", "本文转载自网络如有侵权请联系删除"]


def build(chars: int, seed: int) -> tuple[str, str]:
    """(the mirror's copy, the original page)."""
    rng = random.Random(seed)
    original, _ = build_plain(rng, 0, round(chars * _HAN_PER_CHAR))
    other, _ = build_plain(rng, 1, round(chars * _HAN_PER_CHAR * 0.8))
    paragraphs = original.split("\n\n")
    page, copy = ["首页 > 资讯 > 正文 登录 注册"], []
    for i, paragraph in enumerate(paragraphs):
        page.append(paragraph)
        copy.append(paragraph)
        if i % 7 == 3:
            page.append(f"图 {i}：示意图（来源：网络）")
        if i % 11 == 5:
            copy.append(rng.choice(_SPAM))
    page += ["相关阅读", other, "上一篇：下一篇：版权所有"]
    return mangle("\n".join(copy)), "\n\n".join(page)


def mangle(text: str) -> str:
    """What the mirror does: fullwidth punctuation stripped, line breaks collapsed."""
    stripped = text.translate({ord(c): None for c in _STRIPPED})
    return re.sub(r"\s*\n\s*", " ", stripped).strip()


def timed(copy: str, page: str) -> float:
    alignment._prepared.cache_clear()  # each digest brings its own page
    start = time.perf_counter()
    result = alignment.align(copy, page)
    elapsed = time.perf_counter() - start
    assert result.accepted, (result.reason, result.coverage)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chars", type=int, default=50_000, help="size of the original")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--articles", type=int, default=0, help="also align in this many pieces")
    args = parser.parse_args()

    copy, page = build(args.chars, args.seed)
    result = alignment.align(copy, page)
    print(
        f"copy {len(copy):,} chars, page {len(page):,} chars; coverage {result.coverage:.3f}, "
        f"{len(result.changes):,} changes"
    )
    times = [timed(copy, page) for _ in range(args.repeat)]
    median = statistics.median(times)
    print(
        f"whole digest: median {median * 1000:.0f} ms, {len(copy) / median:,.0f} chars/s "
        f"(best {min(times) * 1000:.0f} ms, worst {max(times) * 1000:.0f} ms; "
        f"target < {TARGET_MS} ms)"
    )
    if args.articles:
        size = -(-len(copy) // args.articles)  # rounded up: exactly that many pieces
        pieces = [copy[i : i + size] for i in range(0, len(copy), size)]
        runs = []
        for _ in range(args.repeat):
            alignment._prepared.cache_clear()
            start = time.perf_counter()
            for piece in pieces:
                alignment.align(piece, page)
            runs.append(time.perf_counter() - start)
        median = statistics.median(runs)
        print(
            f"{len(pieces)} articles against one page: median {median * 1000:.0f} ms, "
            f"{len(copy) / median:,.0f} chars/s"
        )
    sys.exit(0 if median * 1000 < TARGET_MS else 1)


if __name__ == "__main__":
    main()
