"""migrate, one container at a time: several web containers may start at once."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

LOCK = 7_240_301  # any number of our own, the same in every container


class Command(BaseCommand):
    help = "Run migrate under a PostgreSQL advisory lock (plain migrate on SQLite)."

    def handle(self, *args, **options) -> None:
        if connection.vendor != "postgresql":
            call_command("migrate", interactive=False, verbosity=options["verbosity"])
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK])
            try:
                call_command("migrate", interactive=False, verbosity=options["verbosity"])
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK])
