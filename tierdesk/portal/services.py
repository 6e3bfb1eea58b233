"""What a customer does with tickets in the portal. Every ticket change goes through
``tickets.lifecycle``; this module adds the portal's own rules (required intake fields, the
organisation's devices, attachments) and keeps the two in one transaction."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tierdesk.categories.intake import clean_intake, missing_required
from tierdesk.categories.models import Category
from tierdesk.core.errors import InvalidInput, NotPermitted
from tierdesk.customers.models import Contact
from tierdesk.devices.models import Device
from tierdesk.tickets import lifecycle
from tierdesk.tickets.attachments import check_size, safe_filename, store_attachment
from tierdesk.tickets.models import Entry, EntryKind, Ticket
from tierdesk.tickets.permissions import contact_can_see_ticket

MAX_FILES = 10


@dataclasses.dataclass(frozen=True)
class Upload:
    """A file the customer attached (read from the request by the view)."""

    name: str
    content: bytes
    content_type: str = ""


def _check_uploads(uploads: Sequence[Upload]) -> None:
    if len(uploads) > MAX_FILES:
        raise InvalidInput(_("Attach at most %(n)d files.") % {"n": MAX_FILES}, field="attachments")
    for upload in uploads:
        check_size(len(upload.content), filename=safe_filename(upload.name))


def _store(ticket: Ticket, entry: Entry, uploads: Sequence[Upload]) -> None:
    for upload in uploads:
        store_attachment(
            ticket=ticket,
            entry=entry,
            filename=upload.name,
            content=upload.content,
            content_type=upload.content_type,
        )


def _check_device(contact: Contact, device: Device | None) -> None:
    if device is None:
        return
    own = device.contact_id == contact.pk
    same_org = device.organization_id is not None and (
        device.organization_id == contact.organization_id
    )
    if not (own or same_org):
        raise InvalidInput(_("Choose a device of your organisation."), field="device")


@transaction.atomic
def submit_request(
    *,
    contact: Contact,
    category: Category,
    subject: str,
    description: str,
    intake_data: Mapping[str, Any] | None = None,
    device: Device | None = None,
    impact: int = 2,
    urgency: int = 2,
    uploads: Sequence[Upload] = (),
    language: str | None = None,
) -> Ticket:
    """A new request from the portal: the category's required intake fields must be filled;
    the ticket and its attachments are created together or not at all."""
    if not category.is_active:
        raise InvalidInput(_("Choose an active category."), field="category")
    if not (description or "").strip():
        raise InvalidInput(_("Describe the problem."), field="description")
    fields = list(category.fields.all())
    cleaned = clean_intake(fields, {k: v for k, v in (intake_data or {}).items()})
    missing = missing_required(fields, cleaned)
    if missing:
        raise InvalidInput(
            _("Fill the required fields: %(fields)s")
            % {"fields": ", ".join(f.label(language or "ru") for f in missing)},
            fields=[f.name for f in missing],
        )
    _check_device(contact, device)
    _check_uploads(uploads)
    ticket = lifecycle.create_ticket(
        subject=subject,
        body=description.strip(),
        requester=contact,
        channel="portal",
        category=category,
        device=device,
        impact=impact,
        urgency=urgency,
        intake_data=cleaned,
        language=language,
    )
    if uploads:
        first = ticket.entries.get(kind=EntryKind.CUSTOMER_MESSAGE)
        _store(ticket, first, uploads)
    return ticket


@transaction.atomic
def reply_to_ticket(
    *, contact: Contact, ticket: Ticket, body: str, uploads: Sequence[Upload] = ()
) -> Entry:
    """The customer writes on his ticket. On a closed ticket the lifecycle opens a follow-up
    ticket; the returned entry's ticket says where the message landed."""
    if not contact_can_see_ticket(contact, ticket):
        raise NotPermitted(_("This is not your ticket."))
    if not (body or "").strip():
        raise InvalidInput(_("Write a message."), field="body")
    _check_uploads(uploads)
    entry = lifecycle.add_customer_message(
        ticket=ticket, contact=contact, body=body.strip(), channel="portal"
    )
    if uploads:
        _store(entry.ticket, entry, uploads)
    return entry
