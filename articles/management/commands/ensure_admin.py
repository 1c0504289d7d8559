"""Make an admin account on a fresh install and print its password once."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the 'admin' superuser with a random password if there is no superuser yet."

    def handle(self, *args, **options) -> None:
        users = get_user_model()
        if users.objects.filter(is_superuser=True).exists():
            return
        password = secrets.token_urlsafe(12)
        users.objects.create_superuser("admin", "", password)
        self.stdout.write(
            "Created the admin account. It is shown this once:\n"
            f"    user name: admin\n    password:  {password}\n"
            "Log in at /admin/ and change it there, or run"
            " `.venv/bin/python manage.py changepassword admin`."
        )
