"""docker-compose.yml, checked without Docker: parsed, and its web start-up run
here for real (migrate, collectstatic as the image build does, gunicorn, the
health check) against this machine's database."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from django.db import connection

from ..conftest import ROOT

pytestmark = pytest.mark.slow

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_compose_file_has_db_web_and_an_import_profile():
    services = COMPOSE["services"]
    assert set(services) == {"db", "redis", "web", "import"}
    db = services["db"]
    assert db["image"].startswith("postgres:") and int(db["image"].split(":")[1]) >= 15
    assert "pgdata:/var/lib/postgresql/data" in db["volumes"] and "pgdata" in COMPOSE["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    web = services["web"]
    assert web["command"] == ["sh", "docker/start-web"]
    assert "/healthz" in " ".join(web["healthcheck"]["test"])
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert web["depends_on"]["redis"]["condition"] == "service_healthy"
    assert web["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    redis = services["redis"]
    assert redis["image"].startswith("redis:") and "volumes" not in redis
    assert "allkeys-lru" in redis["command"]
    assert web["environment"]["DEBUG"] == "0"
    assert "${SECRET_KEY:?" in web["environment"]["SECRET_KEY"]  # no default secret
    assert "volumes" not in web  # stateless: nothing of its own to keep
    importer = services["import"]
    assert importer["profiles"] == ["import"]
    assert importer["command"][-2:] == ["import_articles", "/raw"]
    assert importer["volumes"] == ["./raw:/raw:ro"]


def dockerfile() -> dict[str, list[str]]:
    """The Dockerfile's instructions by name, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    steps: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, rest = line.strip().partition(" ")
            steps.setdefault(name, []).append(rest.strip())
    return steps


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_the_images_own_steps_serve_pages_and_pass_its_health_check(tmp_path):
    """What the image does, run here from its Dockerfile: the build's
    collectstatic step, the container's command (migrate, gunicorn), then the
    image's health check and a page with hashed static names."""
    steps = dockerfile()
    (collect,) = [step for step in steps["RUN"] if "collectstatic" in step]
    (command,) = [json.loads(step) for step in steps["CMD"]]
    (health,) = steps["HEALTHCHECK"]
    health = health.split(" CMD ", 1)[1]
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        database = f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}"
    else:
        database = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    port = _free_port()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
        },
        "DATABASE_URL": database,
        "SECRET_KEY": "deploy-check-" + "x" * 40,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "PORT": str(port),
        "WEB_WORKERS": "1",
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
    }
    static = subprocess.run(
        ["sh", "-c", collect], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert static.returncode == 0, static.stderr
    web = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = b""
        for _ in range(100):
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        assert body == b"ok\n", web.stdout.read1().decode() if web.stdout else ""
        checked = subprocess.run(
            ["sh", "-c", health.replace(":8000/", f":{port}/")], env=env, capture_output=True
        )
        assert checked.returncode == 0, checked.stderr
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
        assert page.status == 200 and b"Newsroom" in page.read()
        css = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
        assert "/static/css/newsroom." in css  # hashed name from the manifest
    finally:
        web.terminate()
        web.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path):
    """The compose file's Redis, run here from its own command line."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = _free_port()
    (command,) = [COMPOSE["services"]["redis"]["command"]]
    server = subprocess.Popen(
        [binary, *command[1:], "--port", str(port), "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield COMPOSE["x-app"]["environment"]["REDIS_URL"].replace(
            "redis:6379", f"127.0.0.1:{port}"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


SHARED = """
import django, sys
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.core.cache import caches
assert type(caches["default"]).__name__ == "RedisCache", type(caches["default"])
with CaptureQueriesContext(connection) as ctx:
    page = Client().get("/tags/")
print(page.status_code, len(ctx.captured_queries))
"""


def test_web_containers_with_redis_share_their_kept_pages(tmp_path, redis_server):
    """Two processes, as two web containers: the page one renders, the other
    serves from Redis with only the content version read."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "REDIS_URL": redis_server,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "ALLOWED_HOSTS": "testserver",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    first, second = (
        subprocess.run(
            [sys.executable, "-c", SHARED], cwd=ROOT, env=env, capture_output=True, text=True
        )
        for _ in range(2)
    )
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    status, rendered = map(int, first.stdout.split())
    assert status == 200 and rendered > 1
    assert second.stdout.split() == ["200", "1"]
