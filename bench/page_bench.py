"""Reading pages at scale: server time of the front, tag and article pages.

    python bench/page_bench.py --db sqlite --articles 100000
    python bench/page_bench.py --db postgres --articles 100000 --reuse --json
    python bench/page_bench.py --articles 51000 --reuse --reader   # logged in

Builds (or, with --reuse, keeps) the database search_bench.py uses (its
import tags the articles with the vocabulary, as for every user), then times
requests through Django's test Client, in process, with DEBUG off: the front
page (``/`` and ``/?page=2``), tag pages (popular, medium and rare tags in
turn) and article pages (random published articles), and counts the SQL
queries of one request of each kind. Anonymous pages are kept in the cache
after their first request (#20); ``--reader`` times a logged-in reader's,
which are rendered every time.
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

# Tag pages cycle over three tags of each band: the three most used, and the
# three whose share of the articles is nearest to 4% and to 0.4%.
TAG_BANDS = {"popular": None, "medium": 0.04, "rare": 0.004}


def tag_bands() -> dict[str, list[tuple[str, str, int]]]:
    """(name, slug, articles) of the tags each band's pages show. The tags are
    the vocabulary's, set by the import as it sets them for every user."""
    from django.db.models import Count

    from articles.models import Article, Tag

    total = Article.objects.count()
    tags = sorted(
        Tag.objects.annotate(n=Count("articletag"))
        .filter(n__gt=0)
        .values_list("name", "slug", "n"),
        key=lambda t: -t[2],
    )
    bands = {}
    for band, share in TAG_BANDS.items():
        if share is None:
            bands[band] = tags[:3]
        else:
            bands[band] = sorted(tags[3:], key=lambda t: abs(t[2] / total - share))[:3]
    return bands


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
    out: dict[str, list[str]] = {
        "front": [("/", "/?page=2")[i % 2] for i in range(requests)],
    }
    for band, tags in tag_bands().items():
        out[f"tag:{band}"] = [iri_to_uri(f"/tags/{tags[i % 3][1]}/") for i in range(requests)]
    ids = list(Article.objects.published().order_by("id").values_list("id", flat=True))
    chosen = Article.objects.only("id", "slug").in_bulk(rng.choices(ids, k=requests))
    out["article"] = [iri_to_uri(a.get_absolute_url()) for a in chosen.values()]
    while len(out["article"]) < requests:  # a duplicate draw
        out["article"].append(out["article"][len(out["article"]) % len(chosen)])
    rng.shuffle(out["article"])
    return out


def measure(requests: int, seed: int, warmup: int = 10, reader: bool = False) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if reader:
        # A logged-in reader's pages are rendered every time (never kept).
        user, _ = get_user_model().objects.get_or_create(username="bench-reader")
        client.force_login(user)
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
    ap.add_argument(
        "--reader",
        action="store_true",
        help="as a logged-in reader (anonymous pages are served from the cache after the first)",
    )
    args = ap.parse_args()

    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    open_database(args.db, args.articles, args.reuse)
    from django.db import connection

    from articles.models import Article, ArticleTag

    build_s = build(args.articles, args.per_file, args.seed)
    if build_s and connection.vendor == "postgresql":
        # What autovacuum does on its own a little later.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    collect_static()
    pages = measure(args.requests, args.seed, reader=args.reader)
    articles = Article.objects.count()
    bands = tag_bands()
    result = {
        "db": args.db,
        "articles": articles,
        "article_tags": ArticleTag.objects.count(),
        "import_s": build_s,
        "tags": {band: {name: n for name, _, n in tags} for band, tags in bands.items()},
        "pages": pages,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"{args.db}: {articles:,} articles; import {build_s:.0f} s")
    print(f"{result['article_tags']:,} article tags ({result['article_tags'] / articles:.2f} each)")
    for band, tags in bands.items():
        names = ", ".join(f"{name} ({n:,}, {n / articles:.2%})" for name, _, n in tags)
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
