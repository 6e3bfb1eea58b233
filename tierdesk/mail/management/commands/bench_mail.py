"""``tierdesk bench mail N``: import N generated messages and print messages per second.

By default it runs against a fresh temporary SQLite database (migrated first, removed after),
so it never adds thousands of tickets to your data; ``--in-place`` uses the configured
database instead. The path measured is the real one: raw file written with fsync, parse,
de-duplication, threading, contact, ticket through the lifecycle, acknowledgement queued.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from email.mime.text import MIMEText
from email.utils import formatdate
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


def generate(count: int) -> list[bytes]:
    """A realistic mix: 4 of 5 messages are new requests from 200 customers, 1 of 5 is a
    reply threading onto the message before it; Russian text, UTF-8, quoted-printable."""
    messages = []
    for n in range(count):
        body = (
            f"Добрый день!\n\nЗаявка {n}: не печатает принтер в кабинете {n % 40}, "
            "на дисплее ошибка 13.A2. Перезагрузка не помогла.\n\n"
            "С уважением,\nБухгалтерия\n"
        )
        msg = MIMEText(body, "plain", "utf-8")
        msg["From"] = f"user{n % 200}@bench{n % 7}.example"
        msg["To"] = "bench@tierdesk.local"
        msg["Date"] = formatdate()
        msg["Message-ID"] = f"<bench.{n}@bench.example>"
        if n % 5 == 4:
            msg["Subject"] = f"Re: Принтер {n - 1}"
            msg["In-Reply-To"] = f"<bench.{n - 1}@bench.example>"
            msg["From"] = f"user{(n - 1) % 200}@bench{(n - 1) % 7}.example"
        else:
            msg["Subject"] = f"Принтер {n}"
        messages.append(msg.as_bytes())
    return messages


class Command(BaseCommand):
    help = "Import N generated messages and print messages per second."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", nargs="?", type=int, default=1000)
        parser.add_argument(
            "--in-place", action="store_true", help="use the configured database (adds data)"
        )
        parser.add_argument("--no-fsync", action="store_true", help="skip fsync of raw files")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["in_place"]:
            self.run_in_scratch_database(options)
            return
        self.bench(options["count"], fsync=not options["no_fsync"])

    def run_in_scratch_database(self, options: dict[str, Any]) -> None:
        scratch = tempfile.mkdtemp(prefix="tierdesk-bench-mail-")
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{scratch}/bench.sqlite3",
            "TIERDESK_VAR_DIR": scratch,
            "TIERDESK_DATA_DIR": f"{scratch}/data",
            "TIERDESK_LOG_LEVEL": "WARNING",
        }
        cli = [sys.executable, "-m", "tierdesk.cli"]
        try:
            self.stdout.write(f"scratch SQLite database in {scratch} (removed afterwards)")
            subprocess.run([*cli, "migrate", "-v0"], env=env, check=True)
            extra = ["--no-fsync"] if options["no_fsync"] else []
            command = [*cli, "bench_mail", str(options["count"]), "--in-place", *extra]
            subprocess.run(command, env=env, check=True)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def bench(self, count: int, *, fsync: bool) -> None:
        from django.db import connection

        from tierdesk.mail.importer import import_message
        from tierdesk.mail.models import InboundMessage, Mailbox
        from tierdesk.tiers.models import Tier

        if not Tier.objects.exists():
            Tier.objects.create(
                level=1, name="L1", name_en="L1", cost_rate=Decimal(1), billing_rate=Decimal(1)
            )
        mailbox, _ = Mailbox.objects.get_or_create(
            name="bench", defaults={"address": "bench@tierdesk.local"}
        )
        messages = generate(count)
        # a long-running worker loads the URLconf once (the acknowledgement reverses the
        # ticket URL); load it before the clock starts so the figure is the steady state
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018
        before = InboundMessage.objects.count()
        started = time.perf_counter()
        cpu_started = time.process_time()
        for raw in messages:
            import_message(raw=raw, mailbox=mailbox, source="bench", fsync=fsync)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        rows = InboundMessage.objects.filter(source="bench")
        imported = InboundMessage.objects.count() - before
        acknowledged = rows.filter(acknowledged=True).count()
        threaded = rows.filter(note__startswith="added to").count()
        self.stdout.write(
            f"{count} messages in {elapsed:.2f} s: {count / elapsed:.0f} messages/s "
            f"({connection.vendor}, fsync {'on' if fsync else 'off'}; {imported} imported, "
            f"{threaded} threaded onto earlier tickets, {acknowledged} acknowledged)\n"
            f"CPU time of the importing process: {cpu:.2f} s = {count / cpu:.0f} messages per "
            "CPU-second (the wall-clock rate is lower when other processes share the cores)"
        )
