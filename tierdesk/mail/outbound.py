"""The outbox: every e-mail tierdesk sends is an OutboundMessage row sent by a background job.

:func:`queue_mail` is the one way to send mail (customer notifications, vendor mail, SLA
mail). It stores the message with its own Message-ID in the caller's transaction and enqueues
the send job after commit, so a rolled-back change never sends mail and a committed one always
does (a periodic sweep re-enqueues anything whose job was lost). :func:`deliver` is what the
job runs: it claims the row, hands it to Django's mail backend (``EMAIL_URL``) and records the
outcome; temporary failures are retried with backoff by the job.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import smtplib
import uuid
from collections.abc import Iterable, Mapping
from email.utils import formataddr, parseaddr
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F

from tierdesk.core import clock
from tierdesk.core.errors import InvalidInput
from tierdesk.mail.models import Mailbox, OutboundKind, OutboundMessage, OutboundState

if TYPE_CHECKING:
    from tierdesk.tickets.models import Ticket

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
SEND_LEASE_SECONDS = 600
_TAG = re.compile(r"\[([A-Z]{1,10}-\d{3,})\]")


def make_message_id(from_address: str) -> str:
    domain = parseaddr(from_address)[1].rpartition("@")[2] or "tierdesk.local"
    return f"<td.{uuid.uuid4().hex}@{domain}>"


def ticket_tag(ticket: Ticket) -> str:
    return f"[{ticket.number}]"


def ticket_subject(ticket: Ticket, subject: str) -> str:
    """``subject`` with the ticket's ``[TD-000123]`` tag (added once, never twice)."""
    subject = " ".join((subject or ticket.subject).split())
    tag = ticket_tag(ticket)
    return subject if tag in subject else f"{tag} {subject}"


def sender_mailbox(ticket: Ticket | None) -> Mailbox | None:
    """The mailbox a ticket's mail goes out from: the one its first e-mail came to, else the
    first active mailbox."""
    if ticket is not None:
        from tierdesk.mail.models import InboundMessage

        first = (
            InboundMessage.objects.filter(ticket=ticket, mailbox__isnull=False)
            .select_related("mailbox")
            .order_by("pk")
            .first()
        )
        if first is not None and first.mailbox is not None:
            return first.mailbox
    return Mailbox.objects.filter(is_active=True).order_by("pk").first()


def default_from_address(ticket: Ticket | None = None) -> str:
    mailbox = sender_mailbox(ticket)
    if mailbox is None:
        return settings.DEFAULT_FROM_EMAIL
    if mailbox.from_name:
        return formataddr((mailbox.from_name, mailbox.sender_address))
    return mailbox.sender_address


_OWN_CACHE: dict[str, tuple[float, frozenset[str]]] = {}
OWN_CACHE_SECONDS = 30.0


def our_addresses(*, fresh: bool = False) -> frozenset[str]:
    """Every address tierdesk sends from or receives at (lower case), for loop protection.
    Cached for half a minute per process: the importer asks for every message."""
    import time

    key = str(settings.DEFAULT_FROM_EMAIL)
    cached = _OWN_CACHE.get(key)
    if cached is not None and not fresh and time.monotonic() - cached[0] < OWN_CACHE_SECONDS:
        return cached[1]
    found = {parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()}
    for address, reply_from in Mailbox.objects.values_list("address", "reply_from"):
        found.add(address.lower())
        if reply_from:
            found.add(reply_from.lower())
    found.discard("")
    result = frozenset(found)
    _OWN_CACHE[key] = (time.monotonic(), result)
    return result


def forget_our_addresses() -> None:
    _OWN_CACHE.clear()


def _clean_addresses(values: Iterable[str], *, field: str) -> list[str]:
    cleaned = []
    for value in values:
        name, address = parseaddr(value or "")
        try:
            validate_email(address)
        except ValidationError as exc:
            raise InvalidInput(f"Not an e-mail address: {value!r}", field=field) from exc
        cleaned.append(formataddr((name, address)) if name else address)
    return cleaned


def queue_mail(
    *,
    to: list[str],
    subject: str,
    text: str,
    html: str = "",
    ticket: Ticket | None = None,
    kind: str,
    in_reply_to: str = "",
    references: Iterable[str] = (),
    from_address: str = "",
    reply_to: str = "",
    extra_headers: Mapping[str, str] | None = None,
    auto_submitted: bool = False,
    related_object: Any = None,
    dedupe_key: str = "",
) -> OutboundMessage:
    """Store an e-mail in the outbox and send it by a background job after commit.

    ``kind`` is one of OutboundKind ("ack", "reply", "status", "resolution", "vendor", "sla",
    "other"). ``auto_submitted`` marks automatic mail (``Auto-Submitted: auto-replied``,
    ``X-Auto-Response-Suppress: All``) so other systems do not answer it. ``related_object``
    (any model instance, e.g. a vendor case) is recorded so replies can be traced back to it
    with :func:`tierdesk.mail.routing.find_outbound_for_reply`. ``dedupe_key``: when a message
    with this key exists already, it is returned and nothing new is sent (idempotent jobs).
    Raises InvalidInput for bad addresses or an empty subject or text.
    """
    if kind not in OutboundKind.values:
        raise InvalidInput(f"Unknown mail kind {kind!r}.", field="kind")
    recipients = _clean_addresses(to, field="to")
    if not recipients:
        raise InvalidInput("A mail needs at least one recipient.", field="to")
    subject = " ".join((subject or "").split())
    if not subject:
        raise InvalidInput("A mail needs a subject.", field="subject")
    if not (text or "").strip():
        raise InvalidInput("A mail needs a text body.", field="text")
    sender = from_address or default_from_address(ticket)
    _clean_addresses([sender], field="from_address")
    if reply_to:
        _clean_addresses([reply_to], field="reply_to")
    headers = {str(k): " ".join(str(v).split()) for k, v in (extra_headers or {}).items()}
    row = OutboundMessage(
        message_id=make_message_id(sender),
        kind=kind,
        dedupe_key=dedupe_key or None,
        ticket=ticket,
        from_address=sender,
        reply_to=reply_to,
        to=recipients,
        subject=subject[:998],
        text=text,
        html=html,
        in_reply_to=in_reply_to,
        references=[r for r in references if r][-20:],
        extra_headers=headers,
        auto_submitted=auto_submitted,
        created_at=clock.now(),
    )
    if related_object is not None:
        row.related_type = ContentType.objects.get_for_model(related_object)
        row.related_id = str(related_object.pk)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        if dedupe_key:
            return OutboundMessage.objects.get(dedupe_key=dedupe_key)
        raise
    transaction.on_commit(lambda: enqueue_send(row.pk))
    return row


def enqueue_send(outbound_id: int) -> None:
    from tierdesk.mail.tasks import send_outbound_message

    try:
        send_outbound_message.enqueue(outbound_id=outbound_id)
    except Exception:  # the periodic sweep enqueues it again
        log.exception("could not enqueue outbound message %s", outbound_id)


def build_email(row: OutboundMessage) -> EmailMultiAlternatives:
    headers: dict[str, str] = {"Message-ID": row.message_id}
    if row.in_reply_to:
        headers["In-Reply-To"] = row.in_reply_to
    refs = list(row.references)
    if row.in_reply_to and row.in_reply_to not in refs:
        refs.append(row.in_reply_to)
    if refs:
        headers["References"] = " ".join(refs)
    if row.auto_submitted:
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"
    if row.reply_to:
        headers["Reply-To"] = row.reply_to
    if row.ticket_id and row.ticket is not None and row.ticket.number:
        headers["X-Tierdesk-Ticket"] = row.ticket.number
    headers["X-Loop"] = parseaddr(row.from_address)[1]
    headers.update(row.extra_headers or {})
    email = EmailMultiAlternatives(
        subject=row.subject,
        body=row.text,
        from_email=row.from_address,
        to=list(row.to),
        headers=headers,
    )
    if row.html:
        email.attach_alternative(row.html, "text/html")
    return email


class PermanentFailure(Exception):
    pass


def deliver(outbound_id: int) -> str:
    """Send one queued message. Returns the new state: "sent", "queued" (temporary failure,
    retry later), "failed" (permanent failure) or "skipped" (someone else has it, or it was
    sent already). Safe to call twice: the row is claimed with a conditional update, and the
    claim is a lease that the sweep takes back from a worker that died while sending."""
    now = clock.now()
    claimed = OutboundMessage.objects.filter(pk=outbound_id, state=OutboundState.QUEUED).update(
        state=OutboundState.SENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=now + dt.timedelta(seconds=SEND_LEASE_SECONDS),
    )
    if not claimed:
        return "skipped"
    row = OutboundMessage.objects.select_related("ticket").get(pk=outbound_id)
    try:
        sent = build_email(row).send()
        if not sent:
            raise smtplib.SMTPException("the mail backend accepted no message")
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _msg in exc.recipients.values()]
        if codes and all(500 <= int(c) < 600 for c in codes):
            return _finish(row, OutboundState.FAILED, f"recipients refused: {exc.recipients}")
        return _retry(row, exc, now)
    except (smtplib.SMTPException, OSError) as exc:
        return _retry(row, exc, now)
    return _finish(row, OutboundState.SENT, "")


def _finish(row: OutboundMessage, state: str, error: str) -> str:
    OutboundMessage.objects.filter(pk=row.pk).update(
        state=state,
        sent_at=clock.now() if state == OutboundState.SENT else None,
        next_attempt_at=None,
        last_error=error[:2000],
    )
    if state == OutboundState.FAILED:
        log.warning("outbound mail %s failed: %s", row.pk, error)
    return str(state)


def _retry(row: OutboundMessage, exc: BaseException, now: dt.datetime) -> str:
    from tierdesk.core.jobs import backoff_seconds

    if row.attempts >= MAX_ATTEMPTS:
        return _finish(row, OutboundState.FAILED, f"gave up after {row.attempts} attempts: {exc}")
    OutboundMessage.objects.filter(pk=row.pk).update(
        state=OutboundState.QUEUED,
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
        next_attempt_at=now + dt.timedelta(seconds=backoff_seconds(row.attempts)),
    )
    log.info("outbound mail %s will be retried: %s", row.pk, exc)
    return "queued"


def due_for_retry(*, now: dt.datetime | None = None, lost_after: int = 600) -> list[int]:
    """Messages whose send job must be enqueued (again): a retry that is due, a message queued
    long ago whose job was lost, or a send lease that expired because its worker died."""
    now = now or clock.now()
    OutboundMessage.objects.filter(state=OutboundState.SENDING, next_attempt_at__lt=now).update(
        state=OutboundState.QUEUED
    )
    due = OutboundMessage.objects.filter(state=OutboundState.QUEUED, next_attempt_at__lte=now)
    lost = OutboundMessage.objects.filter(
        state=OutboundState.QUEUED,
        next_attempt_at__isnull=True,
        created_at__lt=now - dt.timedelta(seconds=lost_after),
    )
    ids = set(due.values_list("pk", flat=True)[:500]) | set(lost.values_list("pk", flat=True)[:500])
    return sorted(ids)
