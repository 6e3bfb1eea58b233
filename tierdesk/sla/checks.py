"""What happens when a clock reaches a moment: warning, breach, auto-escalation point.

:func:`check_clock` handles one clock (the scheduled job); :func:`reconcile` handles every clock
whose ``next_check_at`` has passed, reading only those rows through the partial index
(the safety net after downtime). Both are idempotent: the clock row is locked, handled moments
are recorded on it, and a stale generation does nothing. The consequences are published as
domain events after commit (``sla.warning``, ``sla.breached``, ``sla.escalation_due``); the
escalation app turns them into notifications and the auto-escalation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db import transaction

from tierdesk.core import clock as core_clock
from tierdesk.core.events import publish_on_commit
from tierdesk.sla.clocks import next_check
from tierdesk.sla.models import ClockState, SlaClock
from tierdesk.sla.scheduling import schedule_check


@dataclasses.dataclass
class Outcome:
    clock_id: int
    events: list[str]
    stale: bool = False


def _handle(clk: SlaClock, now: dt.datetime) -> list[str]:
    events: list[str] = []
    due_passed = clk.due_at is not None and clk.breached_at is None and clk.due_at <= now
    if (
        clk.warn_at is not None
        and clk.warned_at is None
        and clk.breached_at is None
        and clk.warn_at <= now
    ):
        clk.warned_at = now
        if not due_passed:  # a breach that is also due says more than the warning
            events.append("sla.warning")
    if due_passed:
        clk.breached_at = now
        events.append("sla.breached")
    if clk.escalate_at is not None and clk.escalated_at is None and clk.escalate_at <= now:
        clk.escalated_at = now
        events.append("sla.escalation_due")
    return events


@transaction.atomic
def check_clock(*, clock_id: int, generation: int | None = None) -> Outcome:
    """Handle whatever is due on one clock. ``generation`` None skips the staleness test."""
    clk = SlaClock.objects.select_for_update(of=("self",)).filter(pk=clock_id).first()
    if clk is None or clk.state != ClockState.RUNNING:
        return Outcome(clock_id, [], stale=True)
    if generation is not None and clk.generation != generation:
        return Outcome(clock_id, [], stale=True)
    now = core_clock.now()
    events = _handle(clk, now)
    new_next = next_check(clk)
    if events or new_next != clk.next_check_at:
        clk.next_check_at = new_next
        clk.generation += 1
        clk.save(
            update_fields=[
                "warned_at",
                "breached_at",
                "escalated_at",
                "next_check_at",
                "generation",
            ]
        )
        if new_next is not None:
            schedule_check(clk)
    for event in events:
        publish_on_commit(event, ticket_id=clk.ticket_id, clock_id=clk.pk, kind=clk.kind)
    return Outcome(clock_id, events)


def due_clock_ids(*, now: dt.datetime, limit: int) -> list[int]:
    """Clocks whose next check has passed, oldest first (an index range scan)."""
    return list(
        SlaClock.objects.filter(next_check_at__lte=now)
        .order_by("next_check_at")
        .values_list("pk", flat=True)[:limit]
    )


def reconcile(*, limit: int = 1000) -> list[Outcome]:
    """The safety net: handle every clock whose moment has passed (at most ``limit``)."""
    now = core_clock.now()
    return [check_clock(clock_id=pk) for pk in due_clock_ids(now=now, limit=limit)]
