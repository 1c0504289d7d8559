"""Slow down password guessing: after too many failed logins for one account
or from one address within WINDOW, refuse to even check the password until
the window has passed. Used by the site's and the admin's login forms."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import LoginFailure

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5
PER_ADDRESS = 20


def client_ip(request) -> str | None:
    # REMOTE_ADDR is the proxy's behind one; SECURE_PROXY_SSL_HEADER setups
    # pass the client in X-Forwarded-For (its last hop is the proxy's view).
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    address = forwarded.split(",")[-1].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return address or None


def blocked(username: str, ip: str | None) -> bool:
    username = str(username).replace("\x00", "")[:150]  # as stored
    recent = LoginFailure.objects.filter(at__gte=timezone.now() - WINDOW)
    if recent.filter(username__iexact=username).count() >= PER_ACCOUNT:
        return True
    return ip is not None and recent.filter(ip=ip).count() >= PER_ADDRESS


def record_failure(sender, credentials, request=None, **kwargs) -> None:
    """user_login_failed receiver (connected in apps.py)."""
    LoginFailure.objects.create(
        username=str(credentials.get("username", "")).replace("\x00", "")[:150],
        ip=client_ip(request) if request is not None else None,
    )
    LoginFailure.objects.filter(at__lt=timezone.now() - 4 * WINDOW).delete()


class _Limited:
    def clean(self):
        username = self.data.get("username", "")
        if self.request is not None and blocked(username, client_ip(self.request)):
            raise forms.ValidationError(
                _("Too many failed logins. Try again in a quarter of an hour."), code="throttled"
            )
        return super().clean()


class LoginForm(_Limited, AuthenticationForm):
    pass


class AdminLoginForm(_Limited, AdminAuthenticationForm):
    pass
