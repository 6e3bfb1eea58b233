"""Loop and noise protection, attachments and inline images, through the importer."""

from __future__ import annotations

import base64

import pytest
from django.core import mail

from tests.mail.conftest import build_mail
from tierdesk.mail.models import InboundState, OutboundState
from tierdesk.tickets.models import Attachment, EntryKind, Status, Ticket

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)

OUT_OF_OFFICE = {"Auto-Submitted": "auto-replied", "X-Autoreply": "yes"}


@pytest.mark.django_db
def test_out_of_office_reply_is_recorded_on_the_ticket_but_never_answered(deliver, desk):
    first = deliver(build_mail(message_id="<q@romashka.example>"))
    ticket = first.inbound.ticket
    from tierdesk.tickets import lifecycle

    lifecycle.resolve(ticket=ticket, actor=desk.agents[1], resolution_code="solved")
    sent_before = len(mail.outbox)
    ooo = deliver(
        build_mail(
            subject="Автоматический ответ: Принтер не печатает",
            body="Я в отпуске до 10 декабря.",
            in_reply_to="<q@romashka.example>",
            headers=OUT_OF_OFFICE,
        )
    )
    assert ooo.inbound.state == InboundState.PROCESSED
    assert ooo.inbound.ticket == ticket
    assert "auto_reply" in ooo.inbound.auto_reason
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED  # an auto-reply does not reopen
    assert ticket.entries.filter(kind=EntryKind.CUSTOMER_MESSAGE).count() == 1
    event = ticket.entries.filter(kind=EntryKind.SYSTEM_EVENT).last()
    assert "Automatic reply" in event.body_text and not event.is_public
    assert len(mail.outbox) == sent_before  # nothing answers a robot


@pytest.mark.django_db
def test_unthreaded_auto_reply_makes_no_ticket(deliver):
    result = deliver(build_mail(subject="Out of Office", headers=OUT_OF_OFFICE))
    assert result.inbound.state == InboundState.IGNORED
    assert Ticket.objects.count() == 0
    assert not mail.outbox


@pytest.mark.django_db
def test_bulk_mail_opens_a_ticket_without_acknowledgement(deliver):
    result = deliver(
        build_mail(
            sender="zabbix@romashka.example",
            subject="PROBLEM: disk full on srv1",
            headers={"Auto-Submitted": "auto-generated"},
        )
    )
    assert result.inbound.ticket is not None
    assert not result.inbound.acknowledged
    assert "not acknowledged" in result.inbound.note
    assert not mail.outbox


@pytest.mark.django_db
def test_bounce_of_our_mail_marks_it_bounced(deliver):
    ticket = deliver(build_mail()).inbound.ticket
    (ack_row,) = ticket.outbound_messages.all()
    bounce = (
        "From: MAILER-DAEMON@mx.romashka.example\n"
        "To: support@desk.example\nSubject: Undelivered Mail Returned to Sender\n"
        "Message-ID: <bounce.1@mx.romashka.example>\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\n\n'
        "--r\nContent-Type: text/plain\n\nThe mail system: user unknown.\n"
        "--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx\n\n"
        "Final-Recipient: rfc822; anna@romashka.example\nAction: failed\nStatus: 5.1.1\n"
        "--r\nContent-Type: text/rfc822-headers\n\n"
        f"Message-ID: {ack_row.message_id}\nSubject: {ack_row.subject}\n"
        "--r--\n"
    ).encode()
    result = deliver(bounce)
    assert result.inbound.ticket == ticket
    ack_row.refresh_from_db()
    assert ack_row.state == OutboundState.BOUNCED
    assert ticket.entries.filter(
        kind=EntryKind.SYSTEM_EVENT, body_text__contains="Delivery"
    ).exists()
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_acknowledgements_to_one_sender_are_rate_limited(deliver):
    results = [deliver(build_mail(subject=f"Вопрос {n}", body=f"Текст {n}")) for n in range(8)]
    assert Ticket.objects.count() == 8  # every message is kept and becomes a ticket …
    acknowledged = [r.inbound.acknowledged for r in results]
    assert acknowledged == [True] * 5 + [False] * 3  # … but the storm gets 5 answers
    assert "rate limit" in results[-1].inbound.note
    assert len(mail.outbox) == 5


@pytest.mark.django_db
def test_inline_images_are_stored_and_shown(deliver, desk, client):
    result = deliver(
        build_mail(
            html='<p>Вот ошибка:</p><img src="cid:shot1@romashka.example">',
            images={"shot1@romashka.example": PNG},
        )
    )
    entry = result.inbound.entry
    (image,) = Attachment.objects.filter(entry=entry)
    assert image.is_inline and image.content_id == "shot1@romashka.example"
    assert "cid:" not in entry.body_html
    url = f"/mail/inline/{image.pk}/{image.sha256[:16]}/"
    assert f'src="{url}"' in entry.body_html
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(desk.agents[1])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert client.get(f"/mail/inline/{image.pk}/{'0' * 16}/").status_code == 404
    client.force_login(desk.other_contact.user)  # a customer of another organisation
    assert client.get(url).status_code == 404
    client.force_login(desk.contact.user)  # the requester
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_attachments_get_safe_names_and_oversized_ones_stay_in_the_raw_mail(deliver, settings):
    settings.TIERDESK = {**settings.TIERDESK, "MAX_ATTACHMENT_BYTES": 1000}
    body = (
        b"--b\nContent-Type: text/plain; charset=utf-8\n\nSee the files\n"
        b"--b\nContent-Type: text/plain\n"
        b'Content-Disposition: attachment; filename="../../etc/passwd"\n\nroot:x:0:0\n'
        b"--b\nContent-Type: application/octet-stream\n"
        b'Content-Disposition: attachment; filename="big.bin"\n'
        b"Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(b"x" * 5000) + b"--b--\n"
    )
    raw = (
        b"From: anna@romashka.example\nTo: support@desk.example\nSubject: files\n"
        b"Message-ID: <files@romashka.example>\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="b"\n\n' + body
    )
    result = deliver(raw)
    names = list(Attachment.objects.values_list("filename", flat=True))
    assert names == ["passwd"]
    assert any("big.bin" in p and "raw message" in p for p in result.inbound.problems)
    stored = Attachment.objects.get()
    assert stored.file.name.startswith("attachments/") and "/../" not in stored.file.name
    assert stored.file.read() == b"root:x:0:0"


@pytest.mark.django_db
def test_reprocess_after_a_fix(deliver, mailbox):
    from tierdesk.mail.importer import reprocess

    # no From at all: kept as unprocessable, shown to admins
    raw = b"To: support@desk.example\nSubject: who am I\nMessage-ID: <anon@x>\n\nhello"
    result = deliver(raw)
    assert result.inbound.state == InboundState.UNPROCESSABLE
    assert "sender" in result.inbound.error
    again = reprocess(inbound=result.inbound)
    assert again.inbound.state == InboundState.UNPROCESSABLE  # still no sender
    assert Ticket.objects.count() == 0
