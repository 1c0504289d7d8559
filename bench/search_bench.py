"""Search at scale: index build time and size, and first-page latency.

    python bench/search_bench.py --db sqlite --articles 100000
    python bench/search_bench.py --db postgres --articles 100000 --reuse

Builds (or, with --reuse, keeps) a database of generated articles, rebuilds
the search index from scratch (timed), then times 50 realistic queries, each
in both orders the page offers, through the search layer (top 20 with
snippets and the count), next to the raw engine query alone and a LIKE scan.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

QUERIES = [
    # common words: most articles match
    "模型", "数据", "训练", "推理", "的", "技术", "研究",
    # medium
    "蒸馏", "小模型", "开源社区", "注意力", "上下文", "强化学习", "多模态", "具身智能",
    "芯片", "显存", "智能体", "基准", "评估",
    # rare, 1 to 4 characters
    "熊", "鹿", "量子", "向量数据库", "注意力机制", "自动驾驶", "黑神话悟空", "三体",
    # Latin, with punctuation inside
    "GPT-4o", "o1-mini", "KV Cache", "93.7%", "OpenAI", "Open", "Qwen2.5", "DeepSeek-V3",
    "Transformer", "LLM", "MoE", "FlashAttention",
    # mixed and several terms
    "OpenAI 蒸馏", "DeepSeek-V3 推理", "GPT-4o 多模态", "训练 数据 效率", "开源 模型 社区",
    "Transformer 注意力", "小模型 蒸馏 成本", "芯片 算力", "机器人 具身智能", "LLM 评估 基准",
]  # fmt: skip


def configure(db: str, articles: int) -> str:
    if db == "sqlite":
        out = ROOT / "bench" / "out"
        out.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{out}/search_{articles}.sqlite3"
    else:
        url = f"postgres://postgres@127.0.0.1:5432/newsroom_search_{articles}"
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    import django

    django.setup()
    return url


def ensure_postgres_database(articles: int, fresh: bool) -> None:
    import psycopg

    name = f"newsroom_search_{articles}"
    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}"')
        if not exists or fresh:
            conn.execute(f'CREATE DATABASE "{name}"')


def database_arguments(ap: argparse.ArgumentParser) -> None:
    """The options of every benchmark that works on the bench database."""
    ap.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--per-file", type=int, default=6)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reuse", action="store_true", help="keep an existing bench database")


def open_database(db: str, articles: int, reuse: bool) -> str:
    """The bench database of ``articles`` articles, emptied unless ``reuse``."""
    if db == "postgres":
        ensure_postgres_database(articles, fresh=not reuse)
    elif not reuse:
        path = ROOT / "bench" / "out" / f"search_{articles}.sqlite3"
        for p in path.parent.glob(path.name + "*"):
            p.unlink()
    return configure(db, articles)


def build(articles: int, per_file: int, seed: int) -> float:
    from django.core.management import call_command
    from generate import generate_digest

    from articles.ingest import importer
    from articles.models import Article

    call_command("migrate", verbosity=0)
    have = Article.objects.count()
    if have >= articles:
        return 0.0
    rng = random.Random(seed)
    files = (articles - have + per_file - 1) // per_file
    started = time.monotonic()
    with _gin_index_built_after(), tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for start in range(0, files, 500):
            paths = []
            for i in range(start, min(files, start + 500)):
                path = folder / f"{i:06}.txt"
                text = generate_digest(rng, have + i, articles=per_file, article_chars=1700)
                path.write_text(text, encoding="utf-8")
                paths.append(path)
            for result in importer.import_files(paths):
                assert result.status == "imported", result
            for path in paths:
                path.unlink()
            done = Article.objects.count()
            print(f"  {done:,} articles, {time.monotonic() - started:.0f} s", file=sys.stderr)
    return time.monotonic() - started


@contextmanager
def _gin_index_built_after() -> Iterator[None]:
    """On PostgreSQL, build the search table's GIN index once at the end: a
    GIN index that grows by one article at a time makes each insert slower
    as it outgrows the shared buffers (~40 articles/s past 20,000)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes"
            " WHERE tablename = 'articles_search' AND indexdef LIKE %s",
            ["%USING gin%"],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '2GB'")
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute("RESET maintenance_work_mem")


def sizes_mb() -> tuple[float, float]:
    """(text of the articles, search index) in MB."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(LENGTH(title) + LENGTH(subtitle)), 0) FROM articles_article"
        )
        title_chars = cursor.fetchone()[0]
        if connection.vendor == "postgresql":
            cursor.execute("SELECT SUM(OCTET_LENGTH(body)) FROM articles_section")
            body = cursor.fetchone()[0]
            cursor.execute("SELECT pg_total_relation_size('articles_search')")
            index = cursor.fetchone()[0]
        else:
            cursor.execute("SELECT SUM(LENGTH(CAST(body AS BLOB))) FROM articles_section")
            body = cursor.fetchone()[0]
            cursor.execute("PRAGMA page_size")
            page = cursor.fetchone()[0]
            cursor.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'articles_search%'"
            )  # needs SQLITE_ENABLE_DBSTAT_VTAB, which Debian's SQLite has
            index = cursor.fetchone()[0] or 0
            del page
    return (body + 3 * title_chars) / 1e6, index / 1e6


def rebuild_index() -> float:
    from django.db import transaction

    from articles import search

    started = time.monotonic()
    with transaction.atomic():
        search.rebuild()
    return time.monotonic() - started


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, value


def raw_engine(query: str) -> tuple[list[int], int]:
    """The engine's own ranked top 20 and count, with no search layer."""
    from django.db import connection

    from articles.search.engines.postgres import tsquery as _tsquery
    from articles.search.engines.sqlite import fts5_match as _fts5_match

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            q = _tsquery(query.split())
            cursor.execute(
                "SELECT article_id FROM articles_search WHERE document @@ to_tsquery('simple', %s)"
                " ORDER BY ts_rank_cd(document, to_tsquery('simple', %s)) DESC LIMIT 20",
                [q, q],
            )
            ids = [r[0] for r in cursor.fetchall()]
            cursor.execute(
                "SELECT count(*) FROM articles_search WHERE document @@ to_tsquery('simple', %s)",
                [q],
            )
        else:
            q = _fts5_match(query.split())
            cursor.execute(
                "SELECT rowid FROM articles_search WHERE articles_search MATCH %s"
                " ORDER BY rank LIMIT 20",
                [q],
            )
            ids = [r[0] for r in cursor.fetchall()]
            cursor.execute(
                "SELECT count(*) FROM articles_search WHERE articles_search MATCH %s", [q]
            )
        return ids, cursor.fetchone()[0]


def like_scan(query: str) -> int:
    from django.db import connection

    terms = query.split()
    where = " AND ".join(["(a.title LIKE %s OR s.body LIKE %s)"] * len(terms))
    params = [p for t in terms for p in (f"%{t}%", f"%{t}%")]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(DISTINCT a.id) FROM articles_article a"
            f" JOIN articles_section s ON s.article_id = a.id WHERE {where}",
            params,
        )
        return cursor.fetchone()[0]


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def measure(queries: list[str], skip_like: bool) -> dict:
    from articles.search import search

    for q in queries:  # warm the caches once
        search(q, facets=False)
    rows = {"best": [], "newest": [], "engine": [], "like": []}
    per_query = []
    for q in queries:
        best_ms, best = timed(search, q, order="best", facets=False)
        newest_ms, _ = timed(search, q, order="newest", facets=False)
        engine_ms, (_, count) = timed(raw_engine, q)
        like_ms = 0.0 if skip_like else timed(like_scan, q)[0]
        rows["best"].append(best_ms)
        rows["newest"].append(newest_ms)
        rows["engine"].append(engine_ms)
        rows["like"].append(like_ms)
        per_query.append((q, count, best.count, best_ms, newest_ms, engine_ms, like_ms))
    summary = {
        name: {"p50": statistics.median(v), "p95": percentile(v, 95), "max": max(v)}
        for name, v in rows.items()
    }
    return {"summary": summary, "queries": per_query}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    database_arguments(ap)
    ap.add_argument("--skip-rebuild", action="store_true", help="do not time an index rebuild")
    ap.add_argument("--skip-like", action="store_true", help="do not time the LIKE scans")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    open_database(args.db, args.articles, args.reuse)
    from django.db import connection

    from articles.models import Article

    build_s = build(args.articles, args.per_file, args.seed)
    rebuild_s = 0.0 if args.skip_rebuild else rebuild_index()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    text_mb, index_mb = sizes_mb()
    result = measure(QUERIES, args.skip_like)
    result.update(
        db=args.db,
        articles=Article.objects.count(),
        import_s=build_s,
        index_rebuild_s=rebuild_s,
        text_mb=text_mb,
        index_mb=index_mb,
    )
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"{args.db}: {result['articles']:,} articles; import {build_s:.0f} s")
    print(f"index rebuild {rebuild_s:.1f} s; text {text_mb:,.0f} MB, index {index_mb:,.0f} MB")
    print(f"{'':8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, s in result["summary"].items():
        print(f"{name:8} {s['p50']:8.1f} {s['p95']:8.1f} {s['max']:8.1f}")
    print(f"\n{'query':22} {'matches':>8} {'best':>7} {'newest':>7} {'engine':>7} {'LIKE':>7}")
    for q, count, _, best_ms, newest_ms, engine_ms, like_ms in result["queries"]:
        print(f"{q:22} {count:8,} {best_ms:7.1f} {newest_ms:7.1f} {engine_ms:7.1f} {like_ms:7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
