"""Demo data for SLA: policies for the demo plans, a night-shift calendar, Russian pre-holiday
short days as calendar exceptions, and clocks on the open demo tickets. Idempotent."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from tierdesk.contracts.models import SupportPlan
from tierdesk.sla.holidays import source_for
from tierdesk.sla.models import BusinessCalendar, CalendarException, SlaPolicy, TierTarget
from tierdesk.sla.services import start_clocks_for_open_ticket
from tierdesk.tickets.models import OPEN_STATUSES, Ticket
from tierdesk.tiers.models import Tier

# plan → priority → (first response, next response, resolution) in business minutes
TARGETS: dict[str, dict[int, tuple[int, int, int]]] = {
    "Базовый": {
        1: (120, 240, 960),
        2: (240, 480, 1920),
        3: (480, 960, 2880),
        4: (960, 1920, 4800),
    },
    "Стандарт": {
        1: (60, 120, 480),
        2: (120, 240, 960),
        3: (240, 480, 1920),
        4: (480, 960, 3840),
    },
    "Премиум 24x7": {
        1: (15, 30, 240),
        2: (30, 60, 480),
        3: (60, 120, 960),
        4: (120, 240, 1920),
    },
}
# plan → tier level → response target after an escalation (business minutes)
TIER_TARGETS = {
    "Базовый": {2: 240, 3: 480, 4: 960},
    "Стандарт": {2: 120, 3: 240, 4: 480},
    "Премиум 24x7": {2: 30, 3: 60, 4: 120},
}
GRACE = {"Базовый": 60, "Стандарт": 30, "Премиум 24x7": 15}


def _short_days(calendar: BusinessCalendar, today: dt.date) -> None:
    """Russian labour law shortens the working day before a public holiday by one hour."""
    source = source_for("RU")
    if source is None:
        return
    for offset in range(0, 366):
        day = today + dt.timedelta(days=offset)
        eve = day - dt.timedelta(days=1)
        if (
            day in source.holidays
            and eve.weekday() < 5
            and eve not in source.holidays
            and not CalendarException.objects.filter(calendar=calendar, date=eve).exists()
        ):
            CalendarException.objects.create(
                calendar=calendar,
                date=eve,
                hours=[["09:00", "17:00"]],
                note="Предпраздничный день: на час короче",
            )


def load(ctx: dict[str, Any]) -> None:
    plans = {p.name: p for p in SupportPlan.objects.filter(name__in=list(TARGETS))}
    tiers = {t.level: t for t in Tier.objects.all()}
    if not plans or not tiers:
        return
    office = BusinessCalendar.objects.filter(name="8x5 Москва").first()
    BusinessCalendar.objects.get_or_create(
        name="Ночная смена",
        defaults={
            "timezone": "Europe/Moscow",
            "weekly_hours": {str(d): [["20:00", "08:00"]] for d in range(5)},
            "holiday_country": "RU",
        },
    )
    if office is not None:
        _short_days(office, timezone.localdate())
    created_any = False
    for name, plan in plans.items():
        for priority, (first, nxt, resolution) in TARGETS[name].items():
            policy, created = SlaPolicy.objects.get_or_create(
                plan=plan,
                priority=priority,
                defaults={
                    "first_response_minutes": first,
                    "next_response_minutes": nxt,
                    "resolution_minutes": resolution,
                    "warning_percent": 80,
                    "escalation_grace_minutes": GRACE[name],
                },
            )
            created_any = created_any or created
            if created:
                for level, minutes in TIER_TARGETS[name].items():
                    if level in tiers:
                        TierTarget.objects.create(
                            policy=policy, tier=tiers[level], response_minutes=minutes
                        )
    # organisations without a contract: a default policy in office hours
    for priority, (first, nxt, resolution) in TARGETS["Базовый"].items():
        SlaPolicy.objects.get_or_create(
            plan=None,
            priority=priority,
            defaults={
                "first_response_minutes": first,
                "next_response_minutes": nxt,
                "resolution_minutes": resolution,
                "calendar": office,
            },
        )
    if not created_any:
        return  # clocks were attached on the first run
    # The foundation demo opened its tickets before any policy existed. Start their clocks
    # at moments spread over the last two days, so the workspace shows every state: plenty of
    # time left, due soon, and a few breached (the worker then notifies and escalates those).
    rnd = random.Random(20261125)  # demo data, not security
    now = timezone.now()
    for ticket_id in (
        Ticket.objects.filter(status__in=OPEN_STATUSES).order_by("pk").values_list("pk", flat=True)
    ):
        hours_ago = rnd.choice([0.5, 1, 2, 3, 5, 8, 12, 20, 30, 48])
        start_clocks_for_open_ticket(
            ticket_id=ticket_id, started_at=now - dt.timedelta(hours=hours_ago)
        )
