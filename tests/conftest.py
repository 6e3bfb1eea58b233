"""Shared test fixtures. Tests go through public surfaces: services, HTTP, CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.conf import settings

from tests import factories

ROOT = Path(__file__).resolve().parent.parent


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Record which database the pass ran on; CI fails when the PostgreSQL pass is missing."""
    if hasattr(session.config, "workerinput"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    stats = getattr(reporter, "stats", {}) if reporter else {}

    def count(key: str) -> int:
        return len([r for r in stats.get(key, []) if getattr(r, "when", "call") == "call"])

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    vendor = {"sqlite3": "sqlite", "postgresql": "postgresql"}.get(engine, engine)
    out = ROOT / "var" / "test-runs"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{vendor}.json").write_text(
        json.dumps(
            {
                "vendor": vendor,
                "passed": count("passed"),
                "failed": count("failed") + len(stats.get("error", [])),
                "skipped": len(stats.get("skipped", [])),
                "exitstatus": int(exitstatus),
            }
        )
    )


def require_server(what: str, available: bool) -> None:
    """Skip when a local test server/browser is missing, except in CI where it must exist."""
    if available:
        return
    if os.environ.get("TIERDESK_REQUIRE_SERVERS"):
        pytest.fail(f"{what} is required in CI but is not available")
    pytest.skip(f"{what} is not available on this machine")


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "data" / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "data" / "files")},
        },
    }
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # PBKDF2 at full strength costs ~0.3 s per user; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def desk(db):  # type: ignore[no-untyped-def]
    """A configured desk: four tiers, teams, agents, a supervisor, an organisation on a plan
    that covers L1–L2, a contact, a category with an intake form, and devices."""
    return factories.make_desk()
