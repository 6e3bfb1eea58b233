"""Customer e-mail on lifecycle events: agents' public replies, status changes, resolution.

Event handlers (subscribed in MailConfig.ready) only enqueue the ``notify_customer`` job; the
job composes the mail (``tierdesk.notifications.emails``) and puts it in the outbox with a
dedupe key, so running it twice sends one mail. Only public replies are ever mailed: internal
notes, vendor messages and call logs never leave the desk.

Events about things that happened long before they were published (demo data and imports
written "as of" the past) send nothing: a customer must not get mail about old history.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db.models import Q
from django.utils import timezone

from tierdesk.core.events import subscribe
from tierdesk.mail.models import CUSTOMER_KINDS, OutboundMessage
from tierdesk.mail.outbound import queue_mail
from tierdesk.notifications import emails
from tierdesk.tickets.models import AuditEvent, Entry, EntryKind, Status, Ticket

log = logging.getLogger(__name__)

HISTORY_AFTER = dt.timedelta(hours=1)
# statuses the customer hears about when an agent (or the auto-close job) sets them alone
STATUS_MAIL = {Status.PENDING_CUSTOMER, Status.PENDING_VENDOR, Status.CLOSED, Status.REOPENED}
# changes that already tell the customer (a reply, the resolution mail) or that he made
_SILENT_ACTIONS = {
    "public_reply",
    "customer_message",
    "resolved",
    "escalated",
    "vendor_message",
    "merged",
    "created",
}


def _is_history(moment: dt.datetime | None) -> bool:
    return moment is not None and timezone.now() - moment > HISTORY_AFTER


# ------------------------------------------------------------------ event handlers


def on_entry_created(*, event: str, ticket_id: int, entry_id: int, **_: Any) -> None:
    row = (
        Entry.objects.filter(pk=entry_id, kind=EntryKind.PUBLIC_REPLY, is_public=True)
        .values("created_at")
        .first()
    )
    if row is None or _is_history(row["created_at"]):
        return
    _enqueue(kind="reply", ticket_id=ticket_id, entry_id=entry_id)


def on_status_changed(*, event: str, ticket_id: int, old: str, new: str, **_: Any) -> None:
    if new not in STATUS_MAIL:
        return
    updated = Ticket.objects.filter(pk=ticket_id).values_list("updated_at", flat=True).first()
    if _is_history(updated):
        return
    _enqueue(kind="status", ticket_id=ticket_id, old=old, new=new)


def on_resolved(*, event: str, ticket_id: int, **_: Any) -> None:
    resolved = Ticket.objects.filter(pk=ticket_id).values_list("resolved_at", flat=True).first()
    if resolved is None or _is_history(resolved):
        return
    _enqueue(kind="resolution", ticket_id=ticket_id)


def _enqueue(**kwargs: Any) -> None:
    from tierdesk.mail.tasks import notify_customer

    notify_customer.enqueue(**kwargs)


def register() -> None:
    subscribe("entry.created", on_entry_created)
    subscribe("ticket.status_changed", on_status_changed)
    subscribe("ticket.resolved", on_resolved)


# ------------------------------------------------------------------ the job's work


def thread_headers(ticket: Ticket) -> tuple[str, list[str]]:
    """(In-Reply-To, References) for a mail about ``ticket``: it answers the customer's
    latest e-mail (else our latest mail), and references the conversation from its start."""
    inbound = list(
        Entry.objects.filter(ticket=ticket, kind=EntryKind.CUSTOMER_MESSAGE)
        .exclude(email_message_id="")
        .order_by("created_at", "pk")
        .values_list("created_at", "email_message_id")
    )
    outbound = list(
        OutboundMessage.objects.filter(ticket=ticket, kind__in=CUSTOMER_KINDS)
        .order_by("created_at", "pk")
        .values_list("created_at", "message_id")
    )
    chain = [mid for _at, mid in sorted(inbound + outbound, key=lambda pair: pair[0])]
    if not chain:
        return "", []
    parent = inbound[-1][1] if inbound else chain[-1]
    references = [chain[0], *[m for m in chain[1:] if m != chain[0]][-9:]]
    if parent not in references:
        references.append(parent)
    return parent, references


def _recipient(ticket: Ticket) -> str:
    return (ticket.requester.email or "").strip()


def send_reply_mail(*, ticket_id: int, entry_id: int) -> OutboundMessage | None:
    entry = (
        Entry.objects.select_related("ticket__requester", "author_user")
        .filter(pk=entry_id, ticket_id=ticket_id)
        .first()
    )
    if entry is None or entry.kind != EntryKind.PUBLIC_REPLY or not entry.is_public:
        return None  # never anything but a public reply
    ticket = entry.ticket
    to = _recipient(ticket)
    if not to:
        return None
    composed = emails.reply(ticket=ticket, entry=entry, contact=ticket.requester)
    parent, references = thread_headers(ticket)
    return queue_mail(
        to=[to],
        subject=composed.subject,
        text=composed.text,
        html=composed.html,
        ticket=ticket,
        kind="reply",
        in_reply_to=parent,
        references=references,
        related_object=entry,
        dedupe_key=f"reply:{entry.pk}",
    )


def send_status_mail(*, ticket_id: int, old: str, new: str) -> OutboundMessage | None:
    ticket = Ticket.objects.select_related("requester").filter(pk=ticket_id).first()
    if ticket is None or not _recipient(ticket):
        return None
    cause = (
        AuditEvent.objects.filter(ticket=ticket)
        .filter(Q(changes__status=[old, new]) | Q(action="reopened") | Q(action="closed"))
        .order_by("-pk")
        .first()
    )
    if cause is None or cause.action in _SILENT_ACTIONS or cause.actor_contact_id:
        return None
    composed = emails.status_change(ticket=ticket, contact=ticket.requester, old=old, new=new)
    parent, references = thread_headers(ticket)
    return queue_mail(
        to=[_recipient(ticket)],
        subject=composed.subject,
        text=composed.text,
        html=composed.html,
        ticket=ticket,
        kind="status",
        in_reply_to=parent,
        references=references,
        auto_submitted=True,
        dedupe_key=f"status:{ticket.pk}:{cause.pk}",
    )


def send_resolution_mail(*, ticket_id: int) -> OutboundMessage | None:
    ticket = Ticket.objects.select_related("requester").filter(pk=ticket_id).first()
    if ticket is None or ticket.resolved_at is None or not _recipient(ticket):
        return None
    composed = emails.resolution(ticket=ticket, contact=ticket.requester)
    parent, references = thread_headers(ticket)
    return queue_mail(
        to=[_recipient(ticket)],
        subject=composed.subject,
        text=composed.text,
        html=composed.html,
        ticket=ticket,
        kind="resolution",
        in_reply_to=parent,
        references=references,
        auto_submitted=True,
        dedupe_key=f"resolution:{ticket.pk}:{int(ticket.resolved_at.timestamp())}",
    )
