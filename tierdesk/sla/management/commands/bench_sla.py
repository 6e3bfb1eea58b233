# ruff: noqa: S608  (SQL is built from model table names and int() values only)
"""``tierdesk bench sla [SIZE ...]``: the cost of handling the clocks that fall due, as the
number of open tickets grows.

For each size N (default 10000 100000; 1000000 on PostgreSQL takes a few minutes) the table is
grown to N open tickets, each with a running resolution clock due some time in the next 30
days; then ``--due`` of them (default 1000) are made due now and handled by the real
reconciliation pass (``sla.checks.reconcile``: lock the clock, record the breach, bump the
generation, publish the event). Printed per size:

* ``find``  — the indexed query that picks the due clocks (median of 5), and its plan;
* ``pass``  — the whole pass over the due clocks, and per clock;
* ``scan``  — for contrast, reading every running clock (what a scanning design would do).

Rows are inserted with one ``INSERT … SELECT generate_series`` per step on PostgreSQL (a
recursive CTE elsewhere) and deleted at the end unless ``--keep``. Task jobs published by the
pass go to an in-memory dummy backend, so no worker acts on the benchmark tickets.
Run it on a database of its own, e.g.::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/td_bench tierdesk migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/td_bench tierdesk bench sla 10000 100000 1000000
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import override_settings

from tierdesk.accounts.models import Role, User
from tierdesk.core import clock as core_clock
from tierdesk.customers.models import Contact, Organization
from tierdesk.sla import checks
from tierdesk.sla.models import ClockKind, ClockState, SlaClock
from tierdesk.tickets.models import Status, Ticket
from tierdesk.tiers.models import Tier

PREFIX = "BENCH-"
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": []}}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


class _Counter:
    """Counts the SQL statements run inside ``connection.execute_wrapper``."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
        self.n += 1
        return execute(sql, params, many, context)


class Command(BaseCommand):
    help = "Benchmark the SLA due-clock handling against N open tickets."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("sizes", nargs="*", type=int, help="open tickets, ascending")
        parser.add_argument("--due", type=int, default=1000, help="clocks falling due per size")
        parser.add_argument("--keep", action="store_true", help="keep the benchmark rows")
        parser.add_argument("--no-scan", action="store_true", help="skip the full-scan contrast")
        parser.add_argument(
            "--rounds", type=int, default=3, help="passes per size (the median is reported)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sizes = sorted(options["sizes"] or [10_000, 100_000])
        due = options["due"]
        if sizes[0] < due:
            raise CommandError(f"Each size must be at least --due ({due}).")
        self.vendor = connection.vendor
        self.stdout.write(
            f"SLA benchmark on {self.vendor}: sizes {sizes}, {due} clocks fall due per size"
        )
        self._fixtures()
        results = []
        try:
            with override_settings(TASKS=DUMMY_TASKS):
                for size in sizes:
                    results.append(
                        self._round(
                            size, due, scan=not options["no_scan"], rounds=options["rounds"]
                        )
                    )
        finally:
            if not options["keep"]:
                self._cleanup()
        self.stdout.write("")
        self.stdout.write(
            "| open tickets | find due (median) | pass over due | per clock | queries per clock "
            "| scan all |"
        )
        self.stdout.write("|---:|---:|---:|---:|---:|---:|")
        for r in results:
            self.stdout.write(
                f"| {r['size']:,} | {_ms(r['find'])} | {_ms(r['pass'])} | "
                f"{_ms(r['pass'] / r['handled'])} | {r['queries']:.1f} | "
                f"{_ms(r['scan']) if r['scan'] is not None else '—'} |"
            )

    # ------------------------------------------------------------------ setup

    def _fixtures(self) -> None:
        self.tier = Tier.objects.order_by("level").first() or Tier.objects.create(
            level=1, name="L1"
        )
        org, _ = Organization.objects.get_or_create(name="Bench organisation")
        self.contact, _ = Contact.objects.get_or_create(
            email="bench@bench.example", defaults={"organization": org, "name": "Bench"}
        )
        self.agent, _ = User.objects.get_or_create(
            username="bench-agent", defaults={"role": Role.AGENT, "tier": self.tier}
        )

    def _count(self) -> int:
        return Ticket.objects.filter(number__startswith=PREFIX).count()

    def _grow(self, size: int) -> float:
        have = self._count()
        started = time.perf_counter()
        now = core_clock.now()
        if have >= size:  # a kept table: make sure every bench ticket has its clock
            with transaction.atomic(), connection.cursor() as cursor:
                self._insert_clocks(cursor, now)
            return time.perf_counter() - started
        first, last = have + 1, size
        template = Ticket(
            subject="bench",
            requester=self.contact,
            organization=self.contact.organization,
            channel="email",
            status=Status.OPEN,
            tier=self.tier,
            created_at=now,
            updated_at=now,
            last_activity_at=now,
        )
        cols, values, params = [], [], []
        for field in Ticket._meta.concrete_fields:
            if field.primary_key:
                continue
            cols.append(connection.ops.quote_name(str(field.column)))
            if field.name == "number":
                values.append(self._concat(f"'{PREFIX}'", "g"))
            else:
                values.append("%s")
                params.append(field.get_db_prep_save(getattr(template, field.attname), connection))
        ticket_sql = (
            f"INSERT INTO {Ticket._meta.db_table} ({', '.join(cols)}) "
            f"SELECT {', '.join(values)} FROM {self._series(first, last)}"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(ticket_sql, params)
            self._insert_clocks(cursor, now)
        return time.perf_counter() - started

    def _series(self, first: int, last: int) -> str:
        if self.vendor == "postgresql":
            return f"generate_series({int(first)}, {int(last)}) AS g"
        return (
            f"(WITH RECURSIVE s(g) AS (SELECT {int(first)} UNION ALL SELECT g + 1 FROM s "
            f"WHERE g < {int(last)}) SELECT g FROM s)"
        )

    def _concat(self, a: str, b: str) -> str:
        return f"{a} || CAST({b} AS TEXT)" if self.vendor != "postgresql" else f"{a} || {b}"

    def _insert_clocks(self, cursor: Any, now: dt.datetime) -> None:
        """One running resolution clock per new bench ticket, due within the next 30 days."""
        table = SlaClock._meta.db_table
        tickets = Ticket._meta.db_table
        spread = 30 * 24 * 60  # minutes
        if self.vendor == "postgresql":
            due = f"(%s::timestamptz + ((t.id %% {spread}) + 60) * interval '1 minute')"
        else:
            due = (
                "strftime('%%Y-%%m-%%d %%H:%%M:%%f', %s, "
                f"'+' || ((t.id %% {spread}) + 60) || ' minutes')"
            )
        sql = (
            f"INSERT INTO {table} (ticket_id, kind, tier_id, target_seconds, state, started_at, "
            "running_since, used_seconds, due_at, next_check_at, generation) "
            f"SELECT t.id, %s, t.tier_id, %s, %s, %s, %s, 0, {due}, {due}, 1 "
            f"FROM {tickets} t LEFT JOIN {table} c ON c.ticket_id = t.id "
            f"WHERE t.number LIKE %s AND c.id IS NULL"
        )
        stamp: Any = now if self.vendor == "postgresql" else now.strftime("%Y-%m-%d %H:%M:%S")
        cursor.execute(
            sql,
            [
                ClockKind.RESOLUTION,
                30 * 24 * 3600,
                ClockState.RUNNING,
                now,
                now,
                stamp,
                stamp,
                f"{PREFIX}%",
            ],
        )
        if self.vendor == "postgresql":
            cursor.execute(f"ANALYZE {table}")
            cursor.execute(f"ANALYZE {tickets}")

    def _make_due(self, count: int, size: int, round_no: int) -> None:
        """``count`` bench clocks, spread over the whole table, fall due a minute ago (each
        round takes other clocks: those whose id leaves the remainder ``round_no``)."""
        step = max(1, size // (count * 2))
        moment = core_clock.now() - dt.timedelta(minutes=1)
        table = SlaClock._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT c.id FROM {table} c JOIN {Ticket._meta.db_table} t ON t.id = c.ticket_id "
                "WHERE t.number LIKE %s AND c.state = %s AND c.breached_at IS NULL "
                "AND (c.id %% %s) = %s LIMIT %s",
                [f"{PREFIX}%", ClockState.RUNNING, step, round_no % step, count],
            )
            ids = [row[0] for row in cursor.fetchall()]
        SlaClock.objects.filter(pk__in=ids).update(due_at=moment, next_check_at=moment)

    # ------------------------------------------------------------------ measuring

    def _round(self, size: int, due: int, *, scan: bool, rounds: int) -> dict[str, Any]:
        grew = self._grow(size)
        self.stdout.write(f"\n{size:,} open tickets (inserted in {grew:.1f} s)")
        finds, passes = [], []
        handled = 0
        for round_no in range(max(1, rounds)):
            self._make_due(due, size, round_no)
            now = core_clock.now()
            timings = []
            for _ in range(5):
                started = time.perf_counter()
                found = checks.due_clock_ids(now=now, limit=due)
                timings.append(time.perf_counter() - started)
            finds.append(statistics.median(timings))
            executed = _Counter()
            with connection.execute_wrapper(executed):
                started = time.perf_counter()
                outcomes = checks.reconcile(limit=due)
                passes.append(time.perf_counter() - started)
            handled = sum(1 for o in outcomes if o.events)
            per_clock_queries = executed.n / max(handled, 1)
            self.stdout.write(
                f"  round: found {len(found)} due in {_ms(finds[-1])}; pass over {handled} "
                f"clocks {_ms(passes[-1])} ({_ms(passes[-1] / max(handled, 1))} per clock, "
                f"{per_clock_queries:.1f} queries per clock)"
            )
        self._plan(core_clock.now(), due)
        scanned = None
        if scan:
            started = time.perf_counter()
            n = sum(
                1
                for _ in SlaClock.objects.filter(state=ClockState.RUNNING)
                .values_list("pk", "due_at")
                .iterator(chunk_size=20_000)
            )
            scanned = time.perf_counter() - started
            self.stdout.write(f"  contrast: reading all {n:,} running clocks: {_ms(scanned)}")
        return {
            "size": size,
            "find": statistics.median(finds),
            "pass": statistics.median(passes),
            "handled": max(handled, 1),
            "queries": per_clock_queries,
            "scan": scanned,
        }

    def _plan(self, now: dt.datetime, due: int) -> None:
        qs = (
            SlaClock.objects.filter(next_check_at__lte=now)
            .order_by("next_check_at")
            .values_list("pk", flat=True)[:due]
        )
        plan = qs.explain()
        first = plan.splitlines()[:4]
        self.stdout.write("  plan: " + " / ".join(line.strip() for line in first))

    def _cleanup(self) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {SlaClock._meta.db_table} WHERE ticket_id IN "
                f"(SELECT id FROM {Ticket._meta.db_table} WHERE number LIKE %s)",
                [f"{PREFIX}%"],
            )
            cursor.execute(
                f"DELETE FROM {Ticket._meta.db_table} WHERE number LIKE %s",
                [f"{PREFIX}%"],
            )
        self.stdout.write("benchmark rows deleted")
