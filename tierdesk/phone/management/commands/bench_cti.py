"""``tierdesk bench cti N``: post N calls (newCall, answer, hangup = 3 events each) to the CTI
webhook through Django's full request stack and print events per second and latencies.

By default it runs against a fresh temporary SQLite database (migrated first, removed after);
``--in-place`` uses the configured database instead (it adds a "bench" integration, contacts
and calls). Every fifth call is missed (noAnswer) and lands in the call-back queue; callers
are 500 contacts with phone numbers, so each event includes the E.164 lookup.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Post N calls (3 CTI events each) to /api/v1/cti/events; print events per second."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", nargs="?", type=int, default=1000)
        parser.add_argument(
            "--in-place", action="store_true", help="use the configured database (adds data)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["in_place"]:
            self.bench(options["count"])
            return
        scratch = tempfile.mkdtemp(prefix="tierdesk-bench-cti-")
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
            subprocess.run(
                [*cli, "bench_cti", str(options["count"]), "--in-place"], env=env, check=True
            )
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def bench(self, count: int) -> None:
        from django.db import connection
        from django.test import Client

        from tierdesk.customers.models import Contact
        from tierdesk.phone import services
        from tierdesk.phone.models import Call, Callback, CtiIntegration

        CtiIntegration.objects.filter(name="bench").delete()
        _, token = services.create_integration(name="bench")
        if Contact.objects.filter(email__startswith="bench-caller").count() < 500:
            Contact.objects.bulk_create(
                Contact(
                    name=f"Caller {n}",
                    email=f"bench-caller{n}@bench.example",
                    phone=f"+7495{n:07d}",
                )
                for n in range(500)
            )
        client = Client()
        headers = {"Authorization": f"Bearer {token}"}
        run = int(time.time())
        latencies: list[float] = []
        started = time.perf_counter()
        for n in range(count):
            call = {
                "callId": f"bench-{run}-{n}",
                "from": f"7495{n % 500:07d}",
                "to": "74957800000",
                "direction": "in",
            }
            missed = n % 5 == 4
            events = [{"event": "newCall", "user": ["l1", "l2"], **call}]
            if not missed:
                events.append({"event": "answer", "user": ["l1"], **call})
            events.append(
                {"event": "hangup", "cause": "noAnswer" if missed else "normalClearing", **call}
            )
            for event in events:
                t0 = time.perf_counter()
                response = client.post(
                    "/api/v1/cti/events",
                    data=json.dumps(event),
                    content_type="application/json",
                    headers=headers,
                )
                latencies.append(time.perf_counter() - t0)
                if response.status_code != 200:
                    raise SystemExit(f"event refused: {response.status_code} {response.content!r}")
        elapsed = time.perf_counter() - started
        latencies.sort()
        n_events = len(latencies)
        p95 = latencies[int(0.95 * (n_events - 1))]
        calls = Call.objects.filter(call_id__startswith=f"bench-{run}-")
        self.stdout.write(
            f"{count} calls, {n_events} events in {elapsed:.2f} s on {connection.vendor}: "
            f"{n_events / elapsed:.0f} events/s; latency p50 "
            f"{statistics.median(latencies) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
            f"max {latencies[-1] * 1000:.1f} ms"
        )
        self.stdout.write(
            f"calls recorded {calls.count()}, matched to a contact "
            f"{calls.filter(contact__isnull=False).count()}, in the call-back queue "
            f"{calls.filter(callback=Callback.PENDING).count()}"
        )
