"""Load: gunicorn (2 workers) on the 100,000-article PostgreSQL bench database,
driven by wrk for 60 s at 32 connections over the reading pages and search,
with an import running meanwhile; then the same against a bare "hello" view.

    .venv/bin/python bench/load/run.py            # needs wrk (apt-get install wrk)
    .venv/bin/python bench/load/run.py --seconds 20 --connections 16

Uses the database search_bench.py / page_bench.py build (newsroom_search_100000).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PORT = 8077


def environment(database: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "settings",
        "PYTHONPATH": f"{HERE}:{ROOT}",
        "DEBUG": "0",
        "SECRET_KEY": "load-benchmark-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "ERROR",
    }


def django_paths(env: dict[str, str], count: int) -> list[str]:
    code = (
        "import django, random; django.setup();"
        "from articles.models import Article, Tag;"
        "rng = random.Random(7);"
        "ids = list(Article.objects.filter(status='published')"
        ".values_list('id', flat=True)[:50000]);"
        "arts = Article.objects.in_bulk(rng.sample(ids, 100));"
        "print('\\n'.join(a.get_absolute_url() for a in arts.values()));"
        "tags = Tag.objects.filter(articletag__isnull=False).distinct()[:20];"
        "print('\\n'.join(t.get_absolute_url() for t in tags))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    articles, tags = out[:100], out[100:]
    searches = [
        f"/?q={q}" for q in ("%E8%92%B8%E9%A6%8F", "%E6%A8%A1%E5%9E%8B", "OpenAI", "GPT-4o")
    ]
    searches += ["/?q=%E5%B0%8F%E6%A8%A1%E5%9E%8B&order=newest", "/?q=KV+Cache"]
    rng = random.Random(1)
    mix = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.25:
            mix.append(rng.choice(["/", "/?page=2"]))
        elif kind < 0.5:
            mix.append(rng.choice(searches))
        elif kind < 0.75:
            mix.append(rng.choice(tags))
        else:
            mix.append(rng.choice(articles))
    return mix


def wait_until_up(url: str) -> None:
    for _ in range(200):
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not come up")


def wrk(paths_file: Path, seconds: int, connections: int) -> dict:
    out = subprocess.run(
        [
            "wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
            "-s", str(HERE / "paths.lua"), f"http://127.0.0.1:{PORT}",
        ],
        env={**os.environ, "PATHS_FILE": str(paths_file)},
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip

    def find(pattern: str, default: str = "0") -> str:
        m = re.search(pattern, out, re.MULTILINE)
        return m.group(1) if m else default

    return {
        "requests_per_s": float(find(r"Requests/sec:\s+([\d.]+)")),
        "p50": find(r"^\s+50%\s+(\S+)"),
        "p99": find(r"^\s+99%\s+(\S+)"),
        "requests": int(find(r"(\d+) requests in")),
        "non_2xx": int(find(r"Non-2xx or 3xx responses: (\d+)")),
        "socket_errors": find(r"Socket errors: (.*)", "none"),
        "raw": out,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument(
        "--database", default="postgres://postgres@127.0.0.1:5432/newsroom_search_100000"
    )
    ap.add_argument("--import-files", type=int, default=300, help="imported during the run")
    args = ap.parse_args()

    env = environment(args.database)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    work = Path(tempfile.mkdtemp(prefix="newsroom-load-"))
    paths_file = work / "paths.txt"
    paths_file.write_text("\n".join(django_paths(env, 2000)) + "\n")
    hello_file = work / "hello.txt"
    hello_file.write_text("/hello\n")
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--files", str(args.import_files),
         "--seed", str(random.randrange(1000, 10**6)), "--out", str(work / "raw")],
        check=True, capture_output=True,
    )  # fmt: skip

    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsroom.wsgi:application",
         "--workers", "2", "--bind", f"127.0.0.1:{PORT}", "--timeout", "30"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{PORT}/healthz")
        importing = subprocess.Popen(
            [sys.executable, "manage.py", "import_articles", str(work / "raw")],
            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        pages = wrk(paths_file, args.seconds, args.connections)
        imported = importing.communicate()[0].strip().splitlines()[-1:]
        hello = wrk(hello_file, args.seconds, args.connections)
    finally:
        server.terminate()
        server.wait(timeout=10)

    print(
        f"pages: {pages['requests_per_s']:.1f} req/s, p50 {pages['p50']}, p99 {pages['p99']},"
        f" {pages['requests']} requests, non-2xx {pages['non_2xx']},"
        f" socket errors {pages['socket_errors']}"
    )
    print(f"import meanwhile: {' '.join(imported)}")
    print(
        f"hello: {hello['requests_per_s']:.1f} req/s, p50 {hello['p50']}, p99 {hello['p99']},"
        f" non-2xx {hello['non_2xx']}, socket errors {hello['socket_errors']}"
    )
    print(f"ratio pages/hello: {pages['requests_per_s'] / hello['requests_per_s']:.2f}")
    return 1 if pages["non_2xx"] or pages["socket_errors"] != "none" else 0


if __name__ == "__main__":
    sys.exit(main())
