"""`make test` finds its PostgreSQL, creates the database it lacks, and says
why when it cannot use one (tests/postgres_ready.py)."""

from __future__ import annotations

import subprocess
import sys
import uuid

import psycopg
import pytest

from ..conftest import ROOT
from ..postgres_ready import ready

SERVER = "postgres://postgres@127.0.0.1:5432"


def server_answers() -> bool:
    try:
        psycopg.connect(f"{SERVER}/postgres", connect_timeout=3).close()
        return True
    except psycopg.Error:
        return False


needs_server = pytest.mark.skipif(
    not server_answers(), reason=f"no PostgreSQL server answers at {SERVER}"
)


@pytest.fixture
def scratch_name():
    name = f"newsroom_ready_{uuid.uuid4().hex[:8]}"
    yield name
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'DROP ROLE IF EXISTS "{name}"')


def test_an_unreachable_server_is_reported_with_its_error():
    script = ROOT / "tests" / "postgres_ready.py"
    result = subprocess.run(
        [sys.executable, script, "postgres://postgres@127.0.0.1:1/newsroom"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "not reachable at postgres://postgres@127.0.0.1:1/newsroom" in result.stdout
    assert "Connection refused" in result.stdout  # the error itself, not hidden


@needs_server
def test_a_missing_database_is_created_once(scratch_name):
    url = f"{SERVER}/{scratch_name}"
    assert ready(url) == (True, f"created the database {scratch_name!r} on the PostgreSQL at {url}")
    assert ready(url) == (True, "")
    psycopg.connect(url).close()


@needs_server
def test_a_user_who_may_not_create_it_is_told_the_command(scratch_name):
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{scratch_name}" LOGIN NOCREATEDB')
    url = f"postgres://{scratch_name}@127.0.0.1:5432/{scratch_name}"
    ok, message = ready(url)
    assert not ok
    assert "does not exist" in message and "may not create it" in message
    assert f"createdb -h 127.0.0.1 -p 5432 -U {scratch_name} {scratch_name}" in message
