"""Vendor cases through their services: who may open one, what is sent, how answers land,
RMA fields, closing, sharing with the customer."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.vendors.helpers import at_tier
from tierdesk.core.errors import InvalidInput, InvalidTransition, NotPermitted
from tierdesk.mail.models import OutboundMessage
from tierdesk.notifications.models import Notification
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import Entry, EntryKind, Escalation, EscalationKind, Status, Ticket
from tierdesk.vendors import services
from tierdesk.vendors.models import CaseStatus, VendorCase


@pytest.fixture
def l3_ticket(desk):  # type: ignore[no-untyped-def]
    desk.vendor.reply_to = "vendor-hp@desk.example"
    desk.vendor.turnaround_hours = 48
    desk.vendor.save()
    return at_tier(desk, 3)


def open_case(desk, ticket, **kwargs):  # type: ignore[no-untyped-def]
    params = {
        "ticket": ticket,
        "actor": desk.agents[3],
        "vendor": desk.vendor,
        "body": "Error 13.A2 persists after a firmware reset. Please advise.",
    }
    params.update(kwargs)
    return services.open_vendor_case(**params)


def state(ticket):  # type: ignore[no-untyped-def]
    fresh = Ticket.objects.get(pk=ticket.pk)
    return (
        fresh.status,
        fresh.tier_id,
        fresh.version,
        VendorCase.objects.count(),
        Escalation.objects.filter(ticket=ticket).count(),
        Entry.objects.filter(ticket=ticket).count(),
        OutboundMessage.objects.filter(kind="vendor").count(),
    )


@pytest.mark.django_db
def test_vendor_is_suggested_from_the_devices_manufacturer(desk, l3_ticket):  # type: ignore[no-untyped-def]
    assert services.suggest_vendor(l3_ticket) == desk.vendor
    bare = desk.ticket()
    assert services.suggest_vendor(bare) is None


@pytest.mark.django_db
def test_l3_opens_a_case_ticket_waits_for_the_vendor(desk, l3_ticket):  # type: ignore[no-untyped-def]
    case = open_case(desk, l3_ticket, vendor_reference="HP-5581")
    ticket = Ticket.objects.get(pk=l3_ticket.pk)
    assert ticket.status == Status.PENDING_VENDOR
    assert ticket.tier == desk.tiers[3]
    esc = Escalation.objects.filter(ticket=ticket).latest("pk")
    assert esc.kind == EscalationKind.VENDOR
    assert case.escalation == esc
    assert case.from_tier == desk.tiers[3]
    assert case.status == CaseStatus.WAITING
    assert case.vendor_reference == "HP-5581"
    assert case.due_at - case.opened_at == dt.timedelta(hours=48)
    out = Entry.objects.get(ticket=ticket, kind=EntryKind.VENDOR_MESSAGE)
    assert out.is_public is False
    assert out.data["direction"] == "out" and out.data["vendor_case"] == case.pk
    row = OutboundMessage.objects.get(kind="vendor")
    assert row.to == ["support@hp.example"]
    assert row.subject.startswith(f"[{case.number}] ")
    assert "HP-5581" in row.subject
    assert row.reply_to == "vendor-hp@desk.example"
    assert row.extra_headers["X-Tierdesk-Vendor-Case"] == case.number
    assert row.message_id == out.email_message_id
    assert row.related_id == str(case.pk)


@pytest.mark.django_db
def test_internal_notes_are_never_sent_unless_quoted(desk, l3_ticket):  # type: ignore[no-untyped-def]
    note = lifecycle.add_note(
        ticket=l3_ticket, actor=desk.agents[3], body="SECRET: the customer dropped the printer"
    )
    from tierdesk.vendors.compose import default_message

    assert "SECRET" not in default_message(l3_ticket)
    case = open_case(desk, l3_ticket)
    row = OutboundMessage.objects.get(kind="vendor")
    assert "SECRET" not in row.text
    services.send_case_message(
        case=case, actor=desk.agents[3], body="More details below.", quote_entry_ids=[note.pk]
    )
    follow = OutboundMessage.objects.filter(kind="vendor").latest("pk")
    assert "> SECRET: the customer dropped the printer" in follow.text


@pytest.mark.django_db
def test_quoting_an_entry_of_another_ticket_is_refused(desk, l3_ticket):  # type: ignore[no-untyped-def]
    other = desk.ticket()
    foreign = other.entries.first()
    before = state(l3_ticket)
    with pytest.raises(InvalidInput, match="this ticket"):
        open_case(desk, l3_ticket, quote_entry_ids=[foreign.pk])
    assert state(l3_ticket) == before


@pytest.mark.django_db
@pytest.mark.parametrize("level", [1, 2])
def test_lower_tiers_cannot_open_vendor_cases(desk, level):  # type: ignore[no-untyped-def]
    ticket = at_tier(desk, level)
    before = state(ticket)
    with pytest.raises(NotPermitted, match="Vendor cases"):
        open_case(desk, ticket, actor=desk.agents[level])
    assert state(ticket) == before
    # a supervisor may, and a tier named by policy may
    desk.tiers[level].can_open_vendor_cases = True
    desk.tiers[level].save()
    ticket = Ticket.objects.get(pk=ticket.pk)
    case = open_case(desk, ticket, actor=desk.agents[level])
    assert case.from_tier == desk.tiers[level]


@pytest.mark.django_db
def test_empty_message_or_closed_ticket_is_refused(desk, l3_ticket):  # type: ignore[no-untyped-def]
    before = state(l3_ticket)
    with pytest.raises(InvalidInput):
        open_case(desk, l3_ticket, body="   ")
    assert state(l3_ticket) == before
    lifecycle.resolve(ticket=l3_ticket, actor=desk.agents[3], resolution_code="solved")
    before = state(l3_ticket)
    with pytest.raises(InvalidTransition):
        open_case(desk, l3_ticket)
    assert state(l3_ticket) == before


@pytest.mark.django_db
def test_vendor_answer_returns_ticket_to_the_escalating_tier(desk, l3_ticket):  # type: ignore[no-untyped-def]
    case = open_case(desk, l3_ticket)
    entry = services.receive_vendor_reply(
        case=case, body="Replace the fuser unit.", sender="eng@hp.example"
    )
    ticket = Ticket.objects.get(pk=l3_ticket.pk)
    assert ticket.status == Status.OPEN
    assert ticket.tier == desk.tiers[3]
    assert entry.kind == EntryKind.VENDOR_MESSAGE and entry.is_public is False
    case.refresh_from_db()
    assert case.status == CaseStatus.ANSWERED
    assert case.first_response_at is not None
    assert Notification.objects.filter(user=desk.agents[3], kind="vendor_reply").exists()
    # the customer sees it only once an agent shares it
    shared = services.share_with_customer(entry=entry, actor=desk.agents[3])
    assert shared.is_public is True
    assert Entry.objects.get(pk=entry.pk).is_public is True


@pytest.mark.django_db
def test_automatic_vendor_reply_does_not_count_as_an_answer(desk, l3_ticket):  # type: ignore[no-untyped-def]
    case = open_case(desk, l3_ticket)
    services.receive_vendor_reply(
        case=case, body="We received your request, case 7781.", automatic=True
    )
    assert Ticket.objects.get(pk=l3_ticket.pk).status == Status.PENDING_VENDOR
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING and case.first_response_at is None


@pytest.mark.django_db
def test_follow_up_threads_and_waits_again(desk, l3_ticket):  # type: ignore[no-untyped-def]
    case = open_case(desk, l3_ticket)
    first = OutboundMessage.objects.get(kind="vendor")
    reply = services.receive_vendor_reply(case=case, body="Send logs please.")
    Entry.objects.filter(pk=reply.pk).update(email_message_id="<vendor-1@hp.example>")
    services.send_case_message(case=case, actor=desk.agents[3], body="Logs attached.")
    second = OutboundMessage.objects.filter(kind="vendor").latest("pk")
    assert second.in_reply_to == "<vendor-1@hp.example>"
    assert second.references == [first.message_id, "<vendor-1@hp.example>"]
    assert second.subject.startswith(f"Re: [{case.number}]")
    assert Ticket.objects.get(pk=l3_ticket.pk).status == Status.PENDING_VENDOR
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING


@pytest.mark.django_db
def test_vendor_without_email_records_the_message_only(desk, l3_ticket):  # type: ignore[no-untyped-def]
    desk.vendor.email = ""
    desk.vendor.save()
    case = open_case(desk, l3_ticket)
    assert OutboundMessage.objects.count() == 0
    out = Entry.objects.get(ticket=l3_ticket, kind=EntryKind.VENDOR_MESSAGE)
    assert out.data["mailed_to"] == [] and out.data["vendor_case"] == case.pk


@pytest.mark.django_db
def test_rma_fields_and_their_rules(desk, l3_ticket):  # type: ignore[no-untyped-def]
    case = open_case(desk, l3_ticket)
    today = dt.date.today()
    with pytest.raises(InvalidInput, match="RMA number"):
        services.update_case(case=case, actor=desk.agents[3], rma_shipped_on=today)
    services.update_case(
        case=case,
        actor=desk.agents[3],
        vendor_reference="HP-9",
        rma_number="RMA-77",
        rma_tracking="CDEK 123",
        rma_shipped_on=today - dt.timedelta(days=3),
    )
    case.refresh_from_db()
    assert (case.vendor_reference, case.rma_number, case.has_rma) == ("HP-9", "RMA-77", True)
    with pytest.raises(InvalidInput, match="before it was shipped"):
        services.update_case(
            case=case, actor=desk.agents[3], rma_received_on=today - dt.timedelta(days=5)
        )
    with pytest.raises(InvalidInput, match="future"):
        services.update_case(
            case=case, actor=desk.agents[3], rma_received_on=today + dt.timedelta(days=1)
        )
    services.update_case(case=case, actor=desk.agents[3], rma_received_on=today)
    case.refresh_from_db()
    assert case.rma_received_on == today
    events = Entry.objects.filter(ticket=l3_ticket, kind=EntryKind.SYSTEM_EVENT)
    assert any("RMA-77" in e.body_text for e in events)


@pytest.mark.django_db
def test_closing_the_case_reopens_a_waiting_ticket(desk, l3_ticket):  # type: ignore[no-untyped-def]
    case = open_case(desk, l3_ticket)
    services.close_vendor_case(case=case, actor=desk.agents[3], note="Vendor cannot help")
    assert Ticket.objects.get(pk=l3_ticket.pk).status == Status.OPEN
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_by == desk.agents[3]
    with pytest.raises(InvalidTransition):
        services.close_vendor_case(case=case, actor=desk.agents[3])
    with pytest.raises(InvalidTransition):
        services.send_case_message(case=case, actor=desk.agents[3], body="Hello?")


@pytest.mark.django_db
def test_two_cases_ticket_waits_until_both_are_settled(desk, l3_ticket):  # type: ignore[no-untyped-def]
    from tierdesk.devices.models import Vendor

    other = Vendor.objects.create(name="Microsoft", email="cases@ms.example")
    first = open_case(desk, l3_ticket)
    open_case(desk, Ticket.objects.get(pk=l3_ticket.pk), vendor=other, body="Driver issue")
    services.close_vendor_case(case=first, actor=desk.agents[3])
    assert Ticket.objects.get(pk=l3_ticket.pk).status == Status.PENDING_VENDOR


@pytest.mark.django_db
def test_customer_cannot_share_and_notes_cannot_be_shared(desk, l3_ticket):  # type: ignore[no-untyped-def]
    case = open_case(desk, l3_ticket)
    entry = services.receive_vendor_reply(case=case, body="Answer")
    with pytest.raises(NotPermitted):
        services.share_with_customer(entry=entry, actor=desk.contact.user)
    note = lifecycle.add_note(ticket=l3_ticket, actor=desk.agents[3], body="internal")
    with pytest.raises(InvalidInput):
        services.share_with_customer(entry=note, actor=desk.agents[3])
    assert Entry.objects.get(pk=entry.pk).is_public is False
