"""Escalation: hand-off rule, intake policy, skip approval, entitlement and billing approval."""

from __future__ import annotations

import pytest

from tests.factories import handoff
from tierdesk.core.errors import ApprovalRequired, InvalidInput, InvalidTransition, NotPermitted
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import (
    ApprovalKind,
    AuditEvent,
    Escalation,
    EscalationKind,
    Status,
    Ticket,
    WorkApproval,
)


def ready(desk, **kwargs):  # type: ignore[no-untyped-def]
    return desk.ticket(intake_data={"device_model": "LaserJet"}, **kwargs)


def snapshot(t: Ticket):  # type: ignore[no-untyped-def]
    fresh = Ticket.objects.get(pk=t.pk)
    return (
        fresh.status,
        fresh.tier_id,
        fresh.version,
        fresh.entitlement,
        Escalation.objects.filter(ticket=t).count(),
        AuditEvent.objects.filter(ticket=t).count(),
    )


@pytest.mark.django_db
def test_escalate_up_with_handoff(desk):  # type: ignore[no-untyped-def]
    t = ready(desk)
    esc = lifecycle.escalate(
        ticket=t,
        actor=desk.agents[1],
        to_tier=desk.tiers[2],
        to_team=desk.teams[2],
        handoff=handoff(),
        reason="needs L2",
    )
    fresh = Ticket.objects.get(pk=t.pk)
    assert fresh.tier == desk.tiers[2]
    assert fresh.team == desk.teams[2]
    assert fresh.assignee is None
    assert fresh.status == Status.OPEN
    assert fresh.max_tier_level == 2
    assert esc.kind == EscalationKind.UP
    assert esc.problem.startswith("Printer shows")
    assert esc.from_tier == desk.tiers[1] and esc.to_tier == desk.tiers[2]
    audit = AuditEvent.objects.filter(ticket=t, action="escalated").get()
    assert audit.changes["tier"] == [1, 2]
    assert audit.actor == desk.agents[1]
    accepted = lifecycle.accept_escalation(ticket=t, actor=desk.agents[2])
    assert accepted.accepted_by == desk.agents[2]
    assert Ticket.objects.get(pk=t.pk).assignee == desk.agents[2]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad",
    [
        {"problem": ""},
        {"problem": "   "},
        {"data_collected": "", "diagnostics": "", "tried": ""},
    ],
)
def test_handoff_without_text_is_refused_and_writes_nothing(desk, bad):  # type: ignore[no-untyped-def]
    t = ready(desk)
    before = snapshot(t)
    with pytest.raises(InvalidInput, match="hand-off"):
        lifecycle.escalate(
            ticket=t, actor=desk.agents[1], to_tier=desk.tiers[2], handoff=handoff(**bad)
        )
    assert snapshot(t) == before


@pytest.mark.django_db
def test_missing_required_intake_blocks_escalation(desk):  # type: ignore[no-untyped-def]
    t = desk.ticket()
    before = snapshot(t)
    with pytest.raises(InvalidInput, match="Device model"):
        lifecycle.escalate(ticket=t, actor=desk.agents[1], to_tier=desk.tiers[2], handoff=handoff())
    assert snapshot(t) == before
    lifecycle.update_details(
        ticket=t, actor=desk.agents[1], intake_data={"device_model": "LaserJet"}
    )
    lifecycle.escalate(ticket=t, actor=desk.agents[1], to_tier=desk.tiers[2], handoff=handoff())
    assert Ticket.objects.get(pk=t.pk).tier == desk.tiers[2]


@pytest.mark.django_db
def test_policy_can_waive_the_intake_rule(desk):  # type: ignore[no-untyped-def]
    desk.category.require_intake_to_escalate = False
    desk.category.save()
    t = desk.ticket()
    lifecycle.escalate(ticket=t, actor=desk.agents[1], to_tier=desk.tiers[2], handoff=handoff())
    assert Ticket.objects.get(pk=t.pk).tier == desk.tiers[2]


@pytest.mark.django_db
def test_escalation_past_the_last_tier_is_refused(desk):  # type: ignore[no-untyped-def]
    from tierdesk.tiers.models import Tier

    t = ready(desk, device=desk.device_in_warranty)
    for level in (2, 3, 4):
        lifecycle.escalate(
            ticket=t, actor=desk.agents[level - 1], to_tier=desk.tiers[level], handoff=handoff()
        )
    before = snapshot(t)
    ghost = Tier(level=5, name="L5")  # not saved: there is no fifth tier
    with pytest.raises(InvalidInput, match="tier"):
        lifecycle.escalate(ticket=t, actor=desk.agents[4], to_tier=ghost, handoff=handoff())
    with pytest.raises(InvalidInput, match="already"):
        lifecycle.escalate(ticket=t, actor=desk.agents[4], to_tier=desk.tiers[4], handoff=handoff())
    assert snapshot(t) == before


@pytest.mark.django_db
def test_skip_needs_supervisor_approval(desk):  # type: ignore[no-untyped-def]
    t = ready(desk, device=desk.device_in_warranty)
    before = snapshot(t)
    with pytest.raises(ApprovalRequired, match="skips a tier"):
        lifecycle.escalate(ticket=t, actor=desk.agents[1], to_tier=desk.tiers[3], handoff=handoff())
    assert snapshot(t) == before
    with pytest.raises(ApprovalRequired):
        lifecycle.escalate(
            ticket=t,
            actor=desk.agents[1],
            to_tier=desk.tiers[3],
            handoff=handoff(),
            approved_by=desk.agents[2],
        )
    esc = lifecycle.escalate(
        ticket=t,
        actor=desk.agents[1],
        to_tier=desk.tiers[3],
        handoff=handoff(),
        approved_by=desk.supervisor,
    )
    assert esc.kind == EscalationKind.SKIP
    assert esc.approved_by == desk.supervisor
    assert Ticket.objects.get(pk=t.pk).tier == desk.tiers[3]


@pytest.mark.django_db
def test_de_escalation_needs_instructions(desk):  # type: ignore[no-untyped-def]
    t = ready(desk)
    lifecycle.escalate(ticket=t, actor=desk.agents[1], to_tier=desk.tiers[2], handoff=handoff())
    before = snapshot(t)
    with pytest.raises(InvalidInput, match="instructions"):
        lifecycle.escalate(
            ticket=t,
            actor=desk.agents[2],
            to_tier=desk.tiers[1],
            handoff=handoff(tried=""),
            reason="",
        )
    assert snapshot(t) == before
    esc = lifecycle.escalate(
        ticket=t,
        actor=desk.agents[2],
        to_tier=desk.tiers[1],
        handoff=handoff(),
        reason="Replace the fuser as in KB-12",
    )
    assert esc.kind == EscalationKind.DOWN
    assert Ticket.objects.get(pk=t.pk).tier == desk.tiers[1]


@pytest.mark.django_db
def test_tier_requiring_approval(desk):  # type: ignore[no-untyped-def]
    desk.tiers[4].requires_approval = True
    desk.tiers[4].save()
    t = ready(desk, device=desk.device_in_warranty)
    for level in (2, 3):
        lifecycle.escalate(
            ticket=t, actor=desk.agents[level - 1], to_tier=desk.tiers[level], handoff=handoff()
        )
    with pytest.raises(ApprovalRequired):
        lifecycle.escalate(ticket=t, actor=desk.agents[3], to_tier=desk.tiers[4], handoff=handoff())
    lifecycle.escalate(
        ticket=t,
        actor=desk.agents[3],
        to_tier=desk.tiers[4],
        handoff=handoff(),
        approved_by=desk.supervisor,
    )
    assert Ticket.objects.get(pk=t.pk).tier == desk.tiers[4]


@pytest.mark.django_db
def test_closed_ticket_cannot_be_escalated(desk):  # type: ignore[no-untyped-def]
    t = ready(desk)
    lifecycle.resolve(ticket=t, actor=desk.agents[1], resolution_code="solved")
    with pytest.raises(InvalidTransition):
        lifecycle.escalate(ticket=t, actor=desk.agents[1], to_tier=desk.tiers[2], handoff=handoff())


@pytest.mark.django_db
def test_customers_cannot_escalate(desk):  # type: ignore[no-untyped-def]
    t = ready(desk)
    with pytest.raises(NotPermitted):
        lifecycle.escalate(
            ticket=t, actor=desk.contact.user, to_tier=desk.tiers[2], handoff=handoff()
        )


@pytest.mark.django_db
def test_paid_tier_needs_customer_approval_or_override(desk):  # type: ignore[no-untyped-def]
    # contract covers up to L2; L3 is billable
    t = ready(desk)
    assert t.entitlement == "contract"
    lifecycle.escalate(ticket=t, actor=desk.agents[1], to_tier=desk.tiers[2], handoff=handoff())
    before = snapshot(t)
    with pytest.raises(ApprovalRequired, match="approval"):
        lifecycle.escalate(ticket=t, actor=desk.agents[2], to_tier=desk.tiers[3], handoff=handoff())
    assert snapshot(t) == before
    with pytest.raises(NotPermitted):
        lifecycle.escalate(
            ticket=t,
            actor=desk.agents[2],
            to_tier=desk.tiers[3],
            handoff=handoff(),
            billing_override=True,
        )
    assert snapshot(t) == before
    lifecycle.record_work_approval(
        ticket=t,
        tier=desk.tiers[3],
        kind=ApprovalKind.CUSTOMER,
        contact=desk.contact,
        estimated_minutes=60,
    )
    esc = lifecycle.escalate(
        ticket=t, actor=desk.agents[2], to_tier=desk.tiers[3], handoff=handoff()
    )
    assert (esc.entitlement_before, esc.entitlement_after) == ("contract", "billable")
    fresh = Ticket.objects.get(pk=t.pk)
    assert fresh.entitlement == "billable"
    assert "covers up to L2" in fresh.entitlement_reason


@pytest.mark.django_db
def test_supervisor_override_is_recorded(desk):  # type: ignore[no-untyped-def]
    t = ready(desk)
    lifecycle.escalate(ticket=t, actor=desk.agents[1], to_tier=desk.tiers[2], handoff=handoff())
    lifecycle.escalate(
        ticket=t,
        actor=desk.supervisor,
        to_tier=desk.tiers[3],
        handoff=handoff(),
        billing_override=True,
        reason="VIP customer",
    )
    approval = WorkApproval.objects.get(ticket=t)
    assert approval.kind == ApprovalKind.OVERRIDE
    assert approval.approved_by_user == desk.supervisor
    assert approval.tier == desk.tiers[3]


@pytest.mark.django_db
def test_customer_of_another_org_cannot_approve(desk):  # type: ignore[no-untyped-def]
    t = ready(desk)
    with pytest.raises(NotPermitted):
        lifecycle.record_work_approval(
            ticket=t, tier=desk.tiers[3], kind=ApprovalKind.CUSTOMER, contact=desk.other_contact
        )
    assert not WorkApproval.objects.filter(ticket=t).exists()


@pytest.mark.django_db
def test_not_covered_work_needs_a_supervisor_not_the_customer(desk):  # type: ignore[no-untyped-def]
    desk.org.billing_allowed = False
    desk.org.save()
    desk.contract.delete()
    t = ready(desk)
    assert t.entitlement == "not_covered"
    lifecycle.record_work_approval(
        ticket=t, tier=desk.tiers[2], kind=ApprovalKind.CUSTOMER, contact=desk.contact
    )
    with pytest.raises(ApprovalRequired):
        lifecycle.escalate(ticket=t, actor=desk.agents[1], to_tier=desk.tiers[2], handoff=handoff())
    lifecycle.escalate(
        ticket=t,
        actor=desk.supervisor,
        to_tier=desk.tiers[2],
        handoff=handoff(),
        billing_override=True,
    )
    assert Ticket.objects.get(pk=t.pk).tier == desk.tiers[2]


@pytest.mark.django_db
def test_vendor_round_returns_to_the_escalating_tier(desk):  # type: ignore[no-untyped-def]
    t = ready(desk, device=desk.device_in_warranty)
    with pytest.raises(NotPermitted, match="Vendor cases"):
        lifecycle.send_to_vendor(
            ticket=t, actor=desk.agents[1], vendor_name="HP", handoff=handoff()
        )
    lifecycle.escalate(ticket=t, actor=desk.agents[1], to_tier=desk.tiers[2], handoff=handoff())
    lifecycle.escalate(ticket=t, actor=desk.agents[2], to_tier=desk.tiers[3], handoff=handoff())
    lifecycle.send_to_vendor(ticket=t, actor=desk.agents[3], vendor_name="HP", handoff=handoff())
    assert Ticket.objects.get(pk=t.pk).status == Status.PENDING_VENDOR
    entry = lifecycle.add_vendor_message(ticket=t, body="Firmware fix attached", vendor_name="HP")
    fresh = Ticket.objects.get(pk=t.pk)
    assert fresh.status == Status.OPEN
    assert fresh.tier == desk.tiers[3]
    assert entry.is_public is False
