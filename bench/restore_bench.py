"""A whole restore of one digest from its stored original, fetch excluded.

Creates a fresh database (SQLite in a temporary folder, or ``newsroom_bench``
on the local PostgreSQL), then, for each repeat, a digest the size of the
example (6 articles, ~50 k characters) as the mirror leaves it — fullwidth
punctuation stripped, each section one run-on paragraph — with its origin
page stored on the source: the same articles with their punctuation and
paragraphs, inside navigation, captions and a footer. It times
``restore.restore_source`` on it (the page is not fetched: the stored copy
is read), split into extracting the main text (trafilatura), planning
(aligning every article) and applying (one transaction: sections rendered
through the sanitiser, the search index, the history).

    python bench/restore_bench.py                 # SQLite, median of --repeat 7
    python bench/restore_bench.py --db postgres
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from align_bench import mangle  # noqa: E402
from generate import _sections_of, _title  # noqa: E402
from import_bench import configure_django, drop_postgres, fresh_postgres  # noqa: E402

TARGET_MS = 1000


def build(rng: random.Random, articles: int, article_chars: int):
    """[(title, [(heading, paragraphs)])] with their punctuation, and the page."""
    digest = [(_title(rng, 0, k), _sections_of(rng, article_chars)) for k in range(articles)]
    html = ['<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>AI 早报</title>']
    html.append('</head><body><nav><a href="/">首页</a> | <a href="/news">资讯</a></nav><article>')
    for n, (title, sections) in enumerate(digest):
        html.append(f"<h2>{title}</h2>")
        for heading, paragraphs in sections:
            if heading:
                html.append(f"<h3>{heading}</h3>")
            html += [f"<p>{p}</p>" for p in paragraphs]
        html.append(f"<figure><figcaption>图 {n + 1}：示意图（来源：网络）</figcaption></figure>")
    html.append("</article><footer>版权所有 上一篇 下一篇</footer></body></html>")
    return digest, "".join(html)


def make_source(digest, page: str, n: int):
    from django.utils import timezone

    from articles.lib.markup import paragraphs_to_markdown
    from articles.models import Article, Section, Source

    source = Source.objects.create(
        sha256=f"{n:064x}", filename=f"bench-{n}.txt", size=1, raw_text="", encoding="utf-8",
        parser_version=1, origin_url="https://news.example.com/digest",
        original_html=page, original_fetched_at=timezone.now(),
    )  # fmt: skip
    for position, (title, sections) in enumerate(digest, 1):
        article = Article.objects.create(
            source=source, position=position, title=mangle(title), slug=f"b-{n}-{position}",
            published_on=timezone.localdate(), span_start=0, span_end=0,
        )  # fmt: skip
        for k, (heading, paragraphs) in enumerate(sections, 1):
            body = paragraphs_to_markdown([mangle(" ".join(paragraphs))])
            Section.objects.create(article=article, position=k, heading=heading, body=body)
    return source


def timed_restore(digest, page: str, n: int) -> dict[str, float]:
    from articles.ingest import alignment, restore
    from articles.ingest.originals_settings import policy_from_settings

    def fetch(url, policy):
        raise AssertionError("the stored copy is read: nothing is fetched")

    source = make_source(digest, page, 2 * n)
    times = {}
    alignment._prepared.cache_clear()  # each digest brings its own page
    start = time.perf_counter()
    extracted = restore.extract_stored(source)
    times["extract"] = time.perf_counter() - start
    plan = restore.plan_restore(source, extracted.text)
    times["plan"] = time.perf_counter() - start - times["extract"]
    restored = restore.apply_restore(plan, fetched_at=source.original_fetched_at)
    times["apply"] = time.perf_counter() - start - times["extract"] - times["plan"]
    times["total"] = time.perf_counter() - start
    assert restored == len(plan.articles), (restored, [a.coverage for a in plan.articles])
    # The same work through the service the command and the admin use.
    again = make_source(digest, page, 2 * n + 1)
    alignment._prepared.cache_clear()
    start = time.perf_counter()
    result = restore.restore_source(again, policy_from_settings(), fetch=fetch)
    times["restore_source"] = time.perf_counter() - start
    assert result.status == restore.Status.RESTORED, result.reason
    assert result.restored == len(plan.articles), (result.restored, result.refused)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--articles", type=int, default=6)
    parser.add_argument("--article-chars", type=int, default=5000, help="Han characters each")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = fresh_postgres() if args.db == "postgres" else f"sqlite:///{folder}/bench.sqlite3"
        configure_django(url, debug=False)
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        rng = random.Random(args.seed)
        runs = []
        for n in range(args.repeat):
            digest, page = build(rng, args.articles, args.article_chars)
            runs.append(timed_restore(digest, page, n))
        chars = sum(
            len(mangle(title)) + sum(len(mangle(" ".join(p))) + len(h) for h, p in sections)
            for title, sections in digest
        )
        if args.db == "postgres":
            from django.db import connections

            connections.close_all()
            drop_postgres()

    median = {key: statistics.median(r[key] for r in runs) * 1000 for key in runs[0]}
    print(
        f"{args.db}: {args.articles} articles, {chars:,} characters against a "
        f"{len(page):,}-character page; median of {args.repeat}:"
    )
    print(
        f"  extract {median['extract']:.0f} ms + plan {median['plan']:.0f} ms + apply "
        f"{median['apply']:.0f} ms = {median['total']:.0f} ms "
        f"(restore_source {median['restore_source']:.0f} ms; target < {TARGET_MS} ms)"
    )
    return 0 if max(median["total"], median["restore_source"]) < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
