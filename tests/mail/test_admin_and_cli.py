"""The admin screens and the pipe command."""

from __future__ import annotations

import io
import sys

import pytest
from django.core.management import call_command

from tests.mail.conftest import build_mail
from tierdesk.mail.models import InboundMessage, InboundState, Mailbox


@pytest.fixture
def admin_client(client, desk):  # type: ignore[no-untyped-def]
    desk.admin.is_staff = desk.admin.is_superuser = True
    desk.admin.save()
    client.force_login(desk.admin)
    return client


@pytest.mark.django_db
def test_admin_lists_and_reprocesses_unprocessable_mail(admin_client, deliver, mailbox):
    broken = deliver(b"To: support@desk.example\nSubject: no sender\n\nhello").inbound
    assert broken.state == InboundState.UNPROCESSABLE
    page = admin_client.get("/admin/mail/inboundmessage/?state__exact=unprocessable")
    assert page.status_code == 200 and b"no sender" in page.content
    detail = admin_client.get(f"/admin/mail/inboundmessage/{broken.pk}/change/")
    assert b"has no sender address" in detail.content
    raw = admin_client.get(f"/admin/mail/inboundmessage/{broken.pk}/raw/")
    assert raw.content == b"To: support@desk.example\nSubject: no sender\n\nhello"
    # the cause (no sender) cannot be fixed by processing again: the action says so
    response = admin_client.post(
        "/admin/mail/inboundmessage/",
        {"action": "reprocess_messages", "_selected_action": [broken.pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert b"still unprocessable" in response.content
    for url in ("/admin/mail/mailbox/", f"/admin/mail/mailbox/{mailbox.pk}/change/"):
        assert admin_client.get(url).status_code == 200
    assert admin_client.get("/admin/mail/outboundmessage/").status_code == 200


@pytest.mark.django_db
def test_mailbox_password_is_kept_when_left_empty(admin_client, mailbox):
    mailbox.imap_password = "stored-secret"
    mailbox.save()
    page = admin_client.get(f"/admin/mail/mailbox/{mailbox.pk}/change/")
    assert b"stored-secret" not in page.content
    data = {
        "name": "support",
        "address": "support@desk.example",
        "is_active": "on",
        "imap_port": 993,
        "imap_security": "ssl",
        "imap_folder": "INBOX",
        "imap_password": "",
    }
    response = admin_client.post(f"/admin/mail/mailbox/{mailbox.pk}/change/", data)
    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.imap_password == "stored-secret"


@pytest.mark.django_db
def test_pipe_command_stores_from_stdin(
    mailbox, monkeypatch, capsys, django_capture_on_commit_callbacks
):
    raw = build_mail(message_id="<piped@romashka.example>")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    with pytest.raises(SystemExit) as exit_info, django_capture_on_commit_callbacks(execute=True):
        call_command("mail", "pipe", "--mailbox", "support")
    assert exit_info.value.code == 0
    inbound = InboundMessage.objects.get()
    assert inbound.state == InboundState.PROCESSED and inbound.source == "pipe"
    assert "stored as inbound message" in capsys.readouterr().out


@pytest.mark.django_db
def test_pipe_to_an_unknown_mailbox_is_a_temporary_failure(mailbox, tmp_path, capsys):
    message = tmp_path / "m.eml"
    message.write_bytes(build_mail())
    with pytest.raises(SystemExit) as exit_info:
        call_command("mail", "pipe", "--mailbox", "nope", "--file", str(message))
    assert exit_info.value.code == 75
    assert "no mailbox named 'nope'" in capsys.readouterr().err
    Mailbox.objects.update(is_active=False)
    with pytest.raises(SystemExit) as exit_info:
        call_command("mail", "pipe", "--mailbox", "support", "--file", str(message))
    assert exit_info.value.code == 75
    assert InboundMessage.objects.count() == 0


@pytest.mark.slow
@pytest.mark.django_db
def test_pipe_works_on_demo_data(tmp_path, capsys, django_capture_on_commit_callbacks):
    call_command("demo")
    mailbox = Mailbox.objects.get(name="support")
    states = sorted(InboundMessage.objects.values_list("state", flat=True))
    assert states == ["ignored", "processed", "unprocessable"]
    scanner = InboundMessage.objects.get(state="processed").ticket
    assert scanner.requester.email == "anna@demo.example"
    assert "Ошибка сканера" in scanner.entries.first().body_text  # windows-1251, readable
    call_command("demo")  # idempotent
    assert InboundMessage.objects.count() == 3
    message = tmp_path / "m.eml"
    message.write_bytes(build_mail(sender="anna@demo.example", message_id="<p@demo.example>"))
    with pytest.raises(SystemExit) as exit_info, django_capture_on_commit_callbacks(execute=True):
        call_command("mail", "pipe", "--mailbox", "support", "--file", str(message))
    assert exit_info.value.code == 0
    piped = InboundMessage.objects.get(message_id="<p@demo.example>")
    assert piped.mailbox == mailbox and piped.ticket.requester.email == "anna@demo.example"


@pytest.mark.django_db
def test_admin_speaks_russian(admin_client):
    page = admin_client.get("/admin/mail/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "Почтовые ящики" in page.content.decode()
    assert "Входящие письма" in page.content.decode()
