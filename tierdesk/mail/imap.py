"""IMAP polling (imapclient). A message is marked (\\Seen) or moved on the server only after
its import has committed; a crash in between means it is fetched again and recognised as a
duplicate, so nothing is lost and nothing is imported twice."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import ssl

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from tierdesk.core import clock
from tierdesk.mail.importer import TemporaryFailure, import_message
from tierdesk.mail.models import ImapSecurity, Mailbox

log = logging.getLogger(__name__)

BATCH = 200  # messages per mailbox per pass; the next pass continues
TIMEOUT = 60


@dataclasses.dataclass
class PollReport:
    mailbox: str
    found: int = 0
    imported: int = 0
    duplicates: int = 0
    unprocessable: int = 0
    error: str = ""

    def __str__(self) -> str:
        text = (
            f"{self.mailbox}: {self.found} new on the server, {self.imported} imported, "
            f"{self.duplicates} already known, {self.unprocessable} unprocessable"
        )
        return text + (f"; error: {self.error}" if self.error else "")


def connect(mailbox: Mailbox) -> IMAPClient:
    security = mailbox.imap_security
    context = ssl.create_default_context()
    client = IMAPClient(
        mailbox.imap_host,
        port=mailbox.imap_port,
        ssl=security == ImapSecurity.SSL,
        ssl_context=context if security == ImapSecurity.SSL else None,
        timeout=TIMEOUT,
    )
    if security == ImapSecurity.STARTTLS:
        client.starttls(context)
    client.login(mailbox.imap_user, mailbox.imap_password)
    return client


def poll_mailbox(mailbox: Mailbox, *, limit: int = BATCH) -> PollReport:
    report = PollReport(mailbox=mailbox.name)
    try:
        client = connect(mailbox)
    except (IMAPClientError, OSError) as exc:
        report.error = f"cannot connect: {exc}"
        _remember(mailbox, report)
        return report
    try:
        _poll(client, mailbox, report, limit)
    except TemporaryFailure as exc:
        report.error = f"import paused, retried next pass: {exc}"
    except (IMAPClientError, OSError) as exc:
        report.error = f"IMAP error: {exc}"
    finally:
        with contextlib.suppress(IMAPClientError, OSError):
            client.logout()
    _remember(mailbox, report)
    return report


def _poll(client: IMAPClient, mailbox: Mailbox, report: PollReport, limit: int) -> None:
    move_to = mailbox.imap_processed_folder.strip()
    if move_to and not client.folder_exists(move_to):
        client.create_folder(move_to)
    client.select_folder(mailbox.imap_folder or "INBOX")
    uids = client.search(["NOT", "DELETED"] if move_to else ["UNSEEN", "NOT", "DELETED"])
    report.found = len(uids)
    can_move = client.has_capability("MOVE")
    for uid in sorted(uids)[:limit]:
        fetched = client.fetch([uid], ["BODY.PEEK[]"])
        data = fetched.get(uid, {})
        raw = data.get(b"BODY[]")
        if raw is None:
            continue
        result = import_message(raw=bytes(raw), mailbox=mailbox, source="imap")
        if result.duplicate:
            report.duplicates += 1
        elif result.state == "unprocessable":
            report.unprocessable += 1
        else:
            report.imported += 1
        # the import has committed: only now tell the server
        if move_to:
            if can_move:
                client.move([uid], move_to)
            else:
                client.copy([uid], move_to)
                client.delete_messages([uid])
                if client.has_capability("UIDPLUS"):
                    client.uid_expunge([uid])
                else:
                    client.expunge()
        else:
            client.add_flags([uid], [b"\\Seen"])


def _remember(mailbox: Mailbox, report: PollReport) -> None:
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_polled_at=clock.now(), last_error=report.error[:2000]
    )
    if report.error:
        log.warning("polling %s: %s", mailbox.name, report.error)


def poll_all(*, only: str | None = None) -> list[PollReport]:
    mailboxes = Mailbox.objects.filter(is_active=True).exclude(imap_host="").order_by("name")
    if only:
        mailboxes = mailboxes.filter(name=only)
    return [poll_mailbox(mailbox) for mailbox in mailboxes]
