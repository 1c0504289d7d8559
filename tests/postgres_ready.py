"""Is the PostgreSQL of `make test` ready? Creates its database when the server
answers but the database is not there yet.

    python tests/postgres_ready.py postgres://postgres@127.0.0.1:5432/newsroom

Exit 0: ready (the database was there, or is now). Exit 1: not usable; the
reason, with the connection error, is printed.
"""

from __future__ import annotations

import sys

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo


def ready(url: str) -> tuple[bool, str]:
    """(usable, what to tell the user)."""
    try:
        psycopg.connect(url, connect_timeout=3).close()
        return True, ""
    except psycopg.Error as exc:
        error = str(exc).strip()
    name = conninfo_to_dict(url).get("dbname")
    try:
        # The server's own maintenance database says whether ours exists.
        with psycopg.connect(
            make_conninfo(url, dbname="postgres"), connect_timeout=3, autocommit=True
        ) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                return False, f"PostgreSQL at {url} refused the connection:\n{error}"
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True, f"created the database {name!r} on the PostgreSQL at {url}"
    except psycopg.errors.InsufficientPrivilege as exc:
        info = conninfo_to_dict(url)
        command = "createdb" + "".join(
            f" -{flag} {info[key]}"
            for flag, key in (("h", "host"), ("p", "port"), ("U", "user"))
            if info.get(key)
        )
        return False, (
            f"PostgreSQL at {url} answers, but the database {name!r} does not exist and this "
            f"user may not create it ({exc}). Create it with:\n    {command} {name}"
        )
    except psycopg.Error:
        return False, f"PostgreSQL is not reachable at {url}:\n{error}"


if __name__ == "__main__":
    ok, message = ready(sys.argv[1])
    if message:
        print(message)
    sys.exit(0 if ok else 1)
