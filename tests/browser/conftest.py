"""Browser tests: real headless Chromium driven by Playwright against ``live_server``.

One browser per session, a fresh context (cookies, storage, permissions) per
test. They need Chromium at /usr/bin/chromium (or ``$CHROMIUM``); without it
they are skipped, and ``make test-sqlite`` says so.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio loop in this thread; Django would then
# refuse ORM calls from the test (fixtures, assertions) as "async unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 5_000


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _chromium() -> str | None:
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which(CHROMIUM)


@pytest.fixture(scope="session")
def browser():
    executable = _chromium()
    if executable is None:
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=ARGS)
        yield browser
        browser.close()


def _context(browser, **options):
    # Chinese is the default interface language; say so rather than rely on
    # whatever Accept-Language this Chromium sends.
    context = browser.new_context(**({"locale": "zh-CN"} | options))
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser):
    context = _context(browser)
    yield context
    context.close()


@pytest.fixture
def make_context(browser):
    """Contexts with options (locale, permissions, JavaScript off), closed after the test."""
    made = []

    def make(**options):
        made.append(_context(browser, **options))
        return made[-1]

    yield make
    for context in made:
        context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    assert not errors, f"JavaScript errors on the page: {errors}"


EDITOR = ("ed", "a-long-passphrase-9")


@pytest.fixture
def editor_account(django_user_model):
    """An editor (in the Editors group) to log in as: (name, password)."""
    import importlib

    from django.apps import apps as django_apps
    from django.contrib.auth.models import Group

    # A transactional test starts from a flushed database: make the Editors
    # group again the way its data migration does.
    migration = importlib.import_module("articles.migrations.0003_editors_group")
    migration.create_editors(django_apps, None)
    editor = django_user_model.objects.create_user(EDITOR[0], password=EDITOR[1], is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    return EDITOR


def log_in_to_the_admin(page, live_server, account) -> None:
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", account[0])
    page.fill("#id_password", account[1])
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()
