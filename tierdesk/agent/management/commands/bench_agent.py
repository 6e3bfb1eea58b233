"""``tierdesk bench agent [--tickets N] [--entries M] [--repeat R]``: workspace page speed.

Inside a transaction that is rolled back at the end, adds N synthetic tickets (spread over
the tiers, statuses, priorities and organisations) and one ticket with M timeline entries to
the configured database, then renders the workspace pages through Django's full request
stack (middleware, session, templates) as a supervisor and reports p50/p95 and the number of
queries of each: queue pages (first page, a deep keyset page, filters, quick search, SLA
sort) and the ticket page.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client

from tierdesk.accounts.models import Role, User
from tierdesk.core import clock
from tierdesk.customers.models import Contact
from tierdesk.tickets.models import OPEN_STATUSES, Entry, EntryKind, Status, Ticket
from tierdesk.tiers.models import Tier


class Command(BaseCommand):
    help = "Time the agent workspace pages (synthetic data is rolled back afterwards)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tickets", type=int, default=20_000)
        parser.add_argument("--entries", type=int, default=300)
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        tickets, entries, repeat = options["tickets"], options["entries"], options["repeat"]
        tiers = list(Tier.objects.order_by("level"))
        contacts = list(Contact.objects.select_related("organization")[:200])
        if not tiers or not contacts:
            raise CommandError("Load the demo data first: tierdesk demo")
        with transaction.atomic():
            started = time.perf_counter()
            big = self._fill(tickets, entries, tiers, contacts)
            filled = time.perf_counter() - started
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE tickets_ticket; ANALYZE tickets_entry")
            boss = User.objects.create_user(
                username="bench-supervisor", password="x", role=Role.SUPERVISOR, language="en"
            )
            client = Client()
            client.force_login(boss)
            total = Ticket.objects.count()
            self.stdout.write(
                f"{connection.vendor}: {total} tickets, {entries} entries on {big.number} "
                f"(synthetic data added in {filled:.1f} s)"
            )
            first = client.get("/agent/queues/all/").content.decode()
            cursor_token = ""
            for _ in range(5):  # walk a few pages down for a deep cursor
                match = re.search(r"after=([A-Za-z0-9_\-]+)", first)
                if not match:
                    break
                cursor_token = match.group(1)
                first = client.get(f"/agent/queues/all/?after={cursor_token}").content.decode()
            pages = [
                ("queue: all open, first page", "/agent/queues/all/"),
                ("queue: all open, page 6 (keyset)", f"/agent/queues/all/?after={cursor_token}"),
                (f"queue: {tiers[0].code} unassigned", f"/agent/queues/tier-{tiers[0].level}/"),
                (
                    "queue: filters (status, priority)",
                    "/agent/queues/all/?status=open&priority=2",
                ),
                ("queue: sorted by SLA due", "/agent/queues/all/?sort=sla"),
                ("quick search: subject words", "/agent/queues/search/?q=printer"),
                ("htmx refresh (table only)", "/agent/queues/all/?fragment=table"),
                (f"ticket page, {entries} entries", f"/agent/tickets/{big.pk}/"),
            ]
            self.stdout.write("| page | queries | of which SQL | p50 | p95 |")
            self.stdout.write("|---|---|---|---|---|")
            for label, url in pages:
                headers = {"HX-Request": "true"} if "fragment" in url else {}
                queries, sql_ms, p50, p95 = self._time(client, url, headers, repeat)
                self.stdout.write(
                    f"| {label} | {queries} | {sql_ms:.0f} ms | {p50:.0f} ms | {p95:.0f} ms |"
                )
            transaction.set_rollback(True)

    def _fill(self, count: int, entries: int, tiers: list[Tier], contacts: list[Contact]) -> Ticket:
        rnd = random.Random(7)
        now = clock.now()
        # a desk's history: most tickets closed, about one in eight still open
        statuses = [*OPEN_STATUSES, *[Status.CLOSED] * 30, *[Status.RESOLVED] * 5]
        words = ["printer", "VPN", "Outlook", "принтер", "сеть", "1С", "телефон", "server"]
        batch: list[Ticket] = []
        for i in range(count):
            contact = rnd.choice(contacts)
            moment = now - clock_delta(rnd)
            batch.append(
                Ticket(
                    number=f"BN-{i:07d}",
                    subject=f"{rnd.choice(words)} {rnd.choice(words)} #{i}",
                    requester=contact,
                    organization=contact.organization,
                    channel="email",
                    priority=rnd.choice([1, 2, 3, 3, 4]),
                    status=rnd.choice(statuses),
                    tier=rnd.choice(tiers),
                    entitlement=rnd.choice(["contract", "warranty", "billable"]),
                    created_at=moment,
                    updated_at=moment,
                    last_activity_at=moment,
                )
            )
            if len(batch) == 2000:
                Ticket.objects.bulk_create(batch)
                batch = []
        Ticket.objects.bulk_create(batch)
        big = Ticket.objects.filter(subject__endswith="#0").order_by("-pk").first()
        assert big is not None
        kinds = itertools.cycle(
            [EntryKind.CUSTOMER_MESSAGE, EntryKind.PUBLIC_REPLY, EntryKind.INTERNAL_NOTE]
        )
        Entry.objects.bulk_create(
            Entry(
                ticket=big,
                kind=kind,
                is_public=kind != EntryKind.INTERNAL_NOTE,
                body_text=f"entry {n}: " + "text " * 40,
                created_at=now - clock_delta(rnd),
            )
            for n, kind in zip(range(entries), kinds, strict=False)
        )
        return big

    @staticmethod
    def _time(
        client: Client, url: str, headers: dict[str, str], repeat: int
    ) -> tuple[int, float, float, float]:
        response = client.get(url, headers=headers)  # warm up
        if response.status_code != 200:
            raise CommandError(f"{url}: HTTP {response.status_code}")
        counted: list[float] = []

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                counted.append(time.perf_counter() - started)

        # Django resets connection.queries at each request start, so count with a wrapper.
        with connection.execute_wrapper(count):
            client.get(url, headers=headers)
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url, headers=headers)
            samples.append((time.perf_counter() - started) * 1000)
        samples.sort()
        p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
        return len(counted), sum(counted) * 1000, statistics.median(samples), p95


def clock_delta(rnd: random.Random) -> dt.timedelta:
    return dt.timedelta(minutes=rnd.randint(0, 60 * 24 * 90))
