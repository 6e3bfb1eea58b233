"""The decisions taken on SLA moments, through the reconciliation pass and the immediate task
backend: who is told, when the ticket is escalated, and when it is not."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from tests.factories import handoff
from tests.sla.conftest import make_policy
from tierdesk.escalation.models import SlaAlert
from tierdesk.notifications.models import Notification
from tierdesk.sla import checks
from tierdesk.sla.models import SlaClock
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import Escalation, EscalationKind, Ticket

MSK = zoneinfo.ZoneInfo("Europe/Moscow")


def msk(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=MSK)


@pytest.fixture
def travel():  # type: ignore[no-untyped-def]
    with time_machine.travel(msk(2025, 3, 4, 10), tick=False) as traveller:
        yield traveller


def run_pass(capture) -> list[list[str]]:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return [o.events for o in checks.reconcile()]


@pytest.mark.django_db
def test_unassigned_warning_goes_to_the_team(
    desk, office, travel, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    make_policy(desk, calendar=office)
    t = desk.ticket(intake_data={"device_model": "LaserJet"})
    travel.move_to(msk(2025, 3, 4, 13, 1))
    assert run_pass(django_capture_on_commit_callbacks) == [["sla.warning"]]
    notified = set(
        Notification.objects.filter(ticket=t, kind="sla_warning").values_list("user", flat=True)
    )
    assert notified == {desk.agents[1].pk}  # the only member of Team L1
    text = Notification.objects.filter(ticket=t).first().text
    assert "TD-" in text and "14:00" in text  # due time in the desk's time zone


@pytest.mark.django_db
def test_chain_escalates_tier_by_tier_and_stops_at_the_top(
    desk, office, travel, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    from tierdesk.sla.models import TierTarget

    policy = make_policy(desk, calendar=office, tiers={2: 60, 3: 60})
    TierTarget.objects.create(policy=policy, tier=desk.tiers[4], response_minutes=60)
    t = desk.ticket(intake_data={"device_model": "LaserJet"})
    # nobody answers for three days: each tier's target passes, one tier up at a time
    for hour in range(11, 18):
        for minute in (0, 31):
            travel.move_to(msk(2025, 3, 4, hour, minute))
            run_pass(django_capture_on_commit_callbacks)
    for hour in range(9, 18):
        for minute in (0, 31):
            travel.move_to(msk(2025, 3, 5, hour, minute))
            run_pass(django_capture_on_commit_callbacks)
    fresh = Ticket.objects.get(pk=t.pk)
    assert fresh.tier == desk.tiers[4]
    kinds = list(Escalation.objects.filter(ticket=t).values_list("kind", flat=True))
    assert kinds == [EscalationKind.AUTO_SLA] * 3
    l4 = SlaClock.objects.get(ticket=t, kind="tier_response", tier=desk.tiers[4])
    alert = SlaAlert.objects.get(clock=l4, kind="auto_escalation")
    assert "top tier" in alert.outcome
    assert Notification.objects.filter(ticket=t, kind="sla_escalation").exists()


@pytest.mark.django_db
def test_no_auto_escalation_after_the_tier_answered_or_moved(
    desk, office, travel, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    make_policy(desk, calendar=office)
    answered = desk.ticket(intake_data={"device_model": "LaserJet"})
    moved = desk.ticket(intake_data={"device_model": "LaserJet"})
    travel.move_to(msk(2025, 3, 4, 14, 10))  # both breached, grace not over
    run_pass(django_capture_on_commit_callbacks)
    lifecycle.reply(ticket=answered, actor=desk.agents[1], body="Sorry for the wait")
    lifecycle.escalate(ticket=moved, actor=desk.agents[1], to_tier=desk.tiers[2], handoff=handoff())
    travel.move_to(msk(2025, 3, 4, 14, 40))
    run_pass(django_capture_on_commit_callbacks)
    assert Ticket.objects.get(pk=answered.pk).tier == desk.tiers[1]
    assert Ticket.objects.get(pk=moved.pk).tier == desk.tiers[2]
    assert not Escalation.objects.filter(kind=EscalationKind.AUTO_SLA).exists()
    first = SlaClock.objects.get(ticket=moved, kind="first_response")
    outcome = SlaAlert.objects.get(clock=first, kind="auto_escalation").outcome
    assert "moved" in outcome
    # the breach was told once to the supervisor for each ticket
    assert Notification.objects.filter(kind="sla_breach", user=desk.supervisor).count() == 2
