"""Password guessing is slowed down, per account and per address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles.logins import PER_ACCOUNT, PER_ADDRESS
from articles.models import LoginFailure

pytestmark = pytest.mark.django_db


def log_in(
    client, username: str, password: str, url: str = "/accounts/login/", ip: str = "10.0.0.1"
):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_an_account_is_locked_for_a_while_after_too_many_failures(client, alice):
    for _ in range(PER_ACCOUNT):
        assert log_in(client, "alice", "wrong").status_code == 200
    refused = log_in(client, "alice", "password")  # the right one, too late
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert "登录失败次数过多" in refused.content.decode()
    assert log_in(Client(), "bob", "x", ip="10.0.0.9").status_code == 200  # others are fine
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert log_in(client, "alice", "password").status_code == 302


def test_one_address_cannot_try_many_accounts(client, alice):
    for n in range(PER_ADDRESS):
        log_in(client, f"nobody{n}", "wrong", ip="10.0.0.2")
    assert log_in(client, "alice", "password", ip="10.0.0.2").status_code == 200
    assert log_in(client, "alice", "password", ip="10.0.0.3").status_code == 302


def test_the_admin_login_is_limited_too(client, eve):
    for _ in range(PER_ACCOUNT):
        log_in(client, "eve", "wrong", url="/admin/login/")
    response = log_in(client, "eve", "password", url="/admin/login/")
    assert response.status_code == 200 and "_auth_user_id" not in client.session
