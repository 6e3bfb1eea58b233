"""Five tiers configured (L1–L5, the fifth entered only with a supervisor's approval): one
ticket travels the whole chain — phone call, L1, L2, L3, vendor case and back, L4, L5 — and
nothing in the way assumes four tiers."""

from __future__ import annotations

import pytest

from tests.factories import handoff, make_desk, make_user
from tierdesk.core.errors import ApprovalRequired, InvalidInput
from tierdesk.phone import services as phone
from tierdesk.phone.cti import parse_event
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import Escalation, EscalationKind, Status, Ticket
from tierdesk.tiers.models import Team, Tier
from tierdesk.tiers.selectors import next_tier, previous_tier
from tierdesk.vendors import services as vendors


@pytest.fixture
def five(db):  # type: ignore[no-untyped-def]
    desk = make_desk(tier_count=5)
    l5 = desk.tiers[5]
    l5.name, l5.name_en, l5.requires_approval = "L5 — Разработка", "L5 — Engineering", True
    l5.save()
    desk.contact.phone = "+74951234567"
    desk.contact.save()
    return desk


def test_five_tiers_end_to_end(five):  # type: ignore[no-untyped-def]
    desk = five
    assert [t.level for t in Tier.objects.all()] == [1, 2, 3, 4, 5]
    assert next_tier(desk.tiers[4]) == desk.tiers[5]
    assert next_tier(desk.tiers[5]) is None
    assert previous_tier(desk.tiers[5]) == desk.tiers[4]

    # the customer calls; the PBX reports it and L1 opens the ticket from the call
    integration, _token = phone.create_integration(name="pbx")
    for event in (
        {"event": "newCall", "callId": "e2e", "from": "84951234567", "to": "100",
         "direction": "in", "user": ["l1"]},
        {"event": "answer", "callId": "e2e", "user": ["l1"], "direction": "in"},
        {"event": "hangup", "callId": "e2e", "cause": "normalClearing", "direction": "in"},
    ):  # fmt: skip
        call = phone.record_cti_event(integration=integration, event=parse_event(event))
    assert call.contact == desk.contact and call.agent == desk.agents[1]
    ticket = phone.create_ticket_from_call(
        call=call,
        actor=desk.agents[1],
        subject="Принтер печатает пустые листы",
        body="Клиент: после замены картриджа листы выходят пустыми.",
        category=desk.category,
    )
    assert ticket.channel == "phone" and ticket.tier == desk.tiers[1]
    lifecycle.update_details(
        ticket=ticket,
        actor=desk.agents[1],
        device=desk.device_in_warranty,
        intake_data={"device_model": "LaserJet"},
    )

    # L1 → L2 → L3, each accepted by the receiving tier
    for level in (2, 3):
        esc = lifecycle.escalate(
            ticket=ticket,
            actor=desk.agents[level - 1],
            to_tier=desk.tiers[level],
            to_team=desk.teams[level],
            handoff=handoff(),
        )
        assert esc.kind == EscalationKind.UP
        lifecycle.accept_escalation(ticket=ticket, actor=desk.agents[level])

    # L3 hands it to the vendor and gets it back
    case = vendors.open_vendor_case(
        ticket=Ticket.objects.get(pk=ticket.pk),
        actor=desk.agents[3],
        vendor=vendors.suggest_vendor(ticket),
        body="Blank pages after a toner change; serial A1.",
    )
    assert Ticket.objects.get(pk=ticket.pk).status == Status.PENDING_VENDOR
    vendors.receive_vendor_reply(case=case, body="Known defect; engineering must look at it.")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.tier) == (Status.OPEN, desk.tiers[3])

    # L3 → L4 follows the same rules (hand-off required)
    with pytest.raises(InvalidInput, match="hand-off"):
        lifecycle.escalate(
            ticket=ticket,
            actor=desk.agents[3],
            to_tier=desk.tiers[4],
            handoff=handoff(problem=""),
        )
    lifecycle.escalate(
        ticket=ticket, actor=desk.agents[3], to_tier=desk.tiers[4], handoff=handoff()
    )
    lifecycle.accept_escalation(ticket=ticket, actor=desk.agents[4])

    # L4 → L5 needs a supervisor's approval (Tier.requires_approval)
    version = Ticket.objects.get(pk=ticket.pk).version
    with pytest.raises(ApprovalRequired, match="approval"):
        lifecycle.escalate(
            ticket=ticket, actor=desk.agents[4], to_tier=desk.tiers[5], handoff=handoff()
        )
    assert Ticket.objects.get(pk=ticket.pk).version == version  # nothing written
    esc = lifecycle.escalate(
        ticket=ticket,
        actor=desk.agents[4],
        to_tier=desk.tiers[5],
        to_team=desk.teams[5],
        handoff=handoff(),
        approved_by=desk.supervisor,
    )
    assert esc.kind == EscalationKind.UP and esc.approved_by == desk.supervisor
    lifecycle.accept_escalation(ticket=ticket, actor=desk.agents[5])
    ticket.refresh_from_db()
    assert ticket.tier == desk.tiers[5] and ticket.max_tier_level == 5
    assert ticket.assignee == desk.agents[5]

    # there is no sixth tier; L5 solves it and hands the ticket back down to L3 to close out
    with pytest.raises(InvalidInput):
        lifecycle.escalate(
            ticket=ticket, actor=desk.agents[5], to_tier=Tier(level=6, name="L6"), handoff=handoff()
        )
    lifecycle.escalate(
        ticket=ticket,
        actor=desk.agents[5],
        to_tier=desk.tiers[3],
        handoff=handoff(),
        reason="Patched firmware 2.1.8 installed remotely; confirm with the customer.",
    )
    lifecycle.reply(ticket=ticket, actor=desk.agents[3], body="Fixed with firmware 2.1.8.")
    lifecycle.resolve(ticket=ticket, actor=desk.agents[3], resolution_code="vendor_fix")

    chain = [
        (e.kind, e.from_tier.level if e.from_tier else None, e.to_tier.level if e.to_tier else None)
        for e in Escalation.objects.filter(ticket=ticket).order_by("pk")
    ]
    assert chain == [
        ("up", 1, 2),
        ("up", 2, 3),
        ("vendor", 3, None),
        ("up", 3, 4),
        ("up", 4, 5),
        ("down", 5, 3),
    ]
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and ticket.max_tier_level == 5


def test_skipping_into_the_fifth_tier_needs_a_supervisor(five):  # type: ignore[no-untyped-def]
    desk = five
    ticket = desk.ticket(intake_data={"device_model": "LaserJet"}, device=desk.device_in_warranty)
    lifecycle.escalate(
        ticket=ticket, actor=desk.agents[1], to_tier=desk.tiers[2], handoff=handoff()
    )
    lifecycle.escalate(
        ticket=ticket, actor=desk.agents[2], to_tier=desk.tiers[3], handoff=handoff()
    )
    with pytest.raises(ApprovalRequired, match="skips a tier"):
        lifecycle.escalate(
            ticket=ticket, actor=desk.agents[3], to_tier=desk.tiers[5], handoff=handoff()
        )
    esc = lifecycle.escalate(
        ticket=ticket, actor=desk.supervisor, to_tier=desk.tiers[5], handoff=handoff()
    )
    assert esc.kind == EscalationKind.SKIP


def test_a_sixth_tier_added_later_just_works(five):  # type: ignore[no-untyped-def]
    desk = five
    l6 = Tier.objects.create(level=6, name="L6", can_open_vendor_cases=True)
    team = Team.objects.create(name="Team L6", tier=l6)
    agent6 = make_user("l6", tier=l6, teams=[team])
    ticket = desk.ticket(intake_data={"device_model": "LaserJet"}, device=desk.device_in_warranty)
    for level in (2, 3, 4):
        lifecycle.escalate(
            ticket=ticket,
            actor=desk.agents[level - 1],
            to_tier=desk.tiers[level],
            handoff=handoff(),
        )
    lifecycle.escalate(
        ticket=ticket,
        actor=desk.agents[4],
        to_tier=desk.tiers[5],
        handoff=handoff(),
        approved_by=desk.supervisor,
    )
    lifecycle.escalate(ticket=ticket, actor=desk.agents[5], to_tier=l6, handoff=handoff())
    ticket.refresh_from_db()
    assert ticket.tier == l6 and ticket.max_tier_level == 6
    assert next_tier(desk.tiers[5]) == l6
    case = vendors.open_vendor_case(
        ticket=ticket, actor=agent6, vendor=desk.vendor, body="Level 6 asks the vendor."
    )
    assert case.from_tier == l6
    vendors.receive_vendor_reply(case=case, body="ok")
    assert Ticket.objects.get(pk=ticket.pk).tier == l6
