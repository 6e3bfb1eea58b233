"""Fixtures for the e-mail channel: a mailbox and a builder of raw messages."""

from __future__ import annotations

import email.utils
import itertools
from collections.abc import Callable
from email.header import Header
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest

from tierdesk.mail.importer import ImportResult, import_message
from tierdesk.mail.models import Mailbox

_counter = itertools.count(1)


@pytest.fixture
def mailbox(desk):  # type: ignore[no-untyped-def]
    return Mailbox.objects.create(
        name="support",
        address="support@desk.example",
        from_name="Desk Support",
        default_team=desk.teams[1],
    )


def build_mail(
    *,
    sender: str = "Анна <anna@romashka.example>",
    to: str = "support@desk.example",
    subject: str = "Принтер не печатает",
    body: str = "Добрый день! Принтер не печатает, горит оранжевый индикатор.",
    charset: str = "utf-8",
    message_id: str | None = None,
    in_reply_to: str = "",
    references: str = "",
    html: str = "",
    headers: dict[str, str] | None = None,
    images: dict[str, bytes] | None = None,
) -> bytes:
    """A raw RFC 822 message as a real mail client would send it."""
    text_part = MIMEText(body, "plain", charset)
    if html or images:
        root = MIMEMultipart("related") if images else MIMEMultipart("alternative")
        if images:
            alt = MIMEMultipart("alternative")
            alt.attach(text_part)
            alt.attach(MIMEText(html, "html", charset))
            root.attach(alt)
            for cid, data in images.items():
                image = MIMEImage(data, "png")
                image["Content-ID"] = f"<{cid}>"
                image.add_header("Content-Disposition", "inline", filename=f"{cid}.png")
                root.attach(image)
        else:
            root.attach(text_part)
            root.attach(MIMEText(html, "html", charset))
        msg = root
    else:
        msg = text_part
    name, address = email.utils.parseaddr(sender)
    msg["From"] = email.utils.formataddr((name, address), charset) if name else address
    msg["To"] = to
    msg["Subject"] = Header(subject, charset)
    msg["Date"] = email.utils.formatdate(localtime=True)
    msg["Message-ID"] = message_id or f"<test.{next(_counter)}.{id(msg)}@romashka.example>"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    for name, value in (headers or {}).items():
        msg[name] = value
    return msg.as_bytes()


@pytest.fixture
def deliver(mailbox, django_capture_on_commit_callbacks) -> Callable[..., ImportResult]:  # type: ignore[no-untyped-def]
    """Import one raw message into the mailbox and run what commits trigger (mail jobs)."""

    def _deliver(raw: bytes, *, box: Mailbox | None = None) -> ImportResult:
        with django_capture_on_commit_callbacks(execute=True):
            return import_message(raw=raw, mailbox=box or mailbox, source="test", fsync=False)

    return _deliver


@pytest.fixture
def smtp_sink(settings):  # type: ignore[no-untyped-def]
    """A real SMTP server (aiosmtpd) on a free loopback port; EMAIL_* point at it."""
    from tests.mail.servers import SmtpSink

    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield sink


@pytest.fixture
def dovecot():  # type: ignore[no-untyped-def]
    """Dovecot IMAP with a throwaway config on a free loopback port."""
    from tests.conftest import require_server
    from tests.mail.servers import dovecot_available, run_dovecot

    require_server("Dovecot (dovecot-imapd)", dovecot_available())
    with run_dovecot() as server:
        yield server
