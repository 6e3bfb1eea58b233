"""The entry point through which the ticket lifecycle moves SLA clocks.

``tickets.lifecycle`` calls :func:`sync_clocks` inside the transaction of every change it makes
(DESIGN §3: one service checks the transition, writes the audit event and moves the clocks).
This module decides what each change means for each clock:

==================  =====================================================================
event               effect
==================  =====================================================================
created             start first response and resolution (targets of the policy)
public_reply        stop first response, next response, and the current tier's response
customer_message    start next response (once the first response was given)
escalated           cancel the previous tier's response clock, start the new tier's
escalation_accepted stop the current tier's response clock (the tier took the ticket)
resolved            stop every clock (met or breached, by how much)
reopened            resume the resolution clock
closed              cancel what still runs (merged, spam, closed unanswered)
priority_changed    re-target running and paused clocks to the new priority's policy
(every event)       pause in pending_customer (and pending_vendor by policy), resume after
==================  =====================================================================

Moving a clock bumps its ``generation`` and schedules a job for its next check after commit
(:mod:`tierdesk.sla.scheduling`); a job for an older generation does nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from tierdesk.core import clock as core_clock
from tierdesk.sla import businesstime as bt
from tierdesk.sla.calendars import working_calendar
from tierdesk.sla.models import ACTIVE_STATES, ClockKind, ClockState, SlaClock, SlaPolicy
from tierdesk.sla.policies import policy_for
from tierdesk.sla.scheduling import schedule_check

if TYPE_CHECKING:
    from tierdesk.tickets.models import Ticket

PAUSE_ALWAYS = frozenset({"pending_customer"})
FINAL = frozenset({"closed", "merged", "spam"})


# ---------------------------------------------------------------- arithmetic on one clock


def used_at(clk: SlaClock, cal: bt.WorkingCalendar, now: dt.datetime) -> dt.timedelta:
    """Business time the clock has consumed up to ``now``."""
    used = dt.timedelta(seconds=clk.used_seconds)
    if clk.state == ClockState.RUNNING and clk.running_since is not None:
        used += bt.elapsed(cal, clk.running_since, now)
    return used


def _point(
    cal: bt.WorkingCalendar, since: dt.datetime, used: dt.timedelta, at_seconds: int | None
) -> dt.datetime | None:
    """The wall-clock moment at which ``at_seconds`` of business time will have been used."""
    if at_seconds is None:
        return None
    left = dt.timedelta(seconds=at_seconds) - used
    if left <= dt.timedelta(0):
        return since
    return bt.add(cal, since, left)


def _plan(clk: SlaClock, cal: bt.WorkingCalendar) -> None:
    """Recompute due/warn/escalate moments and the next check of a running clock."""
    old = (clk.next_check_at, clk.due_at)
    if clk.state != ClockState.RUNNING or clk.running_since is None:
        clk.warn_at = clk.escalate_at = clk.next_check_at = None
        if clk.state == ClockState.PAUSED:
            clk.due_at = None
    else:
        since = clk.running_since
        used = dt.timedelta(seconds=clk.used_seconds)
        if used < clk.target or clk.due_at is None:
            clk.due_at = _point(cal, since, used, clk.target_seconds)
        clk.warn_at = _point(cal, since, used, clk.warn_seconds)
        clk.escalate_at = (
            _point(cal, since, used, clk.target_seconds + clk.grace_seconds)
            if clk.grace_seconds is not None
            else None
        )
        clk.next_check_at = next_check(clk)
    if (clk.next_check_at, clk.due_at) != old:
        clk.generation += 1


def next_check(clk: SlaClock) -> dt.datetime | None:
    """The earliest of the moments not handled yet (warning, breach, auto-escalation)."""
    pending = []
    if clk.warn_at is not None and clk.warned_at is None and clk.breached_at is None:
        pending.append(clk.warn_at)
    if clk.due_at is not None and clk.breached_at is None:
        pending.append(clk.due_at)
    if clk.escalate_at is not None and clk.escalated_at is None:
        pending.append(clk.escalate_at)
    return min(pending) if pending else None


def _calendar_of(clk: SlaClock, cache: dict[int | None, bt.WorkingCalendar]) -> bt.WorkingCalendar:
    key = clk.calendar_id
    if key not in cache:
        cache[key] = working_calendar(clk.calendar) if key is not None else working_calendar(None)
    return cache[key]


def _pause(clk: SlaClock, cal: bt.WorkingCalendar, now: dt.datetime) -> None:
    if clk.state != ClockState.RUNNING:
        return
    clk.used_seconds = int(used_at(clk, cal, now).total_seconds())
    clk.running_since = None
    clk.state = ClockState.PAUSED
    _plan(clk, cal)


def _resume(clk: SlaClock, cal: bt.WorkingCalendar, now: dt.datetime) -> None:
    if clk.state not in (ClockState.PAUSED, ClockState.STOPPED):
        return
    clk.state = ClockState.RUNNING
    clk.running_since = now
    clk.stopped_at = None
    _plan(clk, cal)


def _stop(clk: SlaClock, cal: bt.WorkingCalendar, now: dt.datetime, *, cancel: bool) -> None:
    if clk.state not in ACTIVE_STATES:
        return
    clk.used_seconds = int(used_at(clk, cal, now).total_seconds())
    clk.running_since = None
    clk.state = ClockState.CANCELLED if cancel else ClockState.STOPPED
    clk.stopped_at = now
    old = clk.next_check_at
    clk.warn_at = clk.escalate_at = clk.next_check_at = None
    if old is not None:
        clk.generation += 1


# ---------------------------------------------------------------- the entry point


class _Sync:
    def __init__(self, ticket: Ticket) -> None:
        self.ticket = ticket
        self.now = core_clock.now()
        self.cals: dict[int | None, bt.WorkingCalendar] = {}
        self.active = list(
            SlaClock.objects.select_for_update(of=("self",))
            .filter(ticket=ticket, state__in=ACTIVE_STATES)
            .select_related("calendar", "policy")
            .order_by("pk")
        )
        self.changed: dict[int, SlaClock] = {}
        self.loaded_generation = {c.pk: c.generation for c in self.active}
        self._policy: SlaPolicy | bool | None = False

    @property
    def policy(self) -> SlaPolicy | None:
        if self._policy is False:
            self._policy = policy_for(self.ticket, on=timezone.localdate(self.now))
        return self._policy  # type: ignore[return-value]

    def cal(self, clk: SlaClock) -> bt.WorkingCalendar:
        return _calendar_of(clk, self.cals)

    def of(self, kind: str, tier_id: int | None = None) -> list[SlaClock]:
        return [
            c for c in self.active if c.kind == kind and (tier_id is None or c.tier_id == tier_id)
        ]

    def touch(self, clk: SlaClock) -> None:
        if clk.pk is not None:
            self.changed[clk.pk] = clk

    def start(
        self,
        kind: str,
        minutes: int | None,
        *,
        tier_id: int | None = None,
        escalation_id: int | None = None,
    ) -> SlaClock | None:
        policy = self.policy
        if policy is None or minutes is None:
            return None
        calendar = policy.effective_calendar()
        target = minutes * 60
        grace = (
            policy.escalation_grace_minutes * 60
            if policy.escalation_grace_minutes is not None
            and kind in (ClockKind.FIRST_RESPONSE, ClockKind.TIER_RESPONSE)
            else None
        )
        clk = SlaClock(
            ticket=self.ticket,
            kind=kind,
            tier_id=tier_id if tier_id is not None else self.ticket.tier_id,
            escalation_id=escalation_id,
            policy=policy,
            calendar=calendar,
            target_seconds=target,
            warn_seconds=target * policy.warning_percent // 100 or None,
            grace_seconds=grace,
            state=ClockState.RUNNING,
            started_at=self.now,
            running_since=self.now,
            used_seconds=0,
        )
        _plan(clk, self.cal(clk))
        clk.generation = 1
        clk.save()
        self.active.append(clk)
        return clk

    def stop(self, clk: SlaClock, *, cancel: bool = False) -> None:
        _stop(clk, self.cal(clk), self.now, cancel=cancel)
        self.touch(clk)

    def retarget(self) -> None:
        policy = self.policy
        for clk in self.active:
            if policy is None:
                continue
            if clk.kind == ClockKind.TIER_RESPONSE:
                target = (
                    policy.tier_targets.filter(tier_id=clk.tier_id).first()
                    if clk.tier_id is not None
                    else None
                )
                minutes = target.response_minutes if target else None
            else:
                minutes = {
                    ClockKind.FIRST_RESPONSE: policy.first_response_minutes,
                    ClockKind.NEXT_RESPONSE: policy.next_response_minutes,
                    ClockKind.RESOLUTION: policy.resolution_minutes,
                }[ClockKind(clk.kind)]
            if minutes is None:
                self.stop(clk, cancel=True)
                continue
            cal = self.cal(clk)
            if clk.state == ClockState.RUNNING:
                # fold the running segment in, then plan from now with the new target
                clk.used_seconds = int(used_at(clk, cal, self.now).total_seconds())
                clk.running_since = self.now
            clk.policy = policy
            clk.target_seconds = minutes * 60
            clk.warn_seconds = clk.target_seconds * policy.warning_percent // 100 or None
            if clk.grace_seconds is not None or (
                policy.escalation_grace_minutes is not None
                and clk.kind in (ClockKind.FIRST_RESPONSE, ClockKind.TIER_RESPONSE)
            ):
                clk.grace_seconds = (
                    policy.escalation_grace_minutes * 60
                    if policy.escalation_grace_minutes is not None
                    else None
                )
            if clk.used_seconds < clk.target_seconds:
                # a later due point reopens the breach; a warning already sent is kept
                clk.breached_at = None
                clk.due_at = None
            _plan(clk, cal)
            clk.generation += 1
            self.touch(clk)

    def follow_status(self) -> None:
        status = self.ticket.status
        for clk in self.active:
            if clk.state not in ACTIVE_STATES:
                continue
            if status in FINAL:
                self.stop(clk, cancel=clk.kind != ClockKind.RESOLUTION)
                continue
            pausing = status in PAUSE_ALWAYS or (
                status == "pending_vendor"
                and (clk.policy is None or clk.policy.pause_on_pending_vendor)
            )
            if pausing and clk.state == ClockState.RUNNING:
                _pause(clk, self.cal(clk), self.now)
                self.touch(clk)
            elif not pausing and clk.state == ClockState.PAUSED:
                _resume(clk, self.cal(clk), self.now)
                self.touch(clk)

    def save(self) -> None:
        for clk in self.changed.values():
            clk.save()
        for clk in self.active:
            moved = self.loaded_generation.get(clk.pk) != clk.generation
            if moved and clk.state == ClockState.RUNNING and clk.next_check_at is not None:
                schedule_check(clk)


def sync_clocks(*, ticket: Ticket, event: str, **context: Any) -> None:
    """Start, pause, resume, stop or re-target the ticket's clocks after ``event``.

    Events: ``created``, ``public_reply``, ``customer_message``, ``status_changed``,
    ``escalated``, ``escalation_accepted``, ``resolved``, ``reopened``, ``closed``,
    ``priority_changed``. Called inside the lifecycle's transaction with the ticket locked.
    """
    sync = _Sync(ticket)
    if event == "created":
        policy = sync.policy
        if policy is not None:
            sync.start(ClockKind.FIRST_RESPONSE, policy.first_response_minutes)
            sync.start(ClockKind.RESOLUTION, policy.resolution_minutes)
    elif event == "public_reply":
        for clk in sync.of(ClockKind.FIRST_RESPONSE) + sync.of(ClockKind.NEXT_RESPONSE):
            sync.stop(clk)
        for clk in sync.of(ClockKind.TIER_RESPONSE, ticket.tier_id):
            sync.stop(clk)
    elif event == "customer_message":
        if (
            ticket.first_response_at is not None
            and ticket.status not in FINAL
            and not sync.of(ClockKind.NEXT_RESPONSE)
            and sync.policy is not None
        ):
            sync.start(ClockKind.NEXT_RESPONSE, sync.policy.next_response_minutes)
    elif event == "escalated":
        for clk in sync.of(ClockKind.TIER_RESPONSE):
            sync.stop(clk, cancel=True)
        policy = sync.policy
        if policy is not None:
            target = policy.tier_targets.filter(tier_id=ticket.tier_id).first()
            if target is not None:
                sync.start(
                    ClockKind.TIER_RESPONSE,
                    target.response_minutes,
                    tier_id=ticket.tier_id,
                    escalation_id=context.get("escalation_id"),
                )
    elif event == "escalation_accepted":
        for clk in sync.of(ClockKind.TIER_RESPONSE, ticket.tier_id):
            sync.stop(clk)
    elif event == "resolved":
        for clk in list(sync.active):
            sync.stop(clk)
    elif event == "reopened":
        last = (
            SlaClock.objects.select_for_update(of=("self",))
            .filter(ticket=ticket, kind=ClockKind.RESOLUTION, state=ClockState.STOPPED)
            .select_related("calendar", "policy")
            .order_by("-pk")
            .first()
        )
        if last is not None and not sync.of(ClockKind.RESOLUTION):
            _resume(last, sync.cal(last), sync.now)
            sync.active.append(last)
            sync.touch(last)
        elif last is None and sync.policy is not None and not sync.of(ClockKind.RESOLUTION):
            sync.start(ClockKind.RESOLUTION, sync.policy.resolution_minutes)
    elif event == "priority_changed":
        sync.retarget()
    sync.follow_status()
    sync.save()


def attach_clocks(*, ticket: Ticket, started_at: dt.datetime) -> int:
    """Start the clocks of an open ticket that has none — a policy configured after the ticket
    was opened, or imported tickets — as if they had started at ``started_at``.

    Returns the number of clocks started (0 when the ticket is closed, already has clocks or
    no policy applies). Must run inside a transaction that holds the ticket's row lock.
    """
    if not ticket.is_open or SlaClock.objects.filter(ticket=ticket).exists():
        return 0
    with core_clock.as_of(started_at):
        sync = _Sync(ticket)
        policy = sync.policy
        if policy is None:
            return 0
        if ticket.first_response_at is None:
            sync.start(ClockKind.FIRST_RESPONSE, policy.first_response_minutes)
        sync.start(ClockKind.RESOLUTION, policy.resolution_minutes)
        sync.follow_status()
        sync.save()
    return len(sync.active)
