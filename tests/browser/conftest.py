"""Browser tests: Playwright from pip driving Debian's Chromium (never `playwright install`).

Use the ``page`` fixture with the ``live_server`` (pytest-django) URL. Each test gets a fresh
browser context. Missing Chromium skips locally and fails in CI (TIERDESK_REQUIRE_SERVERS).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest

from tests.conftest import require_server

CHROMIUM = os.environ.get("TIERDESK_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in the test thread; Django must allow sync ORM use.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require_server("Chromium (/usr/bin/chromium)", bool(shutil.which(CHROMIUM)))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        user_data = tempfile.mkdtemp(prefix="tierdesk-chromium-")
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
            shutil.rmtree(user_data, ignore_errors=True)


@pytest.fixture
def new_page(browser):  # type: ignore[no-untyped-def]
    """A factory of pages, each in its own context (its own cookies: one per user)."""
    contexts = []

    def make(locale: str = "en-US", viewport: dict[str, int] | None = None):  # type: ignore[no-untyped-def]
        ctx = browser.new_context(
            locale=locale, viewport=viewport or {"width": 1400, "height": 900}
        )
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(15000)
        return page

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def page(new_page):  # type: ignore[no-untyped-def]
    return new_page()
