from __future__ import annotations

import datetime as dt

import pytest

from tierdesk.sla.models import BusinessCalendar, SlaPolicy, TierTarget


def office_calendar(name: str = "8x5 Москва", **kwargs):  # type: ignore[no-untyped-def]
    params = {"timezone": "Europe/Moscow", "holiday_country": "RU"}
    params.update(kwargs)
    return BusinessCalendar.objects.create(name=name, **params)


def make_policy(desk, *, calendar=None, priority=3, tiers=None, **kwargs):  # type: ignore[no-untyped-def]
    """Policy for the desk's plan: 4 h first response, 8 h next, 16 h resolution (business)."""
    params = {
        "first_response_minutes": 240,
        "next_response_minutes": 480,
        "resolution_minutes": 960,
        "warning_percent": 75,
        "escalation_grace_minutes": 30,
    }
    params.update(kwargs)
    # tests travel to 2024–2026: let the contract cover all of it
    desk.contract.starts_on = dt.date(2020, 1, 1)
    desk.contract.ends_on = None
    desk.contract.save()
    if calendar is not None:
        desk.plan.calendar = calendar
        desk.plan.save()
    policy = SlaPolicy.objects.create(plan=desk.plan, priority=priority, **params)
    for level, minutes in (tiers or {2: 120, 3: 240}).items():
        TierTarget.objects.create(policy=policy, tier=desk.tiers[level], response_minutes=minutes)
    return policy


@pytest.fixture
def office(db):  # type: ignore[no-untyped-def]
    return office_calendar()
