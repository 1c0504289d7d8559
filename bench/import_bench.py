"""End-to-end import benchmark into a fresh database.

Generates N synthetic digests into a temporary folder, creates a fresh
database, runs the migrations, then runs ``import_articles`` on the folder
twice: the first run imports everything, the second finds every file already
imported (same sha256) and skips it. Prints files/s, articles/s, MB/s, the
re-run speed-up and the peak RSS of the process.

    python bench/import_bench.py --files 1000 --db sqlite
    python bench/import_bench.py --files 1000 --db postgres
    python bench/import_bench.py --db sqlite --memory-check     # 200 vs 1000 files
    python bench/import_bench.py --files 1000 --without-extras  # no tags, no duplicate checks
    python bench/import_bench.py --files 1000 --without-search-index
    python bench/import_bench.py --files 1000 --mix              # the four formats in turn

Besides the times it prints the CPU each article cost the importing process,
its worker processes and the PostgreSQL server (all its processes), and the
rate at which that much work would keep every core busy.

SQLite uses a file in the temporary folder; PostgreSQL uses the database
``newsroom_bench`` on 127.0.0.1:5432 as user ``postgres`` (trust auth), which is
dropped and re-created first and dropped again at the end (``--keep`` keeps
it, and the temporary folder). Django runs with DEBUG off, as in production;
``--debug`` turns it on (Django then logs every query in memory).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import write_digests  # noqa: E402

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "newsroom_bench"
PG_BENCH_URL = f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
TARGET_ARTICLES_S = 300
TARGET_SPEEDUP = 20
WITHOUT_EXTRAS = "NEWSROOM_BENCH_WITHOUT_EXTRAS"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def switch_off_extras(workers_only: bool = False) -> None:
    """Import as if Newsroom had no automatic tags and no duplicate detection,
    to measure what they cost: no vocabulary, no measuring, no lookups, no
    sketch rows. The review reasons stay.

    The import's worker processes are spawned, and a spawned process imports
    this script as its main module again: the environment variable brings
    them here, and they switch off their half (the measuring).
    """
    from articles.ingest import dedupe

    os.environ[WITHOUT_EXTRAS] = "1"
    dedupe.measure = lambda text, sections_html: dedupe.Measures("", [], [])
    if workers_only:
        return
    from articles.ingest import autotag, importer, tagging

    autotag.current = lambda: autotag.Vocabulary(tagging.Tagger([]), {})
    importer._new_articles = lambda source, prepared, which: which
    importer._near_copies = lambda prepared, which: {}
    importer.ArticleSketch = mock.Mock()


def switch_off_search_index() -> None:
    """Import without writing the search index (to measure what it costs)."""
    from articles import search

    search.index_new = lambda docs: None


if os.environ.get(WITHOUT_EXTRAS) and __name__ == "__mp_main__":
    switch_off_extras(workers_only=True)


@dataclass
class Result:
    db: str
    files: int
    megabytes: float
    generate_s: float
    migrate_s: float
    import_s: float
    rerun_s: float
    sources: int
    articles: int
    sections: int
    links: int
    rss_before_import_mb: float
    peak_rss_mb: float
    db_size_mb: float
    summary: str
    rerun_summary: str
    stages: dict[str, float] = field(default_factory=dict)  # seconds, with --breakdown
    # CPU seconds of the first import: this process, its workers, the server
    cpu_s: dict[str, float] = field(default_factory=dict)

    @property
    def speedup(self) -> float:
        return self.import_s / self.rerun_s if self.rerun_s else float("inf")


# --------------------------------------------------------------------------
# Fresh database


def fresh_postgres() -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_BENCH_DB} ENCODING 'UTF8' TEMPLATE template0")
    return PG_BENCH_URL


def drop_postgres() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")


def configure_django(database_url: str, debug: bool) -> None:
    """Environment first, then django.setup(): settings read it at import."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    os.environ["DEBUG"] = "1" if debug else "0"
    os.environ.setdefault("SECRET_KEY", "import-bench-only-not-a-real-secret")
    import django

    django.setup()


def database_size_mb(db: str, sqlite_path: Path) -> float:
    if db == "sqlite":
        paths = [sqlite_path, Path(f"{sqlite_path}-wal"), Path(f"{sqlite_path}-shm")]
        return sum(p.stat().st_size for p in paths if p.exists()) / 1e6
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0] / 1e6


# --------------------------------------------------------------------------
# Measuring


def current_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cpu_seconds() -> dict[str, float]:
    """CPU used so far by this process, its finished children (the import's
    workers: the pool is shut down at the end of a run) and every process
    named postgres on this machine (the server, its writers included)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    server = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, rest = stat.read_text().split(" (", 1)[1].rsplit(") ", 1)
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if name == "postgres":
            fields = rest.split()
            server += int(fields[11]) + int(fields[12])  # utime, stime
    return {
        "importing process": own.ru_utime + own.ru_stime,
        "workers": children.ru_utime + children.ru_stime,
        "PostgreSQL server": server / CLOCK_TICKS,
    }


# What --breakdown times inside the first import: (module, attribute, label).
# Parsing and rendering run in the worker processes, out of reach of these
# wrappers: the breakdown covers the importing process, i.e. the writes.
STAGES = [
    ("articles.ingest.importer", "make_slug", "make_slug"),
    ("articles.ingest.importer", "sha256_of", "sha256"),
]


_SQL_TABLE = re.compile(r'(?:INTO|FROM|UPDATE)\s+"?(\w+)', re.IGNORECASE)


def sql_label(sql: str) -> str:
    """'SQL INSERT articles_section' and the like."""
    table = _SQL_TABLE.search(sql)
    return f"SQL {sql.split(None, 1)[0].upper()} {table.group(1) if table else ''}".rstrip()


class StageTimer:
    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()

    def wrap(self, label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started

        return timed

    def sql(self, execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds[sql_label(sql)] += time.perf_counter() - started


@contextmanager
def stage_timing() -> Iterator[StageTimer]:
    """Time the importer's stages by wrapping them for the duration (no file edits)."""
    import importlib

    from django.db import connection

    timer = StageTimer()
    with ExitStack() as stack:
        for module_name, attribute, label in STAGES:
            module = importlib.import_module(module_name)
            wrapped = timer.wrap(label, getattr(module, attribute))
            stack.enter_context(mock.patch.object(module, attribute, wrapped))
        connection.ensure_connection()
        commit = timer.wrap("COMMIT", connection.commit)
        stack.enter_context(mock.patch.object(connection, "commit", commit))
        stack.enter_context(connection.execute_wrapper(timer.sql))
        yield timer


def timed_import(folder: Path, profiler: cProfile.Profile | None = None) -> tuple[float, str]:
    """Seconds for one ``import_articles`` run, and its summary line."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    try:
        if profiler:
            profiler.enable()
        call_command("import_articles", str(folder), stdout=out, stderr=err)
    except CommandError as exc:
        sys.stderr.write(err.getvalue()[-2000:])
        raise SystemExit(f"import_articles failed: {exc}") from exc
    finally:
        if profiler:
            profiler.disable()
    seconds = time.perf_counter() - started
    lines = out.getvalue().strip().splitlines()
    return seconds, lines[-1] if lines else ""


def counts() -> tuple[int, int, int, int]:
    from articles.models import Article, Link, Section, Source

    return (
        Source.objects.count(),
        Article.objects.count(),
        Section.objects.count(),
        Link.objects.count(),
    )


def run(
    files: int,
    db: str,
    seed: int,
    debug: bool,
    keep: bool,
    profile: int = 0,
    breakdown: bool = False,
    without_search_index: bool = False,
    mix: bool = False,
) -> Result:
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    raw = workdir / "raw"
    sqlite_path = workdir / "bench.sqlite3"
    try:
        started = time.perf_counter()
        size = write_digests(raw, files, seed, mix=mix)
        generate_s = time.perf_counter() - started

        url = f"sqlite:///{sqlite_path}" if db == "sqlite" else fresh_postgres()
        configure_django(url, debug)
        if os.environ.get(WITHOUT_EXTRAS):
            switch_off_extras()
        if without_search_index:
            switch_off_search_index()
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        migrate_s = time.perf_counter() - started

        rss_before = current_rss_mb()
        profiler = cProfile.Profile() if profile else None
        cpu_before = cpu_seconds()
        with ExitStack() as stack:
            timer = stack.enter_context(stage_timing()) if breakdown else None
            import_s, summary = timed_import(raw, profiler)
        cpu_s = {k: v - cpu_before[k] for k, v in cpu_seconds().items()}
        if profiler:
            print_profile(profiler, profile)
        after_first = counts()
        rerun_s, rerun_summary = timed_import(raw)
        if counts() != after_first:
            raise SystemExit(f"the re-run changed the database: {after_first} -> {counts()}")
        result = Result(
            db=db,
            files=files,
            megabytes=size / 1e6,
            generate_s=generate_s,
            migrate_s=migrate_s,
            import_s=import_s,
            rerun_s=rerun_s,
            sources=after_first[0],
            articles=after_first[1],
            sections=after_first[2],
            links=after_first[3],
            rss_before_import_mb=rss_before,
            peak_rss_mb=peak_rss_mb(),
            db_size_mb=database_size_mb(db, sqlite_path),
            summary=summary,
            rerun_summary=rerun_summary,
            stages=dict(timer.seconds) if timer else {},
            cpu_s=cpu_s,
        )
    finally:
        from django.db import connections

        connections.close_all()
        if keep:
            print(f"kept {workdir}" + (f" and database {PG_BENCH_DB}" if db == "postgres" else ""))
        else:
            shutil.rmtree(workdir, ignore_errors=True)
            if db == "postgres":
                drop_postgres()
    return result


# --------------------------------------------------------------------------
# Reporting


def print_profile(profiler: cProfile.Profile, top: int) -> None:
    """Hot spots of the first import (cProfile slows it down ~2x)."""
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def report(r: Result) -> None:
    ok = {True: "OK", False: "BELOW TARGET"}
    print(f"database        {r.db}")
    print(f"corpus          {r.files} files, {r.megabytes:.1f} MB", end="")
    print(f" (generated in {r.generate_s:.1f} s)")
    print(f"migrate         {r.migrate_s:.1f} s")
    print(f"first import    {r.import_s:.1f} s: {r.summary}")
    print(
        f"                {r.files / r.import_s:,.1f} files/s, "
        f"{r.articles / r.import_s:,.0f} articles/s, {r.megabytes / r.import_s:.2f} MB/s "
        f"[target >= {TARGET_ARTICLES_S} articles/s: "
        f"{ok[r.articles / r.import_s >= TARGET_ARTICLES_S]}]"
    )
    print(
        f"stored          {r.sources} sources, {r.articles} articles, "
        f"{r.sections} sections, {r.links} links; database {r.db_size_mb:.0f} MB"
    )
    print(f"re-run          {r.rerun_s:.2f} s: {r.rerun_summary}")
    print(
        f"                {r.files / r.rerun_s:,.0f} files/s, speed-up {r.speedup:.1f}x "
        f"[target >= {TARGET_SPEEDUP}x: {ok[r.speedup >= TARGET_SPEEDUP]}]"
    )
    print(
        f"RSS             {r.rss_before_import_mb:.0f} MB before the import, "
        f"peak {r.peak_rss_mb:.0f} MB (ru_maxrss)"
    )


def report_cpu(r: Result) -> None:
    """CPU per article, and the rate that would keep every core busy."""
    if not r.articles:
        return
    per_article = {k: 1000 * v / r.articles for k, v in r.cpu_s.items()}
    if r.db != "postgres":
        del per_article["PostgreSQL server"]
    total = sum(per_article.values())
    cores = os.cpu_count() or 1
    parts = ", ".join(f"{k} {ms:.2f}" for k, ms in per_article.items())
    print(f"CPU per article {parts}: {total:.2f} ms in all")
    print(
        f"                {cores} cores busy all the time would import at most "
        f"{cores * 1000 / total:,.0f} articles/s"
    )


def report_stages(r: Result) -> None:
    if not r.stages:
        return
    print("first import by stage (--breakdown):")
    rows = sorted(r.stages.items(), key=lambda kv: -kv[1])
    rows.append(("everything else", r.import_s - sum(r.stages.values())))
    for label, seconds in rows:
        share = 100 * seconds / r.import_s
        per_file = 1000 * seconds / r.files
        print(f"  {label:36} {seconds:7.2f} s {share:5.1f}%  {per_file:6.2f} ms/file")


def memory_check(sizes: list[int], args: argparse.Namespace) -> int:
    """One fresh process per corpus size: ru_maxrss never goes down."""
    results = []
    for files in sizes:
        cmd = [sys.executable, __file__, "--files", str(files), "--db", args.db]
        cmd += ["--seed", str(args.seed), "--json"] + (["--debug"] if args.debug else [])
        print(f"$ {' '.join(cmd[1:])}", flush=True)
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"\n{'files':>6} {'articles/s':>11} {'re-run x':>9} {'RSS before':>11} {'peak RSS':>9}")
    for r in results:
        print(
            f"{r['files']:>6} {r['articles'] / r['import_s']:>11,.0f} "
            f"{r['import_s'] / r['rerun_s']:>9.1f} "
            f"{r['rss_before_import_mb']:>8.0f} MB {r['peak_rss_mb']:>6.0f} MB"
        )
    small, large = results[0], results[-1]
    growth = large["peak_rss_mb"] - small["peak_rss_mb"]
    flat = growth <= max(20.0, 0.1 * small["peak_rss_mb"])
    print(
        f"peak RSS {small['peak_rss_mb']:.0f} MB at {small['files']} files, "
        f"{large['peak_rss_mb']:.0f} MB at {large['files']} files: "
        f"{growth:+.0f} MB for {large['files'] / small['files']:.0f}x the files -> "
        f"{'flat' if flat else 'GROWS WITH THE CORPUS'}"
    )
    return 0 if flat else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Time import_articles into a fresh database.")
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--memory-check",
        nargs="*",
        type=int,
        metavar="N",
        help="run each corpus size (default 200 1000) in its own process and compare peak RSS",
    )
    ap.add_argument("--debug", action="store_true", help="run Django with DEBUG on")
    ap.add_argument(
        "--without-extras",
        action="store_true",
        help="switch automatic tagging and duplicate detection off (to measure their cost)",
    )
    ap.add_argument(
        "--without-search-index",
        action="store_true",
        help="do not write the search index (to measure its cost)",
    )
    ap.add_argument("--mix", action="store_true", help="the four formats in turn (generate --mix)")
    ap.add_argument("--keep", action="store_true", help="keep the files and the database")
    ap.add_argument("--json", action="store_true", help="print the result as one JSON line")
    ap.add_argument("--breakdown", action="store_true", help="time the stages of the first import")
    ap.add_argument(
        "--profile",
        type=int,
        nargs="?",
        const=30,
        default=0,
        metavar="ROWS",
        help="cProfile the first import; print the hot spots to stderr (slows it down)",
    )
    args = ap.parse_args(argv)

    if args.without_extras:
        os.environ[WITHOUT_EXTRAS] = "1"
    if args.memory_check is not None:
        return memory_check(sorted(args.memory_check or [200, 1000]), args)
    result = run(
        args.files,
        args.db,
        args.seed,
        args.debug,
        args.keep,
        args.profile,
        args.breakdown,
        args.without_search_index,
        args.mix,
    )
    if args.json:
        print(json.dumps(asdict(result) | {"speedup": result.speedup}, ensure_ascii=False))
    else:
        report(result)
        report_cpu(result)
        report_stages(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
