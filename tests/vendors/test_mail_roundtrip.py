"""A vendor round trip through the real mail servers: Dovecot (IMAP) in, aiosmtpd (SMTP) out.

A customer's mail opens a ticket; it is escalated to L3, which opens a vendor case; the vendor
mail goes out through SMTP with its own Message-ID and the vendor tag; the vendor's answer is
polled from IMAP, lands on the ticket as an agents-only vendor entry and the ticket returns to
L3. The customer sees none of it (no mail, nothing in the portal) until an agent shares it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from imapclient import IMAPClient

from tests.factories import handoff
from tests.mail.conftest import build_mail
from tierdesk.mail.models import ImapSecurity, InboundMessage, InboundState, Mailbox
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import Entry, EntryKind, Status, Ticket
from tierdesk.vendors import services
from tierdesk.vendors.models import CaseStatus, VendorCase

pytestmark = [pytest.mark.servers, pytest.mark.django_db]


def poll(capture) -> None:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        call_command("mail", "poll", "--once")


@pytest.fixture
def desk_on_imap(desk, dovecot):  # type: ignore[no-untyped-def]
    Mailbox.objects.create(
        name="support",
        address="support@desk.example",
        from_name="Desk Support",
        imap_host="127.0.0.1",
        imap_port=dovecot.port,
        imap_security=ImapSecurity.NONE,
        imap_user=dovecot.user,
        imap_password=dovecot.password,
    )
    desk.vendor.email = "support@hp.example"
    desk.vendor.reply_to = "vendor-hp@desk.example"
    desk.vendor.save()
    client = IMAPClient("127.0.0.1", port=dovecot.port, ssl=False, timeout=10)
    client.login(dovecot.user, dovecot.password)
    yield client
    client.logout()


def to_l3(desk, ticket):  # type: ignore[no-untyped-def]
    lifecycle.update_details(
        ticket=ticket,
        actor=desk.agents[1],
        category=desk.category,
        device=desk.device_in_warranty,
        intake_data={"device_model": "LaserJet"},
    )
    for level in (2, 3):
        lifecycle.escalate(
            ticket=ticket,
            actor=desk.agents[level - 1],
            to_tier=desk.tiers[level],
            handoff=handoff(),
        )
        lifecycle.accept_escalation(ticket=ticket, actor=desk.agents[level])


def portal_page(client, desk, ticket) -> str:  # type: ignore[no-untyped-def]
    client.force_login(desk.contact.user)
    response = client.get(f"/portal/tickets/{ticket.number}/")
    assert response.status_code == 200
    client.logout()
    return response.content.decode()


def test_vendor_round_trip_by_email(
    desk, desk_on_imap, smtp_sink, client, django_capture_on_commit_callbacks
):
    imap = desk_on_imap
    imap.append("INBOX", build_mail(message_id="<q.1@romashka.example>"))
    poll(django_capture_on_commit_callbacks)
    ticket = Ticket.objects.get()
    assert len(smtp_sink.messages) == 1  # the customer's acknowledgement
    to_l3(desk, ticket)

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.add_note(
            ticket=ticket, actor=desk.agents[3], body="СЕКРЕТ: клиент уронил принтер"
        )
        suggested = services.suggest_vendor(Ticket.objects.get(pk=ticket.pk))
        assert suggested == desk.vendor
        case = services.open_vendor_case(
            ticket=Ticket.objects.get(pk=ticket.pk),
            actor=desk.agents[3],
            vendor=suggested,
            body="Error 13.A2 after a fuser replacement. Serial A1. Please advise.",
            vendor_reference="HP-55812",
        )
    assert Ticket.objects.get(pk=ticket.pk).status == Status.PENDING_VENDOR

    # L3's message went to the vendor — and only to the vendor; the customer was told (by
    # the e-mail channel's status mail) that his ticket waits for the vendor, nothing more
    sent = {rcpts[0]: smtp_sink.messages[i] for i, (_, rcpts) in enumerate(smtp_sink.envelopes)}
    assert len(smtp_sink.messages) == 3
    out = sent["support@hp.example"]
    assert out["To"] == "support@hp.example"
    assert str(out["Subject"]).strip().startswith(f"[{case.number}] ")
    assert out["X-Tierdesk-Vendor-Case"] == case.number
    assert out["Reply-To"] == "vendor-hp@desk.example"
    assert out["Message-ID"] and out["Message-ID"].endswith("@desk.example>")
    assert out["In-Reply-To"] is None  # a new thread, not the customer's
    assert "Error 13.A2" in out.get_body(("plain",)).get_content()
    assert "СЕКРЕТ" not in out.as_string()
    for message in smtp_sink.messages:
        if message is not out:
            assert message["To"] == "anna@romashka.example"
            assert message["Message-ID"] != out["Message-ID"]
            text = message.get_body(("plain",)).get_content()
            assert "13.A2 after a fuser" not in text and case.number not in message.as_string()

    # the vendor answers (to the reply-to address), his client threads by Message-ID
    vendor_answer_id = "<case-55812.2@hp.example>"
    imap.append(
        "INBOX",
        build_mail(
            sender="HP Support <engineer@hp.example>",
            to="vendor-hp@desk.example",
            subject=f"RE: {out['Subject']}",
            body="Please update the firmware to 2.1.7; it fixes 13.A2.\n\n> Error 13.A2",
            message_id=vendor_answer_id,
            in_reply_to=out["Message-ID"],
            references=out["Message-ID"],
        ),
    )
    poll(django_capture_on_commit_callbacks)

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.tier == desk.tiers[3]  # back at the tier that escalated
    assert Ticket.objects.count() == 1  # no new ticket for the vendor
    answer = Entry.objects.get(ticket=ticket, email_message_id=vendor_answer_id)
    assert answer.kind == EntryKind.VENDOR_MESSAGE
    assert answer.is_public is False
    assert answer.data["vendor_case"] == case.pk and answer.data["direction"] == "in"
    assert "firmware to 2.1.7" in answer.body_text
    assert not ticket.entries.filter(
        kind=EntryKind.CUSTOMER_MESSAGE, email_message_id=vendor_answer_id
    ).exists()
    inbound = InboundMessage.objects.get(message_id=vendor_answer_id)
    assert inbound.state == InboundState.PROCESSED
    assert inbound.routed_by.endswith("route_vendor_reply")
    assert inbound.ticket_id == ticket.pk
    case.refresh_from_db()
    assert case.status == CaseStatus.ANSWERED and case.first_response_at is not None

    # nothing went to the customer (or back to the vendor) because of the vendor's answer
    assert len(smtp_sink.messages) == 3
    page = portal_page(client, desk, ticket)
    assert "2.1.7" not in page and "13.A2 after a fuser" not in page and "СЕКРЕТ" not in page

    # an agent shares the vendor's answer on purpose: now the customer sees it
    services.share_with_customer(entry=answer, actor=desk.agents[3])
    page = portal_page(client, desk, ticket)
    assert "2.1.7" in page
    assert "13.A2 after a fuser" not in page and "СЕКРЕТ" not in page

    # the same vendor mail polled again is imported once
    imap.append("INBOX", build_mail(sender="engineer@hp.example", message_id=vendor_answer_id))
    poll(django_capture_on_commit_callbacks)
    assert Entry.objects.filter(email_message_id=vendor_answer_id).count() == 1


def test_vendor_reply_without_threading_headers_is_found_by_its_tag(
    desk, desk_on_imap, smtp_sink, django_capture_on_commit_callbacks
):
    ticket = desk.ticket(channel="email")
    to_l3(desk, ticket)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.open_vendor_case(
            ticket=Ticket.objects.get(pk=ticket.pk),
            actor=desk.agents[3],
            vendor=desk.vendor,
            body="Please check.",
        )
    # a ticketing system at the vendor drops In-Reply-To but keeps the subject
    desk_on_imap.append(
        "INBOX",
        build_mail(
            sender="noreply-cases@hp.example",
            subject=f"Case 998877 opened [{case.number}]",
            body="Your case 998877 was assigned to an engineer.",
            message_id="<x.1@hp.example>",
        ),
    )
    # someone else using the tag is not taken for the vendor
    desk_on_imap.append(
        "INBOX",
        build_mail(
            sender="anna@romashka.example",
            subject=f"Fwd: [{case.number}] what is this?",
            message_id="<x.2@romashka.example>",
        ),
    )
    poll(django_capture_on_commit_callbacks)
    assert Entry.objects.get(email_message_id="<x.1@hp.example>").kind == EntryKind.VENDOR_MESSAGE
    assert Ticket.objects.get(pk=ticket.pk).status == Status.OPEN
    anna = Entry.objects.get(email_message_id="<x.2@romashka.example>")
    assert anna.kind == EntryKind.CUSTOMER_MESSAGE
    assert VendorCase.objects.get().status == CaseStatus.ANSWERED
