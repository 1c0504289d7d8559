"""Newsroom settings: one module, configured from the environment.

Every variable is documented in `.env.example`. With nothing set you get a
development setup on SQLite in the project folder.
"""

from __future__ import annotations

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false/yes/no, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, dev_default: str, *, required: bool) -> str:
    value = os.environ.get(name, "")
    if value:
        return value
    if required:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is off")
    return dev_default


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_secret(
    "SECRET_KEY", "django-insecure-development-only-never-use-in-production", required=not DEBUG
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "articles",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "newsroom.middleware.RequestLog",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "newsroom.middleware.private_pages",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "newsroom.middleware.htmx_login_redirect",
    "newsroom.middleware.ContentSecurityPolicy",
    # Last, as django-axes asks: turns a locked-out login into its page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out login before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Password guessing (django-axes): five failed logins for one user name from
# one address, then that pair waits a quarter of an hour; other addresses can
# still log in to the account. Attempts are kept in the database, so every
# web container counts the same; editors see them in the admin.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # failures only: no record of every reader's logins
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "articles.readers.accounts.client_ip"
AXES_USERNAME_CALLABLE = "articles.readers.accounts.attempt_username"
# Reverse proxies in front that append the client's address to
# X-Forwarded-For. 0: the header is ignored (anyone can send one).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)

# A private team instance: every page asks for a login first.
PRIVATE = env_bool("PRIVATE", False)
if PRIVATE:
    MIDDLEWARE.append("django.contrib.auth.middleware.LoginRequiredMiddleware")
# Whether anyone may create an account at /accounts/signup/.
SIGNUP = env_bool("SIGNUP", False)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "index"
LOGOUT_REDIRECT_URL = "index"
# Password-reset mail goes to the console unless an SMTP server is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "articles.views.context_processors.site",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite in the project folder unless DATABASE_URL says otherwise, e.g.
# postgres://postgres@127.0.0.1:5432/newsroom
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while an import writes; IMMEDIATE makes a writer
    # wait for the lock up front instead of failing half-way with "locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# The cache of anonymous pages and searches (articles.views.caching). With
# REDIS_URL (docker-compose.yml), Django's RedisCache: scaled-out web
# containers share it. Without, each process keeps its own copies in memory;
# the keys carry the content version, so none can serve a stale page.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 1000)},
        }
    }
# Seconds a kept copy of a page or a search lives (a change retires it at once).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
# What anonymous responses tell proxies and browsers: fresh for PUBLIC_MAX_AGE
# seconds, then served stale while one request asks again.
PUBLIC_MAX_AGE = env_int("PUBLIC_MAX_AGE", 60)
STALE_WHILE_REVALIDATE = env_int("STALE_WHILE_REVALIDATE", 300)

# Fetching an article's origin page to restore its text (#21). The URLs come
# from hostile raw files: only public addresses are fetched, except the
# networks listed here (127.0.0.1 for tests against a local server).
ORIGINALS_ALLOW_ADDRESSES = env_list("ORIGINALS_ALLOW_ADDRESSES", [])
for _network in ORIGINALS_ALLOW_ADDRESSES:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"ORIGINALS_ALLOW_ADDRESSES: {_network!r} is not an address or network"
        ) from None
ORIGINALS_MAX_BYTES = env_int("ORIGINALS_MAX_BYTES", 5 * 1024 * 1024)
# Seconds to connect, and for the whole fetch (every redirect and the body).
ORIGINALS_CONNECT_TIMEOUT = env_int("ORIGINALS_CONNECT_TIMEOUT", 5)
ORIGINALS_TIMEOUT = env_int("ORIGINALS_TIMEOUT", 20)
# Seconds between two requests to the same host (restore_originals).
ORIGINALS_PAUSE = env_float("ORIGINALS_PAUSE", 1.0)
# import_articles restores the sources it imports from their origin pages
# (off by default: an import then fetches from the web); --restore-originals
# and --no-restore-originals decide for one run.
ORIGINALS_RESTORE_ON_IMPORT = env_bool("ORIGINALS_RESTORE_ON_IMPORT", False)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese unless the browser's Accept-Language (or the switcher) prefers English.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # One line per request with its time (newsroom.middleware.RequestLog).
    "loggers": {"newsroom.requests": {"level": "INFO", "propagate": True}},
}

# Served over HTTPS (a proxy that says so with X-Forwarded-Proto): secure
# cookies, HSTS, redirect to https. Set it for every deployment on https.
HTTPS = env_bool("HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes speak plain http inside
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    # Say 0 for these when a subdomain is still served over plain http.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Self only: no inline script or style anywhere (django-csp); the admin's
# exception is in newsroom.middleware.ContentSecurityPolicy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
