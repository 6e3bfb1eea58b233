"""Import through the public service: new tickets, threading, idempotency, loops."""

from __future__ import annotations

import pytest
from django.core import mail

from tests.mail.conftest import build_mail
from tierdesk.mail.models import InboundMessage, InboundState, OutboundMessage
from tierdesk.tickets.models import Entry, EntryKind, Status, Ticket


@pytest.mark.django_db
def test_new_mail_opens_a_ticket_and_is_acknowledged(deliver, desk):
    result = deliver(build_mail(message_id="<first@romashka.example>"))
    inbound = result.inbound
    assert inbound.state == InboundState.PROCESSED
    ticket = inbound.ticket
    assert ticket.subject == "Принтер не печатает"
    assert ticket.channel == "email"
    assert ticket.requester == desk.contact  # known address → existing contact
    assert ticket.team == desk.teams[1]  # the mailbox default
    entry = Entry.objects.get(ticket=ticket, kind=EntryKind.CUSTOMER_MESSAGE)
    assert "оранжевый индикатор" in entry.body_text
    assert entry.email_message_id == "<first@romashka.example>"
    assert inbound.acknowledged
    (ack,) = mail.outbox
    assert ack.to == ["anna@romashka.example"]
    assert ack.subject.startswith(f"[{ticket.number}] ")
    message = ack.message()
    assert message["In-Reply-To"] == "<first@romashka.example>"
    assert message["Auto-Submitted"] == "auto-replied"
    assert ticket.number in ack.body
    assert "Здравствуйте" in ack.body  # the contact writes Russian


@pytest.mark.django_db
def test_same_message_twice_makes_one_entry(deliver):
    raw = build_mail(message_id="<twice@romashka.example>")
    first = deliver(raw)
    second = deliver(raw)
    assert second.duplicate and second.inbound.pk == first.inbound.pk
    assert InboundMessage.objects.count() == 1
    assert Entry.objects.filter(email_message_id="<twice@romashka.example>").count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_without_message_id_the_content_hash_dedupes(deliver):
    raw = build_mail().replace(b"Message-ID:", b"X-Old-ID:")
    assert deliver(raw).inbound.dedupe_key.startswith("sha:")
    assert deliver(raw).duplicate
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_reply_threads_by_references_and_reopens(deliver, desk):
    ticket = deliver(build_mail(message_id="<root@romashka.example>")).inbound.ticket
    from tierdesk.tickets import lifecycle

    lifecycle.resolve(ticket=ticket, actor=desk.agents[1], resolution_code="solved")
    reply = build_mail(
        subject="Re: Принтер не печатает",
        body="Снова не печатает.",
        in_reply_to="<other@x>",
        references="<root@romashka.example> <other@x>",
    )
    result = deliver(reply)
    assert result.inbound.ticket == ticket
    ticket.refresh_from_db()
    assert ticket.status == Status.REOPENED
    assert ticket.entries.filter(kind=EntryKind.CUSTOMER_MESSAGE).count() == 2
    assert not result.inbound.acknowledged  # no acknowledgement for follow-up mail


@pytest.mark.django_db
def test_subject_tag_threads_only_for_participants(deliver, desk):
    ticket = deliver(build_mail()).inbound.ticket
    tagged = f"Re: [{ticket.number}] Принтер"
    own = deliver(build_mail(subject=tagged, body="Ещё информация"))
    assert own.inbound.ticket == ticket
    stranger = deliver(build_mail(sender="evil@other.example", subject=tagged, body="spam"))
    assert stranger.inbound.ticket != ticket
    assert "not a participant" in stranger.inbound.ticket.entries.first().data["mail"]["threaded"]


@pytest.mark.django_db
def test_mail_from_our_own_address_is_never_a_ticket(deliver):
    result = deliver(build_mail(sender="support@desk.example"))
    assert result.inbound.state == InboundState.IGNORED
    assert "loop" in result.inbound.note
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_new_sender_becomes_a_contact_of_his_organisation(deliver, desk):
    raw = build_mail(sender="Ivan Petrov <ivan@vector.example>", subject="Help", body="Hi")
    result = deliver(raw)
    contact = result.inbound.ticket.requester
    assert contact.email == "ivan@vector.example"
    assert contact.name == "Ivan Petrov"
    assert contact.organization == desk.other_org
    assert contact.language == "en"


@pytest.mark.django_db
def test_garbage_is_kept_as_unprocessable_and_reprocessable(deliver, settings):
    result = deliver(b"\x00\x01 this is not a mail message at all")
    inbound = result.inbound
    assert inbound.state == InboundState.UNPROCESSABLE
    assert inbound.error
    from tierdesk.mail import storage

    assert storage.read_raw(inbound.raw_path) == b"\x00\x01 this is not a mail message at all"
    assert OutboundMessage.objects.count() == 0
