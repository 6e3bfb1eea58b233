"""Demo data of the e-mail channel: the ``support`` mailbox (DESIGN §7: ``tierdesk mail pipe
--mailbox support`` works on demo data) and a few messages imported through the real importer:
a request in windows-1251, an out-of-office reply and a message that is no mail at all (shown
to admins as unprocessable, with the re-process action). Idempotent: mailbox by name, messages
by Message-ID / content hash."""

from __future__ import annotations

from email.mime.text import MIMEText
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings

from tierdesk.mail.importer import import_message
from tierdesk.mail.models import Mailbox
from tierdesk.tiers.models import Team


def _mail(
    *, sender: tuple[str, str], subject: str, body: str, message_id: str, charset: str = "utf-8"
) -> bytes:
    msg = MIMEText(body, "plain", charset)
    msg["From"] = formataddr(sender, charset)
    msg["To"] = "support@tierdesk.local"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    msg["Date"] = "Mon, 23 Nov 2026 09:15:00 +0300"
    return msg.as_bytes()


def load(ctx: dict[str, Any]) -> None:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "support@tierdesk.local"
    mailbox, _ = Mailbox.objects.get_or_create(
        name="support",
        defaults={
            "address": address,
            "from_name": "Служба поддержки tierdesk",
            "default_team": Team.objects.filter(name="L1 Service Desk").first(),
        },
    )
    ctx["mailbox"] = mailbox
    samples = [
        _mail(
            sender=("Анна Смирнова", "anna@demo.example"),
            subject="Не работает сканер на МФУ в бухгалтерии",
            body=(
                "Добрый день!\n\nС утра МФУ в бухгалтерии печатает, но не сканирует: "
                "на экране «Ошибка сканера 0x61».\nПерезагрузка не помогла.\n\n"
                "Анна Смирнова, бухгалтерия"
            ),
            message_id="<demo-scanner.1@demo.example>",
            charset="windows-1251",
        ),
        _mail(
            sender=("Борис Кузнецов", "boris@demo.example"),
            subject="Автоматический ответ: Обновление VPN-клиента",
            body="Я в отпуске до 1 декабря. По срочным вопросам пишите Анне.",
            message_id="<demo-ooo.1@demo.example>",
        ).replace(b"Subject:", b"Auto-Submitted: auto-replied\nSubject:", 1),
        b"\x00\x01\x02 this upload was no e-mail at all",
    ]
    for raw in samples:
        import_message(raw=raw, mailbox=mailbox, source="demo", fsync=False)
