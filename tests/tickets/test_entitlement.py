"""Each entitlement outcome: pure rules, and as decided on real tickets."""

from __future__ import annotations

import datetime as dt

import pytest

from tierdesk.contracts.entitlement import ContractFacts, DeviceFacts, Kind, decide

DAY = dt.date(2026, 11, 25)


def contract(**kw):  # type: ignore[no-untyped-def]
    values = dict(
        id=1,
        label="C-1",
        starts_on=DAY - dt.timedelta(days=10),
        ends_on=DAY + dt.timedelta(days=10),
        covered_up_to_level=2,
        channels=["email", "portal"],
    )
    values.update(kw)
    return ContractFacts(**values)


def run(**kw):  # type: ignore[no-untyped-def]
    values = dict(
        on=DAY,
        tier_level=1,
        channel="email",
        device=None,
        category_covered_by_warranty=True,
        contracts=[],
        billing_allowed=True,
    )
    values.update(kw)
    return decide(**values)


def test_warranty_wins_over_contract():
    dev = DeviceFacts(id=7, label="LaserJet (A1)", warranty_end=DAY)
    e = run(device=dev, contracts=[contract()], tier_level=4)
    assert e.kind == Kind.WARRANTY and e.device_id == 7
    assert "under warranty until 2026-11-25" in e.reason


def test_expired_warranty_falls_through_to_contract():
    dev = DeviceFacts(id=7, label="OldJet", warranty_end=DAY - dt.timedelta(days=1))
    e = run(device=dev, contracts=[contract()])
    assert e.kind == Kind.CONTRACT and e.contract_id == 1


def test_warranty_does_not_cover_every_category():
    dev = DeviceFacts(id=7, label="LaserJet", warranty_end=DAY + dt.timedelta(days=5))
    e = run(device=dev, category_covered_by_warranty=False)
    assert e.kind == Kind.BILLABLE


def test_contract_covers_only_up_to_its_tier():
    assert run(tier_level=2, contracts=[contract()]).kind == Kind.CONTRACT
    above = run(tier_level=3, contracts=[contract()])
    assert above.kind == Kind.BILLABLE
    assert "covers up to L2, not L3" in above.reason
    assert above.contract_id == 1


def test_contract_outside_its_dates_does_not_count():
    old = contract(ends_on=DAY - dt.timedelta(days=1))
    future = contract(id=2, starts_on=DAY + dt.timedelta(days=1))
    assert run(contracts=[old, future]).kind == Kind.BILLABLE


def test_contract_channel_restriction():
    e = run(channel="phone", contracts=[contract()])
    assert e.kind == Kind.BILLABLE
    assert "phone channel" in e.reason


def test_best_of_several_contracts():
    small = contract(id=1, covered_up_to_level=1)
    big = contract(id=2, covered_up_to_level=3)
    e = run(tier_level=3, contracts=[small, big])
    assert e.kind == Kind.CONTRACT and e.contract_id == 2


def test_not_covered_when_paid_support_is_not_allowed():
    e = run(billing_allowed=False)
    assert e.kind == Kind.NOT_COVERED


@pytest.mark.django_db
def test_entitlement_decided_at_creation(desk):  # type: ignore[no-untyped-def]
    assert desk.ticket(device=desk.device_in_warranty).entitlement == "warranty"
    assert desk.ticket(device=desk.device_out_of_warranty).entitlement == "contract"
    assert desk.ticket(requester=desk.other_contact).entitlement == "billable"
    desk.other_org.billing_allowed = False
    desk.other_org.save()
    t = desk.ticket(requester=desk.other_contact)
    assert t.entitlement == "not_covered"
    assert t.entitlement_reason


@pytest.mark.django_db
def test_entitlement_follows_a_device_change(desk):  # type: ignore[no-untyped-def]
    from tierdesk.tickets import lifecycle
    from tierdesk.tickets.models import AuditEvent

    t = desk.ticket(requester=desk.contact)
    assert t.entitlement == "contract"
    lifecycle.update_details(ticket=t, actor=desk.agents[1], device=desk.device_in_warranty)
    assert t.entitlement == "warranty"
    event = AuditEvent.objects.filter(ticket=t, action="updated").get()
    assert event.changes["entitlement"] == ["contract", "warranty"]
