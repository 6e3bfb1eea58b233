"""SLA clocks moved by the real lifecycle, under time-machine: nights, weekends, Russian
holidays and transferred working days, 24x7, pauses, per-tier targets, breaches."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from tests.factories import handoff
from tests.sla.conftest import make_policy, office_calendar
from tierdesk.contracts.models import Contract, SupportPlan
from tierdesk.sla import checks
from tierdesk.sla.models import BusinessCalendar, ClockState, SlaClock, SlaPolicy
from tierdesk.sla.selectors import breached, clocks_for_ticket, due_soon, next_due_by_ticket
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import Status, Ticket

MSK = zoneinfo.ZoneInfo("Europe/Moscow")
H = dt.timedelta(hours=1)


def msk(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=MSK)


def rows(ticket):  # type: ignore[no-untyped-def]
    return {(r.kind, r.tier): r for r in clocks_for_ticket(ticket)}


def due(ticket, kind, tier=""):  # type: ignore[no-untyped-def]
    return rows(ticket)[(kind, tier)].due_at


@pytest.fixture
def policy(desk, office):  # type: ignore[no-untyped-def]
    return make_policy(desk, calendar=office)


@pytest.fixture
def travel():  # type: ignore[no-untyped-def]
    with time_machine.travel(msk(2025, 3, 3, 9), tick=False) as traveller:
        yield traveller


def ready(desk, **kwargs):  # type: ignore[no-untyped-def]
    return desk.ticket(intake_data={"device_model": "LaserJet"}, **kwargs)


@pytest.mark.django_db
def test_due_times_across_the_night(desk, policy, travel):  # type: ignore[no-untyped-def]
    travel.move_to(msk(2025, 3, 4, 16))  # Tuesday 16:00
    t = ready(desk)
    assert due(t, "first_response") == msk(2025, 3, 5, 11)  # 2 h today + 2 h tomorrow
    assert due(t, "resolution") == msk(2025, 3, 6, 14)  # 16 business hours
    row = rows(t)[("first_response", "")]
    assert row.state == "running" and row.remaining == 4 * H
    travel.move_to(msk(2025, 3, 5, 3))  # at night nothing is consumed
    assert rows(t)[("first_response", "")].remaining == 2 * H


@pytest.mark.django_db
def test_due_times_across_the_weekend(desk, policy, travel):  # type: ignore[no-untyped-def]
    travel.move_to(msk(2025, 3, 14, 17))  # Friday 17:00
    t = ready(desk)
    assert due(t, "first_response") == msk(2025, 3, 17, 12)  # 1 h Friday + 3 h Monday
    travel.move_to(msk(2025, 3, 15, 12))  # created on Saturday: counts from Monday 09:00
    t2 = ready(desk)
    assert due(t2, "first_response") == msk(2025, 3, 17, 13)


@pytest.mark.django_db
def test_russian_new_year_holidays(desk, policy, travel):  # type: ignore[no-untyped-def]
    travel.move_to(msk(2025, 12, 30, 15))  # Tuesday; 31 Dec and 1–11 Jan are days off
    t = ready(desk)
    assert due(t, "first_response") == msk(2026, 1, 12, 10)


@pytest.mark.django_db
def test_transferred_working_saturday(desk, policy, travel):  # type: ignore[no-untyped-def]
    travel.move_to(msk(2024, 11, 1, 17))  # Friday; Saturday 2 Nov 2024 was a working day
    t = ready(desk)
    assert due(t, "first_response") == msk(2024, 11, 2, 12)


@pytest.mark.django_db
def test_manual_calendar_exception(desk, policy, office, travel):  # type: ignore[no-untyped-def]
    office.exceptions.create(date=dt.date(2025, 3, 5), hours=[], note="office move")
    travel.move_to(msk(2025, 3, 4, 16))
    t = ready(desk)
    assert due(t, "first_response") == msk(2025, 3, 6, 11)


@pytest.mark.django_db
def test_24x7_plan_counts_wall_clock_time(desk, travel):  # type: ignore[no-untyped-def]
    cal = BusinessCalendar.objects.create(
        name="24x7", timezone="UTC", is_24x7=True, weekly_hours={}, holiday_country=""
    )
    premium = SupportPlan.objects.create(name="Premium", covered_up_to=desk.tiers[4], calendar=cal)
    Contract.objects.create(
        organization=desk.other_org, plan=premium, starts_on=dt.date(2020, 1, 1)
    )
    SlaPolicy.objects.create(
        plan=premium, priority=3, first_response_minutes=60, resolution_minutes=240
    )
    travel.move_to(msk(2026, 1, 1, 3))  # New Year's night: 24x7 does not care
    t = desk.ticket(requester=desk.other_contact, category=None)
    assert due(t, "first_response") == msk(2026, 1, 1, 4)
    assert due(t, "resolution") == msk(2026, 1, 1, 7)


@pytest.mark.django_db
def test_pending_customer_pauses_and_the_reply_resumes(desk, policy, travel):  # type: ignore[no-untyped-def]
    travel.move_to(msk(2025, 3, 4, 10))
    t = ready(desk)
    travel.move_to(msk(2025, 3, 4, 11))
    lifecycle.reply(
        ticket=t, actor=desk.agents[1], body="Please send a photo", new_status="pending_customer"
    )
    r = rows(t)
    assert r[("first_response", "")].met
    assert r[("first_response", "")].used == H
    res = r[("resolution", "")]
    assert res.paused and res.due_at is None and res.remaining == 15 * H
    assert not due_soon(Ticket.objects.filter(pk=t.pk), within=dt.timedelta(days=30)).exists()
    travel.move_to(msk(2025, 3, 6, 10))  # two days later the customer answers
    t.refresh_from_db()
    lifecycle.add_customer_message(
        ticket=t, contact=desk.contact, body="Here it is", channel="email"
    )
    assert Ticket.objects.get(pk=t.pk).status == Status.OPEN
    r = rows(t)
    # 15 h left: Thu 10:00–18:00 (8 h) + Fri 09:00–16:00 (7 h)
    assert r[("resolution", "")].due_at == msk(2025, 3, 7, 16)
    assert r[("next_response", "")].due_at == msk(2025, 3, 6, 18)


@pytest.mark.django_db
def test_pending_vendor_pauses_by_policy(desk, policy, travel):  # type: ignore[no-untyped-def]
    travel.move_to(msk(2025, 3, 4, 10))
    t = ready(desk)
    lifecycle.reply(ticket=t, actor=desk.agents[1], body="Looking")
    lifecycle.escalate(ticket=t, actor=desk.agents[1], to_tier=desk.tiers[2], handoff=handoff())
    lifecycle.accept_escalation(ticket=t, actor=desk.agents[2])
    lifecycle.escalate(
        ticket=t,
        actor=desk.supervisor,
        to_tier=desk.tiers[3],
        handoff=handoff(),
        billing_override=True,
    )
    lifecycle.accept_escalation(ticket=t, actor=desk.agents[3])
    travel.move_to(msk(2025, 3, 4, 12))
    lifecycle.send_to_vendor(ticket=t, actor=desk.agents[3], vendor_name="HP", handoff=handoff())
    assert rows(t)[("resolution", "")].paused
    # the same with a policy that keeps counting while the vendor works
    policy.pause_on_pending_vendor = False
    policy.save()
    t2 = ready(desk)
    lifecycle.reply(ticket=t2, actor=desk.agents[1], body="Looking")
    for level in (2, 3):
        lifecycle.escalate(
            ticket=t2,
            actor=desk.supervisor,
            to_tier=desk.tiers[level],
            handoff=handoff(),
            billing_override=True,
        )
    lifecycle.send_to_vendor(ticket=t2, actor=desk.agents[3], vendor_name="HP", handoff=handoff())
    assert rows(t2)[("resolution", "")].state == "running"


@pytest.mark.django_db
def test_per_tier_targets_after_escalation(desk, policy, travel):  # type: ignore[no-untyped-def]
    travel.move_to(msk(2025, 3, 4, 10))
    t = ready(desk)
    travel.move_to(msk(2025, 3, 4, 10, 30))
    lifecycle.reply(ticket=t, actor=desk.agents[1], body="We are on it")
    travel.move_to(msk(2025, 3, 4, 11))
    lifecycle.escalate(ticket=t, actor=desk.agents[1], to_tier=desk.tiers[2], handoff=handoff())
    assert due(t, "tier_response", "L2") == msk(2025, 3, 4, 13)  # L2 target: 2 h
    travel.move_to(msk(2025, 3, 4, 12))
    lifecycle.accept_escalation(ticket=t, actor=desk.agents[2])
    l2 = rows(t)[("tier_response", "L2")]
    assert l2.met and l2.used == H
    travel.move_to(msk(2025, 3, 4, 17))
    lifecycle.escalate(
        ticket=t,
        actor=desk.supervisor,
        to_tier=desk.tiers[3],
        handoff=handoff(),
        billing_override=True,
    )
    # L3 target: 4 h = 1 h today + 3 h tomorrow
    assert due(t, "tier_response", "L3") == msk(2025, 3, 5, 12)
    # no target for L4 in this policy: no clock after a further escalation
    lifecycle.escalate(
        ticket=t,
        actor=desk.supervisor,
        to_tier=desk.tiers[4],
        handoff=handoff(),
        billing_override=True,
    )
    r = rows(t)
    assert ("tier_response", "L4") not in r
    assert SlaClock.objects.get(ticket=t, tier=desk.tiers[3]).state == ClockState.CANCELLED


@pytest.mark.django_db
def test_breach_is_measured_in_business_time(desk, policy, travel):  # type: ignore[no-untyped-def]
    travel.move_to(msk(2025, 3, 4, 10))
    t = ready(desk)
    travel.move_to(msk(2025, 3, 4, 15))
    assert t in breached(Ticket.objects.all())  # 5 h > 4 h
    travel.move_to(msk(2025, 3, 5, 10))
    lifecycle.reply(ticket=t, actor=desk.agents[1], body="Sorry for the wait")
    first = rows(t)[("first_response", "")]
    assert first.breached and not first.met
    assert first.used == 9 * H  # 8 h Tuesday + 1 h Wednesday
    assert first.overdue_by == 5 * H
    assert first.outcome == "breached"


@pytest.mark.django_db
def test_priority_change_retargets(desk, policy, office, travel):  # type: ignore[no-untyped-def]
    make_policy(desk, priority=1, first_response_minutes=60, resolution_minutes=240, tiers={})
    travel.move_to(msk(2025, 3, 4, 10))
    t = ready(desk)
    assert t.priority == 3
    travel.move_to(msk(2025, 3, 4, 10, 30))
    lifecycle.update_details(ticket=t, actor=desk.agents[1], impact=1, urgency=1)
    assert Ticket.objects.get(pk=t.pk).priority == 1
    assert due(t, "first_response") == msk(2025, 3, 4, 11)  # 1 h from creation
    assert due(t, "resolution") == msk(2025, 3, 4, 14)


@pytest.mark.django_db
def test_reopen_resumes_resolution(desk, policy, travel):  # type: ignore[no-untyped-def]
    travel.move_to(msk(2025, 3, 4, 10))
    t = ready(desk)
    travel.move_to(msk(2025, 3, 4, 12))
    lifecycle.reply(ticket=t, actor=desk.agents[1], body="Fixed")
    lifecycle.resolve(ticket=t, actor=desk.agents[1], resolution_code="solved")
    assert rows(t)[("resolution", "")].met
    travel.move_to(msk(2025, 3, 5, 9))
    lifecycle.reopen(ticket=t, contact=desk.contact, reason="again")
    res = rows(t)[("resolution", "")]
    assert res.state == "running" and res.remaining == 14 * H
    assert res.due_at == msk(2025, 3, 6, 14)


@pytest.mark.django_db
def test_spam_cancels_and_closed_tickets_have_no_running_clocks(desk, policy, travel):  # type: ignore[no-untyped-def]
    travel.move_to(msk(2025, 3, 4, 10))
    t = ready(desk)
    lifecycle.change_status(ticket=t, actor=desk.agents[1], status="spam")
    assert not SlaClock.objects.filter(ticket=t, state__in=["running", "paused"]).exists()


@pytest.mark.django_db
def test_no_policy_no_clocks(desk, travel):  # type: ignore[no-untyped-def]
    t = ready(desk)
    assert clocks_for_ticket(t) == []


@pytest.mark.django_db
def test_default_policy_applies_without_a_contract(desk, travel):  # type: ignore[no-untyped-def]
    cal = office_calendar("default office")
    SlaPolicy.objects.create(plan=None, priority=3, first_response_minutes=60, calendar=cal)
    travel.move_to(msk(2025, 3, 4, 17, 30))
    t = desk.ticket(requester=desk.other_contact, category=None)
    assert due(t, "first_response") == msk(2025, 3, 5, 9, 30)


@pytest.mark.django_db
def test_stale_jobs_do_nothing_and_reconcile_catches_up(desk, policy, travel):  # type: ignore[no-untyped-def]
    travel.move_to(msk(2025, 3, 4, 10))
    t = ready(desk)
    first = SlaClock.objects.get(ticket=t, kind="first_response")
    old_generation = first.generation
    assert first.next_check_at == msk(2025, 3, 4, 13)  # 75 % warning
    travel.move_to(msk(2025, 3, 4, 10, 30))
    lifecycle.reply(ticket=t, actor=desk.agents[1], body="On it")  # met: the job is stale
    travel.move_to(msk(2025, 3, 4, 13, 1))
    assert checks.check_clock(clock_id=first.pk, generation=old_generation).stale
    # the resolution clock warns at 12 h business = Wed 13:00; nothing is due yet
    assert checks.reconcile() == []
    travel.move_to(msk(2025, 3, 5, 13, 0))
    outcomes = checks.reconcile()
    assert [o.events for o in outcomes] == [["sla.warning"]]
    assert checks.reconcile() == []  # handled once
    travel.move_to(msk(2025, 3, 6, 18))  # far past due: breach only (no late warning)
    assert [o.events for o in checks.reconcile()] == [["sla.breached"]]


@pytest.mark.django_db
def test_queue_filters_use_bounded_queries(desk, policy, travel, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    travel.move_to(msk(2025, 3, 4, 10))
    tickets = [ready(desk) for _ in range(5)]
    travel.move_to(msk(2025, 3, 4, 13, 30))
    with django_assert_max_num_queries(1):
        soon = list(due_soon(Ticket.objects.all(), within=H))
    assert sorted(x.pk for x in soon) == sorted(x.pk for x in tickets)
    with django_assert_max_num_queries(1):
        assert list(breached(Ticket.objects.all())) == []
    with django_assert_max_num_queries(1):
        mapping = next_due_by_ticket([x.pk for x in tickets])
    assert set(mapping.values()) == {msk(2025, 3, 4, 14)}
    with django_assert_max_num_queries(3):
        clocks_for_ticket(tickets[0])
