"""The outbox: queue_mail stores, the job sends with threading headers and retries."""

from __future__ import annotations

import pytest
from django.core import mail

from tierdesk.core.errors import InvalidInput
from tierdesk.mail.models import Mailbox, OutboundMessage, OutboundState
from tierdesk.mail.outbound import queue_mail, ticket_subject


@pytest.mark.django_db
def test_queue_mail_sends_after_commit_with_headers(desk, django_capture_on_commit_callbacks):
    Mailbox.objects.create(name="support", address="support@desk.example", from_name="Desk")
    ticket = desk.ticket()
    with django_capture_on_commit_callbacks(execute=True):
        row = queue_mail(
            to=["Vendor <help@vendor.example>"],
            subject=ticket_subject(ticket, "Printer"),
            text="Hello",
            html="<p>Hello</p>",
            ticket=ticket,
            kind="vendor",
            in_reply_to="<a@x>",
            references=["<root@x>"],
            auto_submitted=True,
            related_object=desk.vendor,
            extra_headers={"X-Vendor-Case": "VC-1"},
        )
        assert not [m for m in mail.outbox if m.extra_headers["Message-ID"] == row.message_id]
    row.refresh_from_db()
    assert row.state == OutboundState.SENT
    sent = [m for m in mail.outbox if m.extra_headers["Message-ID"] == row.message_id]
    assert len(sent) == 1
    message = sent[0].message()
    assert message["Message-ID"] == row.message_id
    assert row.message_id.endswith("@desk.example>")
    assert message["In-Reply-To"] == "<a@x>"
    assert message["References"] == "<root@x> <a@x>"
    assert message["Auto-Submitted"] == "auto-replied"
    assert message["X-Vendor-Case"] == "VC-1"
    assert message["X-Tierdesk-Ticket"] == ticket.number
    assert message["Subject"] == f"[{ticket.number}] Printer"
    assert "Desk <support@desk.example>" in message["From"]
    assert row.related_id == str(desk.vendor.pk)


@pytest.mark.django_db
def test_queue_mail_refuses_bad_input_and_writes_nothing():
    for kwargs in (
        {"to": ["not an address"]},
        {"to": []},
        {"subject": "  "},
        {"text": ""},
        {"kind": "nonsense"},
    ):
        params = {"to": ["a@b.example"], "subject": "S", "text": "T", "kind": "other", **kwargs}
        with pytest.raises(InvalidInput):
            queue_mail(**params)
    assert OutboundMessage.objects.count() == 0


@pytest.mark.django_db
def test_dedupe_key_makes_queue_mail_idempotent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_mail(to=["a@b.example"], subject="S", text="T", kind="sla", dedupe_key="k1")
        again = queue_mail(to=["a@b.example"], subject="S", text="T", kind="sla", dedupe_key="k1")
    assert first.pk == again.pk
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_failed_send_is_retried_by_the_sweep(settings, django_capture_on_commit_callbacks):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from tierdesk.mail.tasks import sweep_outbound

    # nothing listens on port 9 (discard) of loopback: the connection is refused
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with django_capture_on_commit_callbacks(execute=True):
        row = queue_mail(to=["a@b.example"], subject="S", text="T", kind="other")
    row.refresh_from_db()
    assert row.state == OutboundState.QUEUED
    assert row.attempts == 1
    assert "Connection" in row.last_error or "refused" in row.last_error.lower()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert sweep_outbound.enqueue().return_value == 0  # not due yet
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        assert sweep_outbound.enqueue().return_value == 1
    row.refresh_from_db()
    assert row.state == OutboundState.SENT
    assert row.attempts == 2
    assert len(mail.outbox) == 1
