"""Parser throughput: ``articles.ingest.parsing.parse`` alone, in one process.

Generates M synthetic digests in memory (or reads real files), then times
``parse()`` over all of them and prints MB/s of raw bytes and articles/s.

    python bench/parse_bench.py                      # 200 generated files, best of 3
    python bench/parse_bench.py --files 500 --repeat 5
    python bench/parse_bench.py --mix                # the four formats in turn
    python bench/parse_bench.py --from samples       # real files (*.txt in a folder)
    python bench/parse_bench.py --profile            # cProfile hot spots of one pass
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import iter_digests  # noqa: E402

from articles.ingest.parsing import parse  # noqa: E402

TARGET_MB_S = 5.0


def load_files(folder: Path) -> list[bytes]:
    suffixes = (".txt", ".md", ".markdown")
    paths = (
        sorted(p for p in folder.rglob("*") if p.suffix.lower() in suffixes)
        if folder.is_dir()
        else [folder]
    )
    return [p.read_bytes() for p in paths]


def generated(
    count: int, seed: int, articles: int, article_chars: int, mix: bool = False
) -> list[bytes]:
    return [data for _, data in iter_digests(count, seed, articles, article_chars, mix)]


def one_pass(files: list[bytes]) -> tuple[float, int]:
    """Seconds to parse every file, and the articles found."""
    articles = 0
    started = time.perf_counter()
    for data in files:
        articles += len(parse(data).articles)
    return time.perf_counter() - started, articles


def profile(files: list[bytes], top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    one_pass(files)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Time articles.ingest.parsing.parse().")
    ap.add_argument("--files", type=int, default=200, help="generated files (default 200)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--articles-per-file", type=int, default=6)
    ap.add_argument("--article-chars", type=int, default=2000)
    ap.add_argument("--mix", action="store_true", help="the four formats in turn")
    ap.add_argument("--from", dest="source", type=Path, help="parse real *.txt files instead")
    ap.add_argument("--repeat", type=int, default=3, help="passes; the best one is reported")
    ap.add_argument("--profile", action="store_true", help="print cProfile hot spots")
    ap.add_argument("--top", type=int, default=20, help="rows of the profile")
    args = ap.parse_args(argv)

    if args.source:
        files = load_files(args.source)
        origin = str(args.source)
    else:
        files = generated(
            args.files, args.seed, args.articles_per_file, args.article_chars, args.mix
        )
        origin = f"generated{', mixed formats' if args.mix else ''}, seed {args.seed}"
    if not files:
        ap.error("no files to parse")
    size = sum(len(f) for f in files)
    each = size / len(files) / 1e3
    print(f"{len(files)} files ({origin}), {size / 1e6:.1f} MB, {each:.1f} KB each")

    seconds, articles = min(one_pass(files) for _ in range(max(1, args.repeat)))
    mb_s = size / 1e6 / seconds
    print(
        f"parse: {seconds:.2f} s (best of {args.repeat}) = {mb_s:.1f} MB/s, "
        f"{articles / seconds:,.0f} articles/s, {len(files) / seconds:,.0f} files/s "
        f"({articles} articles)"
    )
    verdict = "OK" if mb_s >= TARGET_MB_S else "BELOW TARGET"
    print(f"target >= {TARGET_MB_S} MB/s: {verdict}")
    if args.profile:
        print(profile(files, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
