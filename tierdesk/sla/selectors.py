"""Reads of the SLA module for the workspace, the portal and reports.

* :func:`clocks_for_ticket` — the rows of a ticket's SLA panel (due at, remaining business
  time, paused, met or breached and by how much).
* :func:`due_soon`, :func:`breached`, :func:`with_next_due` — filters and an annotation for
  any ``Ticket`` queryset; they use the ``(state, due_at)`` index of ``SlaClock``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Exists, Min, OuterRef, QuerySet, Subquery

from tierdesk.core import clock as core_clock
from tierdesk.sla.calendars import working_calendar
from tierdesk.sla.clocks import used_at
from tierdesk.sla.models import ClockKind, ClockState, SlaClock

if TYPE_CHECKING:
    from tierdesk.sla import businesstime as bt
    from tierdesk.tickets.models import Ticket

Q = TypeVar("Q", bound=QuerySet)  # type: ignore[type-arg]

DEFAULT_SOON = dt.timedelta(hours=2)


@dataclasses.dataclass(frozen=True)
class ClockRow:
    """One clock as the ticket page shows it."""

    id: int
    kind: str
    label: str
    tier: str  # "L2" for a tier response clock, "" otherwise
    state: str  # running | paused | stopped | cancelled
    target: dt.timedelta
    used: dt.timedelta  # business time consumed so far (final once stopped)
    remaining: dt.timedelta  # business time left; negative when breached
    due_at: dt.datetime | None  # None while paused
    started_at: dt.datetime
    stopped_at: dt.datetime | None
    warned: bool
    breached: bool
    overdue_by: dt.timedelta  # business time past the target (zero when not breached)

    @property
    def paused(self) -> bool:
        return self.state == ClockState.PAUSED

    @property
    def met(self) -> bool:
        return self.state == ClockState.STOPPED and not self.breached

    @property
    def running(self) -> bool:
        return self.state == ClockState.RUNNING

    @property
    def outcome(self) -> str:
        """``met``, ``breached``, ``running``, ``paused``, ``warning`` or ``cancelled``."""
        if self.breached:
            return "breached"
        if self.state == ClockState.STOPPED:
            return "met"
        if self.state == ClockState.CANCELLED:
            return "cancelled"
        if self.paused:
            return "paused"
        return "warning" if self.warned else "running"


def row_for(clk: SlaClock, cal: bt.WorkingCalendar, now: dt.datetime) -> ClockRow:
    used = used_at(clk, cal, now)
    remaining = clk.target - used
    breached = remaining < dt.timedelta(0)
    return ClockRow(
        id=clk.pk,
        kind=clk.kind,
        label=str(ClockKind(clk.kind).label),
        tier=clk.tier.code if clk.kind == ClockKind.TIER_RESPONSE and clk.tier else "",
        state=clk.state,
        target=clk.target,
        used=used,
        remaining=remaining,
        due_at=clk.due_at if clk.state != ClockState.PAUSED else None,
        started_at=clk.started_at,
        stopped_at=clk.stopped_at,
        warned=clk.warned_at is not None
        or (clk.warn_at is not None and clk.state == ClockState.RUNNING and clk.warn_at <= now),
        breached=breached,
        overdue_by=-remaining if breached else dt.timedelta(0),
    )


def clocks_for_ticket(ticket: Ticket, *, include_cancelled: bool = False) -> list[ClockRow]:
    """The ticket's clocks, oldest first. Two queries (clocks with tiers and calendars, and the
    calendars' exceptions) whatever the number of clocks."""
    now = core_clock.now()
    qs = (
        SlaClock.objects.filter(ticket=ticket)
        .select_related("tier", "calendar")
        .prefetch_related("calendar__exceptions")
        .order_by("started_at", "pk")
    )
    if not include_cancelled:
        qs = qs.exclude(state=ClockState.CANCELLED, breached_at__isnull=True)
    cals: dict[int | None, bt.WorkingCalendar] = {}
    rows = []
    for clk in qs:
        if clk.calendar_id not in cals:
            cals[clk.calendar_id] = working_calendar(clk.calendar)
        rows.append(row_for(clk, cals[clk.calendar_id], now))
    return rows


def _running_due_before(moment: dt.datetime) -> QuerySet[SlaClock]:
    return SlaClock.objects.filter(
        ticket=OuterRef("pk"), state=ClockState.RUNNING, due_at__lte=moment
    )


def due_soon(tickets: Q, *, within: dt.timedelta = DEFAULT_SOON) -> Q:
    """Tickets with a running clock due within ``within`` from now (not yet breached)."""
    now = core_clock.now()
    return tickets.filter(  # type: ignore[return-value]
        Exists(
            SlaClock.objects.filter(
                ticket=OuterRef("pk"),
                state=ClockState.RUNNING,
                due_at__gt=now,
                due_at__lte=now + within,
            )
        )
    )


def breached(tickets: Q) -> Q:
    """Tickets with a running clock past its due time."""
    return tickets.filter(Exists(_running_due_before(core_clock.now())))  # type: ignore[return-value]


def with_next_due(tickets: Q) -> Q:
    """Annotate ``sla_next_due``: the earliest due time of the ticket's running clocks (None
    when nothing runs). Order by it with ``.order_by(F("sla_next_due").asc(nulls_last=True))``."""
    return tickets.annotate(  # type: ignore[return-value]
        sla_next_due=Subquery(
            SlaClock.objects.filter(ticket=OuterRef("pk"), state=ClockState.RUNNING)
            .values("ticket")
            .annotate(m=Min("due_at"))
            .values("m")[:1]
        )
    )


def next_due_by_ticket(ticket_ids: list[int]) -> dict[int, dt.datetime]:
    """Earliest running due time per ticket, for a page of tickets in one query."""
    return {
        row["ticket_id"]: row["m"]
        for row in SlaClock.objects.filter(ticket_id__in=ticket_ids, state=ClockState.RUNNING)
        .values("ticket_id")
        .annotate(m=Min("due_at"))
    }
