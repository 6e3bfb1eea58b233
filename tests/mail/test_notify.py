"""Customer mail on lifecycle events: which events mail, in which language, never notes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from tests.mail.conftest import build_mail
from tierdesk.mail.models import OutboundMessage
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import Status


@pytest.fixture
def ticket(deliver):  # type: ignore[no-untyped-def]
    t = deliver(build_mail(message_id="<start@romashka.example>")).inbound.ticket
    mail.outbox.clear()
    return t


def sent_kinds() -> list[str]:
    return list(OutboundMessage.objects.order_by("pk").values_list("kind", flat=True))


@pytest.mark.django_db
def test_public_reply_is_mailed_and_notes_are_not(ticket, desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.add_note(ticket=ticket, actor=desk.agents[1], body="Внутреннее: не говорить")
        lifecycle.reply(ticket=ticket, actor=desk.agents[1], body="Замените картридж.")
    (reply,) = mail.outbox
    assert "Замените картридж." in reply.body
    assert "Внутреннее" not in reply.body
    assert all("Внутреннее" not in str(a[0]) for a in reply.alternatives)
    assert reply.extra_headers["In-Reply-To"] == "<start@romashka.example>"
    assert "<start@romashka.example>" in reply.extra_headers["References"]
    assert reply.subject == f"[{ticket.number}] {ticket.subject}"
    assert "Auto-Submitted" not in reply.extra_headers


@pytest.mark.django_db
def test_resolution_mail_links_to_the_rating(ticket, desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.resolve(ticket=ticket, actor=desk.agents[1], resolution_code="solved")
    assert sent_kinds()[-1] == "resolution"
    (resolved,) = mail.outbox
    assert f"/portal/tickets/{ticket.number}/rate/" in resolved.body
    assert "решена" in resolved.subject
    assert resolved.extra_headers["Auto-Submitted"] == "auto-replied"


@pytest.mark.django_db
def test_status_mail_only_when_nothing_else_tells_the_customer(
    ticket, desk, django_capture_on_commit_callbacks
):
    agent = desk.agents[1]
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.reply(
            ticket=ticket, actor=agent, body="Пришлите фото.", new_status=Status.PENDING_CUSTOMER
        )
    assert sent_kinds()[-1] == "reply"  # the reply says it, no extra status mail
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.change_status(ticket=ticket, actor=agent, status=Status.OPEN)
        lifecycle.change_status(ticket=ticket, actor=agent, status=Status.PENDING_CUSTOMER)
    assert sent_kinds()[-1] == "status"
    assert "ожидает вашего ответа" in mail.outbox[-1].subject
    count = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):  # the customer answers: no mail
        lifecycle.add_customer_message(
            ticket=ticket, contact=desk.contact, body="Вот", channel="email"
        )
    assert len(mail.outbox) == count


@pytest.mark.django_db
def test_english_contact_gets_english_mail(deliver, desk, django_capture_on_commit_callbacks):
    desk.contact.language = "en"
    desk.contact.save()
    ticket = deliver(build_mail(subject="Printer", body="It does not print.")).inbound.ticket
    assert "We received your request" in mail.outbox[-1].subject
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.resolve(ticket=ticket, actor=desk.agents[1], resolution_code="workaround")
    assert "Request resolved" in mail.outbox[-1].subject
    assert "Workaround provided" in mail.outbox[-1].body


@pytest.mark.django_db
def test_history_written_as_of_the_past_sends_nothing(desk, django_capture_on_commit_callbacks):
    from tierdesk.core import clock

    with django_capture_on_commit_callbacks(execute=True):
        with clock.as_of(timezone.now() - dt.timedelta(days=30)):
            old = desk.ticket()
            lifecycle.reply(ticket=old, actor=desk.agents[1], body="old answer")
            lifecycle.resolve(ticket=old, actor=desk.agents[1], resolution_code="solved")
    assert OutboundMessage.objects.count() == 0
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1)):
        with django_capture_on_commit_callbacks(execute=True):
            lifecycle.reopen(ticket=old, actor=desk.agents[1], reason="again")
    assert sent_kinds() == ["status"]
