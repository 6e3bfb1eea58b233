"""Which ticket an inbound message belongs to (DESIGN §4).

1. By Message-ID: In-Reply-To and References, nearest first, matched against what we sent
   (OutboundMessage), what we received (InboundMessage) and entries' recorded Message-IDs.
2. Else by the ``[TD-000123]`` tag in the subject — only when the sender is a participant of
   that ticket (its requester, a contact who wrote on it, or someone we mailed about it), so a
   stranger cannot post into someone else's ticket by guessing a number.
3. Else None: a new ticket.
"""

from __future__ import annotations

import re

from tierdesk.core.conf import setting
from tierdesk.customers.models import ContactEmail
from tierdesk.mail.models import CUSTOMER_KINDS, InboundMessage, OutboundMessage
from tierdesk.mail.parsing.types import ParsedMessage
from tierdesk.tickets.models import Entry, Ticket


def _tag_pattern() -> re.Pattern[str]:
    prefix = re.escape(str(setting("TICKET_PREFIX")))
    return re.compile(rf"\[({prefix}-\d{{3,}})\]", re.I)


def ticket_numbers_in(subject: str) -> list[str]:
    return [m.upper() for m in _tag_pattern().findall(subject or "")]


def strip_ticket_tags(subject: str) -> str:
    return " ".join(_tag_pattern().sub(" ", subject or "").split())


def ticket_by_message_ids(ids: list[str]) -> tuple[Ticket | None, str]:
    """The ticket of the nearest referenced message we know, and how it was found."""
    if not ids:
        return None, ""
    owners: dict[str, int] = {}
    for mid, ticket_id in OutboundMessage.objects.filter(
        message_id__in=ids, ticket__isnull=False
    ).values_list("message_id", "ticket_id"):
        owners.setdefault(mid, ticket_id)
    missing = [i for i in ids if i not in owners]
    if missing:
        for mid, ticket_id in InboundMessage.objects.filter(
            message_id__in=missing, ticket__isnull=False
        ).values_list("message_id", "ticket_id"):
            owners.setdefault(mid, ticket_id)
    missing = [i for i in ids if i not in owners]
    if missing:
        for mid, ticket_id in Entry.objects.filter(email_message_id__in=missing).values_list(
            "email_message_id", "ticket_id"
        ):
            owners.setdefault(mid, ticket_id)
    for mid in ids:
        if mid in owners:
            return Ticket.objects.filter(pk=owners[mid]).first(), f"references {mid}"
    return None, ""


def participant_emails(ticket: Ticket) -> set[str]:
    contact_ids = {ticket.requester_id}
    contact_ids.update(
        Entry.objects.filter(ticket=ticket, author_contact__isnull=False).values_list(
            "author_contact_id", flat=True
        )
    )
    found = {
        e.lower()
        for e in ContactEmail.objects.filter(contact_id__in=contact_ids).values_list(
            "email", flat=True
        )
    }
    found.update(
        e.lower()
        for e in InboundMessage.objects.filter(ticket=ticket, routed_by="").values_list(
            "from_email", flat=True
        )
    )
    customer_mail = OutboundMessage.objects.filter(ticket=ticket, kind__in=CUSTOMER_KINDS)
    for recipients in customer_mail.values_list("to", flat=True):
        for address in recipients or []:
            found.add(address.rsplit("<", 1)[-1].strip(">").strip().lower())
    if ticket.requester.email:
        found.add(ticket.requester.email.lower())
    return found


def find_ticket(message: ParsedMessage) -> tuple[Ticket | None, str]:
    """(ticket, reason) for ``message``; (None, reason) means a new ticket."""
    ticket, how = ticket_by_message_ids(message.thread_ids)
    if ticket is not None:
        return ticket, how
    for number in ticket_numbers_in(message.subject):
        tagged = Ticket.objects.filter(number=number).select_related("requester").first()
        if tagged is None:
            continue
        if message.from_email.lower() in participant_emails(tagged):
            return tagged, f"subject tag {number}"
        return None, f"subject tag {number} ignored: {message.from_email} is not a participant"
    return None, ""
