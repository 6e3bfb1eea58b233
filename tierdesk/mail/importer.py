"""Importing one inbound message: lossless, idempotent, one transaction (DESIGN §4).

``import_message`` is the single entry point for the pipe command, IMAP polling, batch import
and the benchmark:

1. the raw bytes are written to disk (content-addressed, atomic) — a disk error is a
   :class:`TemporaryFailure`, so the MTA or the IMAP server keeps the message;
2. the de-duplication key is the Message-ID (else the SHA-256 of the bytes); a message already
   imported is not imported again;
3. the message is parsed (pure code); bytes that are no message at all are recorded as
   ``unprocessable`` and shown to admins, never dropped;
4. in ONE transaction: the InboundMessage row (unique key), inbound routers, loop and
   auto-reply rules, threading, the contact, the lifecycle call, attachments and the
   acknowledgement. A crash anywhere rolls all of it back, so a retry imports the message
   exactly once. Database trouble is a :class:`TemporaryFailure`; any other error marks the
   message ``unprocessable`` (with the error) in a second transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import re
import traceback

from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, transaction
from django.urls import reverse

from tierdesk.core import clock
from tierdesk.core.errors import DomainError
from tierdesk.customers.models import Contact
from tierdesk.customers.services import get_or_create_contact_by_email
from tierdesk.mail import storage
from tierdesk.mail.conversation import find_ticket, strip_ticket_tags
from tierdesk.mail.models import (
    InboundMessage,
    InboundState,
    Mailbox,
    OutboundMessage,
    OutboundState,
)
from tierdesk.mail.outbound import our_addresses, queue_mail
from tierdesk.mail.parsing import ParsedMessage, ParseError, parse_message, read_message_id
from tierdesk.mail.parsing.autodetect import AUTO_REPLY, BOUNCE
from tierdesk.mail.routing import find_outbound_for_reply, inbound_routers, router_name
from tierdesk.tickets import lifecycle
from tierdesk.tickets.attachments import max_attachment_bytes, store_attachment
from tierdesk.tickets.models import Attachment, Entry, EntryKind, Ticket

log = logging.getLogger(__name__)

ACK_LIMIT_PER_HOUR = 5  # acknowledgements to one sender per hour; more is a loop or a storm
_CYRILLIC = re.compile(r"[а-яё]", re.I)
_OUR_MESSAGE_ID = re.compile(r"^<td\.[0-9a-f]{32}@")  # outbound.make_message_id


class TemporaryFailure(Exception):
    """The message could not be stored now (database or disk); the sender should retry."""


@dataclasses.dataclass(frozen=True)
class ImportResult:
    inbound: InboundMessage
    duplicate: bool = False

    @property
    def state(self) -> str:
        return self.inbound.state


def dedupe_key(message_id: str, sha256: str) -> str:
    if message_id:
        return "mid:" + hashlib.sha256(message_id.encode("utf-8", "replace")).hexdigest()
    return "sha:" + sha256


def import_message(
    *, raw: bytes, mailbox: Mailbox | None, source: str = "pipe", fsync: bool = True
) -> ImportResult:
    """Store, de-duplicate, parse and process one RFC 822 message. Raises TemporaryFailure
    when nothing durable could be written; otherwise the message is recorded (exactly once)."""
    try:
        sha256, rel = storage.store_raw(raw, fsync=fsync)
    except OSError as exc:
        raise TemporaryFailure(f"cannot store the raw message: {exc}") from exc
    try:
        message_id = read_message_id(raw)
        # no look-up first: the unique key decides inside the transaction (one query less
        # per message, and two importers racing for one message cannot both win)
        row = InboundMessage(
            mailbox=mailbox,
            source=source[:16],
            dedupe_key=dedupe_key(message_id, sha256),
            message_id=message_id[:998],
            sha256=sha256,
            raw_path=rel,
            size=len(raw),
            received_at=clock.now(),
        )
        return _parse_and_process(row, raw)
    except (OperationalError, InterfaceError) as exc:
        raise TemporaryFailure(f"database unavailable: {exc}") from exc


def reprocess(*, inbound: InboundMessage) -> ImportResult:
    """Process a stored message again (admin action for unprocessable mail, after a fix)."""
    if inbound.state in (InboundState.PROCESSED,):
        return ImportResult(inbound, duplicate=True)
    try:
        raw = storage.read_raw(inbound.raw_path)
    except (OSError, ValueError) as exc:
        InboundMessage.objects.filter(pk=inbound.pk).update(error=f"raw file unreadable: {exc}")
        inbound.refresh_from_db()
        return ImportResult(inbound)
    inbound.state = InboundState.RECEIVED
    inbound.error = ""
    inbound.problems = []
    return _parse_and_process(inbound, raw)


def _parse_and_process(row: InboundMessage, raw: bytes) -> ImportResult:
    try:
        parsed = parse_message(raw)
    except ParseError as exc:
        return _record_unprocessable(row, f"not a mail message: {exc}", [])
    except Exception as exc:  # a parser bug must not lose the message
        log.exception("parsing inbound message %s failed", row.dedupe_key)
        return _record_unprocessable(row, f"parser error: {exc}\n{traceback.format_exc()}", [])
    try:
        with transaction.atomic():
            claimed = _claim(row)
            if claimed is None:
                current = InboundMessage.objects.get(dedupe_key=row.dedupe_key)
                return ImportResult(current, duplicate=True)
            _process(claimed, parsed)
            return ImportResult(claimed)
    except (OperationalError, InterfaceError):
        raise
    except DomainError as exc:
        return _record_unprocessable(row, exc.message, parsed.problems, parsed)
    except DatabaseError as exc:
        log.exception("inbound message %s hit a database error", row.dedupe_key)
        return _record_unprocessable(row, f"database error: {exc}", parsed.problems, parsed)
    except Exception as exc:
        log.exception("processing inbound message %s failed", row.dedupe_key)
        error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
        return _record_unprocessable(row, error, parsed.problems, parsed)


def _claim(row: InboundMessage) -> InboundMessage | None:
    """Insert (or lock) the row inside the transaction; None when someone else imported the
    message in the meantime."""
    if row.pk is None:
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            return None
        return row
    locked = InboundMessage.objects.select_for_update().get(pk=row.pk)
    if locked.state == InboundState.PROCESSED:
        return None
    locked.state = InboundState.RECEIVED
    locked.error = ""
    return locked


def _fill_from_parsed(row: InboundMessage, parsed: ParsedMessage | None) -> None:
    if parsed is None:
        return
    row.from_email = parsed.from_email[:320]
    row.subject = parsed.subject[:500]
    row.message_id = row.message_id or parsed.message_id[:998]
    row.auto_reason = (f"{parsed.auto_kind}: {parsed.auto_reason}" if parsed.is_auto else "")[:200]
    row.problems = list(parsed.problems)[:50]


def _record_unprocessable(
    row: InboundMessage, error: str, problems: list[str], parsed: ParsedMessage | None = None
) -> ImportResult:
    with transaction.atomic():
        existing = (
            InboundMessage.objects.select_for_update().filter(dedupe_key=row.dedupe_key).first()
        )
        if existing is not None and existing.pk != row.pk:
            return ImportResult(existing, duplicate=True)  # imported before (or meanwhile)
        target = existing or row
        _fill_from_parsed(target, parsed)
        target.state = InboundState.UNPROCESSABLE
        target.error = error[:20000]
        target.problems = list(problems)[:50]
        target.processed_at = clock.now()
        target.ticket = None
        target.entry = None
        target.save()
    log.warning("inbound message %s is unprocessable: %s", target.pk, error.splitlines()[0])
    return ImportResult(target)


# ------------------------------------------------------------------ processing


def _process(row: InboundMessage, parsed: ParsedMessage) -> None:
    _fill_from_parsed(row, parsed)
    mailbox = row.mailbox
    now = clock.now()
    row.processed_at = now

    loop = _own_mail(parsed)
    if loop:
        _finish(row, InboundState.IGNORED, loop)
        return

    for router in inbound_routers():
        if router(parsed, row, mailbox):
            row.routed_by = router_name(router)
            _finish(row, InboundState.PROCESSED, f"handled by {row.routed_by}")
            return

    if not parsed.from_email:
        raise DomainError("The message has no sender address (From); no ticket can be opened.")

    ticket, how = find_ticket(parsed)

    if parsed.is_auto and parsed.auto_kind in (BOUNCE, AUTO_REPLY):
        _record_automatic(row, parsed, ticket)
        return

    contact = get_or_create_contact_by_email(
        email=parsed.from_email,
        name=parsed.from_name,
        language="ru" if _CYRILLIC.search(parsed.subject + parsed.text[:2000]) else "en",
    )
    entry_data = {
        "mail": {
            "inbound_id": row.pk,
            "quoted_from": parsed.quoted_from,
            "problems": parsed.problems[:20],
            "auto": row.auto_reason,
            "threaded": how,
        }
    }
    headers = {**parsed.headers, "mailbox": mailbox.name if mailbox else ""}
    if ticket is not None:
        entry = lifecycle.add_customer_message(
            ticket=ticket,
            contact=contact,
            body=parsed.text,
            body_html=parsed.html,
            channel="email",
            email_message_id=parsed.message_id,
            email_headers=headers,
            entry_data=entry_data,
        )
        new_ticket = entry.ticket_id != ticket.pk  # a follow-up of a closed ticket
        target = Ticket.objects.get(pk=entry.ticket_id) if new_ticket else ticket
    else:
        target = lifecycle.create_ticket(
            subject=_ticket_subject(parsed),
            body=parsed.text,
            body_html=parsed.html,
            requester=contact,
            channel="email",
            category=mailbox.default_category if mailbox else None,
            team=mailbox.default_team if mailbox else None,
            language=contact.language,
            email_message_id=parsed.message_id,
            email_headers=headers,
            entry_data=entry_data,
        )
        entry = Entry.objects.get(ticket=target, kind=EntryKind.CUSTOMER_MESSAGE)
        new_ticket = True

    notes = store_parsed_attachments(ticket=target, entry=entry, message=parsed)
    if notes:
        row.problems = [*row.problems, *notes][:50]
    row.ticket = target
    row.entry = entry
    outcome = f"new ticket {target.number}" if new_ticket else f"added to {target.number} ({how})"
    if new_ticket:
        outcome += _acknowledge(row, parsed, target, contact, mailbox, now)
    _finish(row, InboundState.PROCESSED, outcome)


_MUTABLE = [
    "from_email", "subject", "message_id", "auto_reason", "problems", "state", "note", "error",
    "routed_by", "ticket", "entry", "acknowledged", "processed_at",
]  # fmt: skip


def _finish(row: InboundMessage, state: str, note: str) -> None:
    row.state = state
    row.note = note[:500]
    row.save(update_fields=_MUTABLE)


def _ticket_subject(parsed: ParsedMessage) -> str:
    subject = strip_ticket_tags(parsed.subject)
    if subject:
        return subject
    first_line = next((ln.strip() for ln in parsed.text.splitlines() if ln.strip()), "")
    return first_line[:120] or "(no subject)"


def _own_mail(parsed: ParsedMessage) -> str:
    """Why this is our own mail coming back (never a new ticket), or ""."""
    if parsed.from_email and parsed.from_email.lower() in our_addresses():
        return f"sent from our own address {parsed.from_email} (mail loop)"
    if (
        _OUR_MESSAGE_ID.match(parsed.message_id)  # only our own format can be ours: no query
        and OutboundMessage.objects.filter(message_id=parsed.message_id).exists()
    ):
        return "a copy of a message tierdesk sent (mail loop)"
    return ""


def _record_automatic(row: InboundMessage, parsed: ParsedMessage, ticket: Ticket | None) -> None:
    """Bounces and auto-replies are kept and shown on the ticket they concern, but they never
    reopen it, never open a ticket and are never answered."""
    if parsed.auto_kind == BOUNCE:
        original = find_outbound_for_reply(parsed)
        if original is not None:
            OutboundMessage.objects.filter(pk=original.pk).update(
                state=OutboundState.BOUNCED, last_error=f"bounced: {parsed.subject}"[:2000]
            )
            if ticket is None and original.ticket_id:
                ticket = original.ticket
    if ticket is None:
        _finish(row, InboundState.IGNORED, f"{parsed.auto_kind}: {parsed.auto_reason}")
        return
    label = "Delivery failure" if parsed.auto_kind == BOUNCE else "Automatic reply"
    lifecycle.record_event(
        ticket=ticket,
        text=f"{label} from {parsed.from_email}: {parsed.subject}\n\n{parsed.text[:2000]}",
        action="mail_bounce" if parsed.auto_kind == BOUNCE else "mail_auto_reply",
        data={"inbound_id": row.pk, "reason": parsed.auto_reason},
    )
    row.ticket = ticket
    _finish(row, InboundState.PROCESSED, f"{parsed.auto_kind} recorded on {ticket.number}")


def _acknowledge(
    row: InboundMessage,
    parsed: ParsedMessage,
    ticket: Ticket,
    contact: Contact,
    mailbox: Mailbox | None,
    now: dt.datetime,
) -> str:
    """Queue the acknowledgement unless the mail is automatic or the sender is flooding us."""
    from tierdesk.notifications import emails

    if parsed.is_auto:
        return f"; not acknowledged ({parsed.auto_kind}: {parsed.auto_reason})"
    if mailbox is not None and not mailbox.send_acknowledgement:
        return ""
    recent = InboundMessage.objects.filter(
        from_email=row.from_email,
        acknowledged=True,
        received_at__gte=now - dt.timedelta(hours=1),
    ).count()
    if recent >= ACK_LIMIT_PER_HOUR:
        return f"; not acknowledged (rate limit: {recent} acknowledgements in the last hour)"
    composed = emails.acknowledgement(ticket=ticket, contact=contact)
    queue_mail(
        to=[parsed.reply_to or parsed.from_email],
        subject=composed.subject,
        text=composed.text,
        html=composed.html,
        ticket=ticket,
        kind="ack",
        in_reply_to=parsed.message_id,
        references=[*parsed.references, parsed.message_id],
        from_address=_from_mailbox(mailbox),
        auto_submitted=True,
        dedupe_key=f"ack:{ticket.pk}",
    )
    row.acknowledged = True
    return "; acknowledged"


def _from_mailbox(mailbox: Mailbox | None) -> str:
    if mailbox is None:
        return ""
    from email.utils import formataddr

    if mailbox.from_name:
        return formataddr((mailbox.from_name, mailbox.sender_address))
    return mailbox.sender_address


def store_parsed_attachments(
    *, ticket: Ticket, entry: Entry | None, message: ParsedMessage
) -> list[str]:
    """Store the message's attachments on ``entry`` (safe names, size limit) and point the
    entry's HTML ``cid:`` images at the stored files. Returns notes about parts that were too
    large to store (they stay in the raw message). Usable by inbound routers too."""
    notes: list[str] = []
    limit = max_attachment_bytes()
    by_cid: dict[str, Attachment] = {}
    for part in message.attachments:
        if part.size > limit:
            notes.append(
                f"attachment {part.filename!r} ({part.size // 1024} KiB) is over the "
                f"{limit // 1024} KiB limit; it is kept in the raw message only"
            )
            continue
        stored = store_attachment(
            ticket=ticket,
            entry=entry,
            filename=part.filename,
            content=part.data,
            content_type=part.content_type,
            content_id=part.content_id,
            inline=part.inline,
        )
        if part.content_id:
            by_cid[part.content_id.lower()] = stored
    if entry is not None and by_cid and "cid:" in (entry.body_html or ""):
        html = _link_inline_images(entry.body_html, by_cid)
        if html != entry.body_html:
            Entry.objects.filter(pk=entry.pk).update(body_html=html)
            entry.body_html = html
    return notes


_CID = re.compile(r"""(src=")cid:([^"]+)(")""", re.I)


def _link_inline_images(html: str, by_cid: dict[str, Attachment]) -> str:
    def swap(match: re.Match[str]) -> str:
        found = by_cid.get(match.group(2).strip("<>").lower())
        if found is None:
            return match.group(0)
        url = reverse("mail:inline", kwargs={"pk": found.pk, "sha": found.sha256[:16]})
        return f"{match.group(1)}{url}{match.group(3)}"

    return _CID.sub(swap, html)
