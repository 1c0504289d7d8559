"""Production settings, security headers, health check, error pages, request log."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest
from django.db import DatabaseError

from ..conftest import ROOT

pytestmark = pytest.mark.django_db


def test_check_deploy_passes_with_production_settings():
    env = {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "0",
        "HTTPS": "1",
        "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "news.example.com",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_process_starts_without_the_page_extractor():
    # trafilatura and lxml weigh 12 MB a process; only a restore needs them.
    code = (
        "import sys, django; django.setup(); "
        "from django.contrib import admin; admin.autodiscover(); "
        "import newsroom.urls; "
        "print(sorted(m for m in ('trafilatura', 'lxml') if m in sys.modules))"
    )
    env = {"DJANGO_SETTINGS_MODULE": "newsroom.settings", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_every_page_sends_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    html = response.content.decode()
    assert "<script>" not in html and " style=" not in html  # nothing inline to allow
    assert "Content-Security-Policy-Report-Only" not in response


def test_the_admin_alone_may_use_inline_styles(client, eve):
    client.force_login(eve)
    admin = client.get("/admin/articles/article/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in admin.split(";"))
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["script-src"] == "'self'" and directives["default-src"] == "'self'"
    for path in ("/", "/tags/", "/accounts/login/", "/bookmarks/"):
        policy = client.get(path)["Content-Security-Policy"]
        assert "unsafe-inline" not in policy, path


def test_healthz_checks_the_database(client, monkeypatch):
    ok = client.get("/healthz")
    assert ok.status_code == 200 and ok.content == b"ok\n"

    def broken(*args, **kwargs):
        raise DatabaseError("gone")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", broken)
    assert client.get("/healthz").status_code == 503


def test_friendly_not_found_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "找不到页面" in html and 'href="/"' in html


def test_server_error_page_needs_nothing_but_itself(client, settings):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html and "/static/css/newsroom.css" in html


def test_one_log_line_per_request(client, caplog):
    with caplog.at_level(logging.INFO, logger="newsroom.requests"):
        client.get("/tags/")
    (record,) = [r for r in caplog.records if r.name == "newsroom.requests"]
    method, path, status, took = record.getMessage().split()
    assert (method, path, status) == ("GET", "/tags/", "200") and took.endswith("ms")
