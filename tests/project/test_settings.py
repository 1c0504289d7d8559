from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsroom.settings import env_bool, env_int, env_list, env_secret

from ..conftest import ROOT


def test_env_helpers_read_and_fail_loudly(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "12")
    monkeypatch.setenv("X_LIST", "a.example, b.example,")
    assert env_bool("X_BOOL", False) is True
    assert env_int("X_INT", 0) == 12
    assert env_list("X_LIST", []) == ["a.example", "b.example"]
    assert env_bool("X_MISSING", True) is True
    monkeypatch.setenv("X_BOOL", "maybe")
    monkeypatch.setenv("X_INT", "twelve")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL"):
        env_bool("X_BOOL", False)
    with pytest.raises(ImproperlyConfigured, match="X_INT"):
        env_int("X_INT", 0)
    with pytest.raises(ImproperlyConfigured, match="X_SECRET"):
        env_secret("X_SECRET", "dev", required=True)
    assert env_secret("X_SECRET", "dev", required=False) == "dev"


def settings_in_subprocess(**env: str) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings as s; " \
        "print(s.DATABASES['default']['ENGINE'], s.DEBUG)"  # fmt: skip
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env},
        capture_output=True,
        text=True,
    )


def test_with_nothing_set_it_runs_on_sqlite_in_debug():
    result = settings_in_subprocess()
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_database_url_selects_postgres():
    result = settings_in_subprocess(DATABASE_URL="postgres://u:p@db:5432/newsroom")
    assert result.stdout.split() == ["django.db.backends.postgresql", "True"]


def test_production_without_a_secret_key_refuses_to_start():
    result = settings_in_subprocess(DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_bad_address_to_let_through_refuses_to_start():
    result = settings_in_subprocess(ORIGINALS_ALLOW_ADDRESSES="127.0.0.1,localhost")
    assert result.returncode != 0
    assert "ORIGINALS_ALLOW_ADDRESSES: 'localhost'" in result.stderr


def test_every_setting_read_from_the_environment_is_documented():
    source = (ROOT / "newsroom" / "settings.py").read_text()
    read = set(re.findall(r'(?:env_\w+|os\.environ\.get)\(\s*"([A-Z_]+)"', source))
    documented = set(re.findall(r"^#? ?([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert {"DEBUG", "SECRET_KEY", "TRUSTED_PROXIES"} <= read
    assert read - documented == set()


def test_compose_passes_the_proxy_count_to_the_web_containers():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    environment = compose["x-app"]["environment"]
    assert environment["TRUSTED_PROXIES"] == "${TRUSTED_PROXIES:-0}"
