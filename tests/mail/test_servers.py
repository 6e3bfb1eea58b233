"""Against real servers: Dovecot (IMAP) in, aiosmtpd (SMTP) out.

The full round trip: a customer's mail is polled from IMAP → ticket → acknowledgement by SMTP →
an agent's reply goes out with threading headers → the customer's answer to that reply, polled
again, lands on the same ticket."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from imapclient import IMAPClient

from tests.mail.conftest import build_mail
from tierdesk.mail.models import ImapSecurity, InboundMessage, Mailbox
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import EntryKind, Status, Ticket

pytestmark = [pytest.mark.servers, pytest.mark.django_db]


def imap(server) -> IMAPClient:  # type: ignore[no-untyped-def]
    client = IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=10)
    client.login(server.user, server.password)
    return client


def imap_mailbox(server, **extra) -> Mailbox:  # type: ignore[no-untyped-def]
    return Mailbox.objects.create(
        name="support",
        address="support@desk.example",
        from_name="Desk Support",
        imap_host="127.0.0.1",
        imap_port=server.port,
        imap_security=ImapSecurity.NONE,
        imap_user=server.user,
        imap_password=server.password,
        **extra,
    )


def poll(capture) -> None:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        call_command("mail", "poll", "--once")


def test_round_trip_through_imap_and_smtp(
    dovecot, smtp_sink, desk, django_capture_on_commit_callbacks
):
    imap_mailbox(dovecot)
    client = imap(dovecot)
    first_id = "<question.1@romashka.example>"
    client.append("INBOX", build_mail(message_id=first_id))

    poll(django_capture_on_commit_callbacks)
    ticket = Ticket.objects.get()
    assert ticket.channel == "email"
    assert ticket.requester == desk.contact
    client.select_folder("INBOX")
    (uid,) = client.search(["ALL"])
    assert b"\\Seen" in client.get_flags([uid])[uid]  # marked only after the import committed

    # the acknowledgement went out through the real SMTP server
    (ack,) = smtp_sink.messages
    assert ack["In-Reply-To"] == first_id
    assert ack["Auto-Submitted"] == "auto-replied"
    assert f"[{ticket.number}]" in ack["Subject"]
    assert ack["To"] == "anna@romashka.example"

    # an internal note and a public reply: only the reply is mailed
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.add_note(ticket=ticket, actor=desk.agents[1], body="СЕКРЕТ: клиент должник")
        lifecycle.reply(
            ticket=ticket,
            actor=desk.agents[1],
            body="Выключите принтер на 30 секунд и включите снова.",
            new_status=Status.PENDING_CUSTOMER,
        )
    assert len(smtp_sink.messages) == 2
    reply = smtp_sink.messages[1]
    assert reply["In-Reply-To"] == first_id
    assert first_id in reply["References"]
    assert reply["Auto-Submitted"] is None  # a person wrote it
    assert f"[{ticket.number}]" in reply["Subject"]
    body = reply.get_body(("plain",)).get_content()
    assert "Выключите принтер" in body
    for sent in smtp_sink.messages:
        assert "СЕКРЕТ" not in sent.as_string()
        assert "должник" not in sent.get_body(("plain",)).get_content()

    # the customer answers the reply; his client threads by Message-ID
    client.append(
        "INBOX",
        build_mail(
            subject=f"Re: {reply['Subject']}",
            body="Спасибо, заработало!\n\n> Выключите принтер на 30 секунд",
            message_id="<answer.2@romashka.example>",
            in_reply_to=reply["Message-ID"],
            references=f"{reply['References']} {reply['Message-ID']}",
        ),
    )
    poll(django_capture_on_commit_callbacks)
    assert Ticket.objects.count() == 1
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN  # the customer's answer re-opened it
    messages = ticket.entries.filter(kind=EntryKind.CUSTOMER_MESSAGE).order_by("pk")
    assert [m.email_message_id for m in messages] == [first_id, "<answer.2@romashka.example>"]
    assert messages[1].data["mail"]["threaded"] == f"references {reply['Message-ID']}"
    assert messages[1].data["mail"]["quoted_from"] is not None
    assert len(smtp_sink.messages) == 2  # no acknowledgement for a follow-up

    # polling again finds nothing new; the same message appended twice imports once
    client.append("INBOX", build_mail(message_id="<answer.2@romashka.example>"))
    poll(django_capture_on_commit_callbacks)
    assert InboundMessage.objects.count() == 2
    client.select_folder("INBOX")
    assert client.search(["UNSEEN"]) == []
    client.logout()


def test_imported_mail_is_moved_to_the_processed_folder(
    dovecot, desk, django_capture_on_commit_callbacks
):
    imap_mailbox(dovecot, imap_processed_folder="Imported")
    client = imap(dovecot)
    for n in range(3):
        client.append("INBOX", build_mail(message_id=f"<m{n}@romashka.example>"))
    poll(django_capture_on_commit_callbacks)
    assert InboundMessage.objects.count() == 3
    client.select_folder("INBOX")
    assert client.search(["ALL"]) == []
    client.select_folder("Imported")
    assert len(client.search(["ALL"])) == 3
    client.logout()


def test_nothing_is_marked_when_the_import_cannot_store(
    dovecot, desk, settings, tmp_path, django_capture_on_commit_callbacks
):
    mailbox = imap_mailbox(dovecot)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data directory should be")
    settings.DATA_DIR = blocker  # writing raw mail fails: a temporary failure
    client = imap(dovecot)
    client.append("INBOX", build_mail(message_id="<kept@romashka.example>"))
    poll(django_capture_on_commit_callbacks)
    assert InboundMessage.objects.count() == 0
    mailbox.refresh_from_db()
    assert "cannot store" in mailbox.last_error
    client.select_folder("INBOX")
    assert len(client.search(["UNSEEN"])) == 1  # still there for the next pass
    settings.DATA_DIR = tmp_path / "data"
    poll(django_capture_on_commit_callbacks)
    assert InboundMessage.objects.count() == 1
    client.select_folder("INBOX")
    assert client.search(["UNSEEN"]) == []
    client.logout()


def test_the_worker_schedule_polls_imap(dovecot, desk, django_capture_on_commit_callbacks):
    from tierdesk.core import scheduling

    assert {"mail.poll", "mail.sweep_outbound"} <= {j.name for j in scheduling.registered_jobs()}
    imap_mailbox(dovecot)
    client = imap(dovecot)
    client.append("INBOX", build_mail(message_id="<scheduled@romashka.example>"))
    with django_capture_on_commit_callbacks(execute=True):
        started = scheduling.tick(worker="test-worker")  # what `tierdesk worker` does
    assert "mail.poll" in started
    assert InboundMessage.objects.get().message_id == "<scheduled@romashka.example>"
    client.logout()
