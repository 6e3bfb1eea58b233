"""Reminders for late vendors; the inbound router that claims vendor mail (fed parsed
messages directly — the full SMTP/IMAP round trip is in test_mail_roundtrip.py)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tests.vendors.helpers import at_tier
from tierdesk.core.errors import DomainError
from tierdesk.core.scheduling import registered_jobs
from tierdesk.mail.models import OutboundMessage
from tierdesk.mail.parsing.types import ParsedMessage
from tierdesk.notifications.models import Notification
from tierdesk.tickets.models import Entry, EntryKind, Status, Ticket
from tierdesk.vendors import mail as vendor_mail
from tierdesk.vendors import reminders, services
from tierdesk.vendors.models import CaseStatus


@pytest.fixture
def case(desk):  # type: ignore[no-untyped-def]
    desk.vendor.turnaround_hours = 24
    desk.vendor.reply_to = "vendor-hp@desk.example"
    desk.vendor.save()
    ticket = at_tier(desk, 3)
    return services.open_vendor_case(
        ticket=ticket, actor=desk.agents[3], vendor=desk.vendor, body="Please check."
    )


def test_reminder_job_is_registered():  # type: ignore[no-untyped-def]
    assert "vendors.remind_overdue" in {j.name for j in registered_jobs()}


@pytest.mark.django_db
def test_late_vendor_gets_reminded_once_a_day(desk, case):  # type: ignore[no-untyped-def]
    start = timezone.now()
    assert reminders.remind_overdue(now=start + dt.timedelta(hours=23)) == 0
    with time_machine.travel(start + dt.timedelta(hours=25), tick=False):
        assert reminders.remind_overdue() == 1
        assert reminders.remind_overdue() == 0  # a second run in the same period: nothing
    case.refresh_from_db()
    assert case.reminder_count == 1
    event = Entry.objects.filter(ticket=case.ticket, kind=EntryKind.SYSTEM_EVENT).latest("pk")
    assert case.number in event.body_text and "reminder 1" in event.body_text
    assert Notification.objects.filter(user=desk.agents[3], kind="vendor_overdue").count() == 1
    reminder = OutboundMessage.objects.filter(kind="vendor").latest("pk")
    assert reminder.auto_submitted is True
    assert (
        reminder.in_reply_to
        == OutboundMessage.objects.filter(kind="vendor").order_by("pk").first().message_id
    )
    with time_machine.travel(start + dt.timedelta(hours=50), tick=False):
        assert reminders.remind_overdue() == 1
    case.refresh_from_db()
    assert case.reminder_count == 2
    assert OutboundMessage.objects.filter(kind="vendor").count() == 3


@pytest.mark.django_db
def test_answered_case_is_not_reminded(desk, case):  # type: ignore[no-untyped-def]
    services.receive_vendor_reply(case=case, body="On it")
    with time_machine.travel(timezone.now() + dt.timedelta(days=5), tick=False):
        assert reminders.remind_overdue() == 0


def parsed(**kwargs):  # type: ignore[no-untyped-def]
    values = {
        "message_id": "<r1@hp.example>",
        "subject": "RE: something",
        "from_email": "engineer@hp.example",
        "to": ["support@desk.example"],
        "text": "Firmware 2.1 fixes it.",
    }
    values.update(kwargs)
    return ParsedMessage(**values)


@pytest.mark.django_db
def test_router_claims_a_reply_by_in_reply_to(desk, case):  # type: ignore[no-untyped-def]
    ours = OutboundMessage.objects.get(kind="vendor")
    msg = parsed(in_reply_to=ours.message_id, from_email="someone@elsewhere.example")
    assert vendor_mail.route_vendor_reply(msg, None, None) is True
    ticket = Ticket.objects.get(pk=case.ticket_id)
    assert ticket.status == Status.OPEN and ticket.tier == desk.tiers[3]
    entry = Entry.objects.filter(ticket=ticket, kind=EntryKind.VENDOR_MESSAGE).latest("pk")
    assert entry.data["direction"] == "in" and entry.is_public is False
    assert entry.email_message_id == "<r1@hp.example>"


@pytest.mark.django_db
def test_router_claims_by_vendor_tag_only_from_the_vendors_domain(desk, case):  # type: ignore[no-untyped-def]
    tagged = f"Re: [{case.number}] Printer"
    assert (
        vendor_mail.route_vendor_reply(
            parsed(subject=tagged, from_email="x@evil.example"), None, None
        )
        is False
    )
    assert vendor_mail.route_vendor_reply(parsed(subject=tagged), None, None) is True
    case.refresh_from_db()
    assert case.status == CaseStatus.ANSWERED


@pytest.mark.django_db
def test_router_ignores_customer_mail(desk, case):  # type: ignore[no-untyped-def]
    msg = parsed(from_email="anna@romashka.example", subject=f"[{case.ticket.number}] thanks")
    assert vendor_mail.route_vendor_reply(msg, None, None) is False


@pytest.mark.django_db
def test_router_uses_the_vendor_reference_for_mail_to_the_vendor_address(desk, case):  # type: ignore[no-untyped-def]
    services.update_case(case=case, actor=desk.agents[3], vendor_reference="HP-77123")
    msg = parsed(to=["vendor-hp@desk.example"], subject="Case HP-77123 update")
    assert vendor_mail.route_vendor_reply(msg, None, None) is True
    other = parsed(to=["vendor-hp@desk.example"], subject="Newsletter", message_id="<n@hp.example>")
    with pytest.raises(DomainError, match="matches no vendor case"):
        vendor_mail.route_vendor_reply(other, None, None)


@pytest.mark.django_db
def test_bounce_of_vendor_mail_is_an_event_not_an_answer(desk, case):  # type: ignore[no-untyped-def]
    ours = OutboundMessage.objects.get(kind="vendor")
    bounce = parsed(
        from_email="mailer-daemon@desk.example",
        is_auto=True,
        auto_kind="bounce",
        returned_message_ids=[ours.message_id],
        text="550 user unknown",
    )
    assert vendor_mail.route_vendor_reply(bounce, None, None) is True
    assert Ticket.objects.get(pk=case.ticket_id).status == Status.PENDING_VENDOR
    assert Notification.objects.filter(kind="bounce").exists()
