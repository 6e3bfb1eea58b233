"""Crash safety with real processes: the importer is SIGKILLed at random moments and restarted;
afterwards every message is present exactly once. Also the pipe command's exit statuses as an
MTA sees them (0 stored, 75 try again later).

These tests run ``tierdesk`` in subprocesses against their own SQLite file (the test database
of pytest-django lives in another process's memory)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.mail.conftest import build_mail

pytestmark = pytest.mark.slow

SETUP = """
from decimal import Decimal
from tierdesk.tiers.models import Tier
from tierdesk.mail.models import Mailbox
Tier.objects.get_or_create(level=1, defaults=dict(name="L1", name_en="L1",
    cost_rate=Decimal(1), billing_rate=Decimal(1)))
Mailbox.objects.get_or_create(name="support", defaults=dict(address="support@desk.example"))
"""


def run(env: dict[str, str], *args: str, **kwargs) -> subprocess.CompletedProcess[bytes]:  # type: ignore[no-untyped-def]
    return subprocess.run(
        [sys.executable, "-m", "tierdesk.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        timeout=300,
        **kwargs,
    )


@pytest.fixture(scope="module")
def template_db(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """A migrated SQLite file with a tier and the support mailbox, made once per module."""
    base = tmp_path_factory.mktemp("crash-template")
    env = environment(base)
    for args in (("migrate", "-v0"), ("shell", "-c", SETUP)):
        done = run(env, *args)
        assert done.returncode == 0, done.stderr.decode()
    return base / "db.sqlite3"


def environment(base: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=f"sqlite:///{base / 'db.sqlite3'}",
        TIERDESK_VAR_DIR=str(base),
        TIERDESK_DATA_DIR=str(base / "data"),
        TIERDESK_TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
        TIERDESK_LOG_LEVEL="ERROR",
        EMAIL_URL="memory://",
    )
    return env


@pytest.fixture
def site(template_db, tmp_path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    shutil.copy(template_db, tmp_path / "db.sqlite3")
    return environment(tmp_path)


def query(env: dict[str, str], sql: str) -> list[tuple]:  # type: ignore[type-arg]
    path = env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


def write_batch(folder: Path, count: int) -> list[bytes]:
    """Messages as they arrive: new requests, replies threading onto them, one without a
    Message-ID, one with an attachment, one that is no mail at all."""
    folder.mkdir()
    messages = []
    for n in range(count):
        if n % 5 == 4:
            raw = build_mail(
                subject=f"Re: Заявка {n - 1}",
                body=f"Дополнение к {n - 1}",
                message_id=f"<m{n}@batch.example>",
                in_reply_to=f"<m{n - 1}@batch.example>",
            )
        else:
            raw = build_mail(
                sender=f"user{n}@batch.example",
                subject=f"Заявка {n}",
                body=f"Текст заявки номер {n}. " * 20,
                message_id=f"<m{n}@batch.example>",
            )
        messages.append(raw)
    messages.append(build_mail(subject="без Message-ID").replace(b"Message-ID:", b"X-Old:"))
    messages.append(b"\x00garbage that is not a mail message")
    for i, raw in enumerate(messages):
        (folder / f"{i:04d}.eml").write_bytes(raw)
    return messages


def assert_exactly_once(env: dict[str, str], expected: int) -> None:
    assert query(env, "SELECT COUNT(*) FROM mail_inboundmessage")[0][0] == expected
    states = dict(query(env, "SELECT state, COUNT(*) FROM mail_inboundmessage GROUP BY state"))
    assert states.get("received", 0) == 0  # nothing left half-done
    assert states.get("unprocessable", 0) == 1  # the garbage, kept
    duplicates = query(
        env,
        "SELECT email_message_id, COUNT(*) FROM tickets_entry WHERE email_message_id != '' "
        "GROUP BY email_message_id HAVING COUNT(*) > 1",
    )
    assert duplicates == []
    entries = query(env, "SELECT COUNT(*) FROM tickets_entry WHERE kind = 'customer_message'")
    assert entries[0][0] == expected - 1  # every mail but the garbage is one entry
    orphans = query(
        env,
        "SELECT COUNT(*) FROM mail_inboundmessage WHERE state = 'processed' AND entry_id IS NULL",
    )
    assert orphans[0][0] == 0


def test_batch_import_killed_at_random_points_imports_everything_once(site, tmp_path):
    batch = tmp_path / "batch"
    messages = write_batch(batch, 150)
    rnd = random.Random(int(os.environ.get("TIERDESK_CRASH_SEED", "20261125")))
    command = [sys.executable, "-m", "tierdesk.cli", "mail", "import", "--mailbox", "support"]
    kills = 0
    for _attempt in range(6):
        # Kill once the importer has stored a random number of further messages, plus a random
        # few milliseconds: a point inside the batch however fast or slow the machine is.
        target = query(site, "SELECT COUNT(*) FROM mail_inboundmessage")[0][0] + rnd.randint(1, 12)
        proc = subprocess.Popen(
            [*command, str(batch)], env=site, cwd=ROOT, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            if query(site, "SELECT COUNT(*) FROM mail_inboundmessage")[0][0] >= target:
                break
            time.sleep(0.01)
        time.sleep(rnd.uniform(0, 0.05))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
    imported_before_end = query(site, "SELECT COUNT(*) FROM mail_inboundmessage")[0][0]
    final = subprocess.run(
        [*command, str(batch)], env=site, cwd=ROOT, capture_output=True, timeout=300
    )
    assert final.returncode == 0, final.stderr.decode()
    assert kills >= 3, "the importer finished before it could be killed: make the batch bigger"
    assert 0 < imported_before_end < len(messages) or kills
    assert_exactly_once(site, len(messages))
    raw_files = [p for p in (tmp_path / "data" / "mail" / "raw").rglob("*.eml")]
    assert len(raw_files) == len(messages)


def test_pipe_killed_mid_delivery_and_retried_by_the_mta_stores_once(site, tmp_path):
    messages = write_batch(tmp_path / "batch", 10)
    rnd = random.Random(7)
    command = [sys.executable, "-m", "tierdesk.cli", "mail", "pipe", "--mailbox", "support"]
    retries = 0
    for raw in messages:
        while True:  # what an MTA does: deliver again until exit 0 (or give up on 5xx)
            proc = subprocess.Popen(
                command, env=site, cwd=ROOT, stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            assert proc.stdin is not None
            proc.stdin.write(raw)
            proc.stdin.close()
            if rnd.random() < 0.5:
                time.sleep(rnd.uniform(0.6, 1.6))
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
            code = proc.wait(timeout=60)
            if code == 0:
                break
            assert code == -signal.SIGKILL, code
            retries += 1
    assert retries >= 1
    assert_exactly_once(site, len(messages))


def test_pipe_exit_status_when_the_database_is_down(site, tmp_path):
    down = {**site, "DATABASE_URL": "postgres://postgres@127.0.0.1:9/nowhere"}
    done = run(down, "mail", "pipe", "--mailbox", "support", input=build_mail())
    assert done.returncode == 75, done.stderr.decode()
    assert b"temporary failure" in done.stderr


def test_pipe_exit_status_when_the_disk_is_unwritable(site, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a directory")
    broken = {**site, "TIERDESK_DATA_DIR": str(blocker)}
    done = run(broken, "mail", "pipe", "--mailbox", "support", input=build_mail())
    assert done.returncode == 75, done.stderr.decode()
    assert query(site, "SELECT COUNT(*) FROM mail_inboundmessage")[0][0] == 0
    ok = run(site, "mail", "pipe", "--mailbox", "support", input=build_mail())
    assert ok.returncode == 0, ok.stderr.decode()
    assert query(site, "SELECT COUNT(*) FROM mail_inboundmessage")[0][0] == 1
    garbage = run(site, "mail", "pipe", "--mailbox", "support", input=b"\x00\x01 no mail")
    assert garbage.returncode == 0  # kept as unprocessable for an admin, not bounced
    assert query(site, "SELECT state FROM mail_inboundmessage ORDER BY id")[-1] == (
        "unprocessable",
    )
