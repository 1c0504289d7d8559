"""Password guessing is slowed down (django-axes): a user name from one
address is locked out after five failures, for a quarter of an hour, and the
address is the one the client really has."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.utils import timezone

from articles.readers.accounts import client_ip

pytestmark = pytest.mark.django_db

LIMIT = 5
LOCKED = "登录失败次数过多"


def log_in(client, username: str, password: str, url: str = "/accounts/login/", **meta):
    meta.setdefault("REMOTE_ADDR", "10.0.0.1")
    return client.post(url, {"username": username, "password": password}, **meta)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username: str, times: int = LIMIT, **meta) -> None:
    """Wrong passwords: the form says so, and the last allowed one locks."""
    for n in range(1, times + 1):
        status = log_in(client, username, "wrong", **meta).status_code
        assert status == (429 if n == LIMIT else 200)


def test_a_user_name_is_locked_out_from_one_address_for_a_while(client, alice):
    fail(client, "alice")
    refused = log_in(client, "alice", "password")  # the right one, too late
    assert refused.status_code == 429 and not logged_in(client)
    assert LOCKED in refused.content.decode()
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert log_in(client, "alice", "password").status_code == 302 and logged_in(client)


def test_a_lock_on_one_address_does_not_lock_the_account_for_others(client, alice):
    fail(client, "alice", REMOTE_ADDR="10.0.0.66")
    assert log_in(client, "alice", "password", REMOTE_ADDR="10.0.0.66").status_code == 429
    elsewhere = Client()
    assert log_in(elsewhere, "alice", "password", REMOTE_ADDR="10.0.0.9").status_code == 302
    assert logged_in(elsewhere)


def test_fewer_failures_than_the_limit_are_forgotten_on_success(client, alice):
    fail(client, "alice", LIMIT - 1)
    assert log_in(client, "alice", "password").status_code == 302
    client.logout()
    fail(client, "alice", LIMIT - 1)
    assert log_in(client, "alice", "password").status_code == 302


def test_a_made_up_forwarded_for_header_is_ignored_without_proxies(client, alice):
    for n in range(LIMIT):
        log_in(client, "alice", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    fresh_header = log_in(client, "alice", "password", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert fresh_header.status_code == 429 and not logged_in(client)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.1"}


def test_behind_a_proxy_the_address_it_saw_counts_not_what_the_client_wrote(
    client, alice, settings
):
    settings.TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "172.18.0.5"}  # every request arrives from the proxy
    for n in range(LIMIT):
        # The client writes its own X-Forwarded-For; the proxy appends what it saw.
        log_in(
            client, "alice", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7", **proxy
        )
    spoofed = log_in(
        client, "alice", "password", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7", **proxy
    )
    assert spoofed.status_code == 429
    other = Client()
    assert (
        log_in(other, "alice", "password", HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy).status_code
        == 302
    )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "198.51.100.1", "10.0.0.1", "10.0.0.1"),
        (1, "198.51.100.1", "10.0.0.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "10.0.0.1", "198.51.100.1"),
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.7", "10.0.0.1", "198.51.100.1"),
        (2, "10.0.0.7", "10.0.0.1", "10.0.0.1"),  # fewer hops than proxies: not trusted
        (1, "not-an-address", "10.0.0.1", None),
        (1, "2001:DB8::1", "10.0.0.1", "2001:db8::1"),
        (0, "", "", None),
    ],
)
def test_the_client_address(settings, proxies, forwarded, remote, expected):
    settings.TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == expected


def test_the_admin_login_is_limited_too_and_editors_see_the_attempts(client, eve):
    fail(client, "eve", url="/admin/login/")
    response = log_in(client, "eve", "password", url="/admin/login/")
    assert response.status_code == 429 and not logged_in(client)
    editor = Client()
    editor.force_login(eve)
    page = editor.get("/admin/axes/accessattempt/").content.decode()
    assert "eve" in page and "10.0.0.1" in page


def test_axes_reset_lifts_a_lock(client, alice):
    fail(client, "alice")
    call_command("axes_reset", stdout=StringIO())
    assert log_in(client, "alice", "password").status_code == 302


@pytest.mark.parametrize("name", ["x" * 10_000, "ali\x00ce", "蒸" * 300])
def test_any_user_name_is_counted_without_a_server_error(client, alice, name):
    for _ in range(LIMIT - 1):
        assert log_in(client, name, "wrong").status_code == 200
    for attempt in AccessAttempt.objects.all():  # a NUL is refused by the form first
        assert attempt.failures_since_start == LIMIT - 1
        assert len(attempt.username) <= 150 and "\x00" not in attempt.username
    assert AccessAttempt.objects.exists() == ("\x00" not in name)
