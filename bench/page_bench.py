"""Reading pages at scale: server time of the front, tag and article pages.

    python bench/page_bench.py --db sqlite --articles 100000
    python bench/page_bench.py --db postgres --articles 100000 --reuse --json

Builds (or, with --reuse, keeps) the database search_bench.py uses, gives its
generated articles 2 to 4 tags each (deterministic, done once), then times
requests through Django's test Client, in process, with DEBUG off: the front
page (``/`` and ``/?page=2``), tag pages (popular, medium and rare tags in
turn) and article pages (random published articles), and counts the SQL
queries of one request of each kind.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time

from search_bench import ROOT, build, database_arguments, open_database, percentile

# ~40 tags, most popular first. Shares fall geometrically from 30% of the
# articles for the first to 0.5% for the last (each ~0.9x the one before),
# so that an article carries three tags on average.
TAG_NAMES = [
    *("OpenAI", "大模型", "开源", "DeepSeek", "推理", "多模态", "智能体", "英伟达"),
    *("Google", "蒸馏", "芯片", "强化学习", "Anthropic", "Qwen", "机器人", "长上下文"),
    *("具身智能", "Transformer", "Meta", "视频生成", "MoE", "RAG", "字节跳动", "阿里"),
    *("微软", "安全", "对齐", "数据集", "评测", "Llama", "融资", "自动驾驶"),
    *("编程", "数学推理", "世界模型", "量化", "端侧", "语音", "苹果", "监管"),
]  # fmt: skip
TOP_SHARE, BOTTOM_SHARE = 0.30, 0.005
# Tag pages cycle over these ranks (0 = most popular).
TAG_BANDS = {"popular": [0, 1, 2], "medium": [18, 19, 20], "rare": [37, 38, 39]}
BATCH = 5000


def tag_shares() -> list[float]:
    n = len(TAG_NAMES)
    ratio = (BOTTOM_SHARE / TOP_SHARE) ** (1 / (n - 1))
    return [TOP_SHARE * ratio**r for r in range(n)]


def _pick_tags(article_id: int, seed: int, tag_ids: list[int], weights: list[float]) -> set[int]:
    """2 to 4 distinct tags for one article; depends only on (seed, id)."""
    rng = random.Random(seed * 1_000_003 + article_id)
    k = rng.randint(2, 4)
    chosen: set[int] = set()
    while len(chosen) < k:
        chosen.add(rng.choices(tag_ids, cum_weights=weights)[0])
    return chosen


def ensure_tags(seed: int) -> tuple[float, int]:
    """Create the tags and tag every untagged article; (seconds, rows added).

    Idempotent: tags that exist are kept, and only articles without any
    ArticleTag are tagged, each from its own seeded generator, so a re-run
    (or a database grown later) gets the same tags for the same articles.
    """
    from django.db import transaction
    from django.db.models import Exists, OuterRef

    from articles.models import Article, ArticleTag, Tag, make_slug

    started = time.monotonic()
    Tag.objects.bulk_create(
        [Tag(name=n, slug=make_slug(n, fallback="tag")) for n in TAG_NAMES],
        ignore_conflicts=True,
    )
    by_name = dict(Tag.objects.filter(name__in=TAG_NAMES).values_list("name", "id"))
    tag_ids = [by_name[n] for n in TAG_NAMES]
    # Calibrated weights: drawing k distinct tags flattens the shares a
    # little, so the weights are the target shares pushed back apart.
    cum, total = [], 0.0
    for share in tag_shares():
        total += share**1.12
        cum.append(total)

    # NOT EXISTS, an anti-join: PostgreSQL runs NOT IN (300,000 ids) row by
    # row once the ids outgrow work_mem (410 s instead of 0.2 s).
    tagged = ArticleTag.objects.filter(article_id=OuterRef("id"))
    todo = list(
        Article.objects.filter(~Exists(tagged)).order_by("id").values_list("id", "published_on")
    )
    added = 0
    for start in range(0, len(todo), BATCH):
        rows = [
            ArticleTag(article_id=a, tag_id=t, origin=ArticleTag.Origin.AUTO, published_on=day)
            for a, day in todo[start : start + BATCH]
            for t in sorted(_pick_tags(a, seed, tag_ids, cum))
        ]
        with transaction.atomic():
            ArticleTag.objects.bulk_create(rows, batch_size=1000)
        added += len(rows)
    return time.monotonic() - started, added


def tag_counts() -> list[tuple[str, str, int]]:
    """(name, slug, articles) of the bench tags, in TAG_NAMES order."""
    from django.db.models import Count

    from articles.models import Tag

    rows = {
        t.name: (t.name, t.slug, t.n)
        for t in Tag.objects.filter(name__in=TAG_NAMES).annotate(n=Count("articletag"))
    }
    return [rows[n] for n in TAG_NAMES]


def collect_static() -> None:
    """DEBUG off serves hashed static names from a manifest: build one in bench/out."""
    from django.conf import settings
    from django.core.management import call_command

    settings.STATIC_ROOT = ROOT / "bench" / "out" / "static"
    call_command("collectstatic", interactive=False, verbosity=0)


def urls(requests: int, seed: int) -> dict[str, list[str]]:
    from django.utils.encoding import iri_to_uri

    from articles.models import Article

    rng = random.Random(seed)
    tags = tag_counts()
    out: dict[str, list[str]] = {
        "front": [("/", "/?page=2")[i % 2] for i in range(requests)],
    }
    for band, ranks in TAG_BANDS.items():
        out[f"tag:{band}"] = [
            iri_to_uri(f"/tags/{tags[ranks[i % len(ranks)]][1]}/") for i in range(requests)
        ]
    ids = list(Article.objects.published().order_by("id").values_list("id", flat=True))
    chosen = Article.objects.only("id", "slug").in_bulk(rng.choices(ids, k=requests))
    out["article"] = [iri_to_uri(a.get_absolute_url()) for a in chosen.values()]
    while len(out["article"]) < requests:  # a duplicate draw
        out["article"].append(out["article"][len(out["article"]) % len(chosen)])
    rng.shuffle(out["article"])
    return out


def measure(requests: int, seed: int, warmup: int = 10) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    plan = urls(requests, seed)

    def get(url: str) -> float:
        started = time.perf_counter()
        response = client.get(url)
        ms = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        return ms

    for paths in plan.values():
        for url in paths[:warmup]:
            get(url)
    queries = {}
    for kind, paths in plan.items():
        with CaptureQueriesContext(connection) as ctx:
            get(paths[0])
        queries[kind] = len(ctx.captured_queries)
    times: dict[str, list[float]] = {kind: [] for kind in plan}
    # Interleave the kinds, so that a slow minute of the machine hits all alike.
    for i in range(requests):
        for kind, paths in plan.items():
            times[kind].append(get(paths[i]))
    times["tag"] = [t for band in TAG_BANDS for t in times[f"tag:{band}"]]
    queries["tag"] = max(queries[f"tag:{band}"] for band in TAG_BANDS)
    order = ["front", "tag", *(f"tag:{b}" for b in TAG_BANDS), "article"]
    return {
        kind: {
            "requests": len(times[kind]),
            "p50": statistics.median(times[kind]),
            "p95": percentile(times[kind], 95),
            "max": max(times[kind]),
            "queries": queries[kind],
        }
        for kind in order
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    database_arguments(ap)
    ap.add_argument("--requests", type=int, default=200, help="timed requests per page kind")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    open_database(args.db, args.articles, args.reuse)
    from django.db import connection

    from articles.models import Article, ArticleTag

    build_s = build(args.articles, args.per_file, args.seed)
    tag_s, tag_rows = ensure_tags(args.seed)
    if tag_rows and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE articles_articletag")
            cursor.execute("VACUUM ANALYZE articles_tag")
    elif tag_rows:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    collect_static()
    pages = measure(args.requests, args.seed)
    articles = Article.objects.count()
    tags = tag_counts()
    result = {
        "db": args.db,
        "articles": articles,
        "article_tags": ArticleTag.objects.count(),
        "import_s": build_s,
        "tagging_s": tag_s,
        "tags": {name: n for name, _, n in tags},
        "pages": pages,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"{args.db}: {articles:,} articles; import {build_s:.0f} s; tagging {tag_s:.1f} s")
    print(
        f"{result['article_tags']:,} article tags ({result['article_tags'] / articles:.2f} each);"
        f" most popular {tags[0][0]} {tags[0][2] / articles:.1%},"
        f" rarest {tags[-1][0]} {tags[-1][2] / articles:.1%}"
    )
    for band, ranks in TAG_BANDS.items():
        names = ", ".join(f"{tags[r][0]} ({tags[r][2]:,})" for r in ranks)
        print(f"  {band} tags: {names}")
    print(f"\n{'page':14} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    for kind, s in pages.items():
        print(
            f"{kind:14} {s['requests']:8} {s['p50']:8.1f} {s['p95']:8.1f} {s['max']:8.1f}"
            f" {s['queries']:8}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
