"""Reads for the portal: what a contact may see (his tickets, or his organisation's when he is
its manager), public timeline entries only, the organisation's devices."""

from __future__ import annotations

import re

from django.db.models import Prefetch, Q, QuerySet

from tierdesk.categories.models import Category
from tierdesk.customers.models import Contact
from tierdesk.devices.models import Device
from tierdesk.tickets.models import OPEN_STATUSES, Attachment, Entry, Status, Ticket
from tierdesk.tickets.permissions import contact_can_see_ticket

SCOPES = ("mine", "org")
NUMBER = re.compile(r"[A-Z]{1,10}-[0-9]{1,12}")
STATES = ("open", "closed", "all")


def visible_tickets(contact: Contact, *, scope: str = "mine") -> QuerySet[Ticket]:
    """Tickets the contact may read. ``scope="org"`` widens to the organisation for managers."""
    condition = Q(requester=contact)
    if scope == "org" and contact.is_org_manager and contact.organization_id is not None:
        condition |= Q(organization_id=contact.organization_id)
    return Ticket.objects.filter(condition).exclude(status=Status.SPAM)


def ticket_list(
    contact: Contact, *, scope: str = "mine", state: str = "open", query: str = ""
) -> QuerySet[Ticket]:
    qs = visible_tickets(contact, scope=scope if scope in SCOPES else "mine")
    if state == "open":
        qs = qs.filter(status__in=[*OPEN_STATUSES, Status.RESOLVED])
    elif state == "closed":
        qs = qs.filter(status__in=[Status.CLOSED, Status.MERGED])
    query = " ".join(query.replace("\x00", "").split())[:100]
    if query:
        qs = qs.filter(Q(number__iexact=query) | Q(subject__icontains=query))
    return qs.select_related("category", "requester").order_by("-last_activity_at", "-pk")


def ticket_for(contact: Contact, number: str) -> Ticket | None:
    """The ticket by its number when the contact may see it; None otherwise (so a guessed
    number of someone else's ticket looks exactly like a ticket that does not exist)."""
    if not NUMBER.fullmatch(number or ""):
        return None
    ticket = (
        Ticket.objects.select_related(
            "category", "device", "device__manufacturer", "requester", "organization", "tier"
        )
        .filter(number=number)
        .exclude(status=Status.SPAM)
        .first()
    )
    if ticket is None or not contact_can_see_ticket(contact, ticket):
        return None
    return ticket


def public_entries(ticket: Ticket) -> list[Entry]:
    """The conversation a customer sees: entries marked public (customer messages, public
    replies, and vendor messages or call logs an agent shared on purpose). Never internal notes
    or system events."""
    return list(
        ticket.entries.filter(is_public=True)
        .select_related("author_user", "author_contact")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )


def attachment_for(contact: Contact, pk: int) -> Attachment | None:
    """An attachment the contact may download: on a public entry of a ticket he may see."""
    attachment = (
        Attachment.objects.select_related("ticket", "entry").filter(pk=pk, entry__is_public=True)
    ).first()
    if attachment is None or attachment.ticket.status == Status.SPAM:
        return None
    if not contact_can_see_ticket(contact, attachment.ticket):
        return None
    return attachment


def devices_for(contact: Contact) -> QuerySet[Device]:
    condition = Q(contact=contact)
    if contact.organization_id is not None:
        condition |= Q(organization_id=contact.organization_id)
    return Device.objects.filter(condition).select_related("manufacturer").order_by("model", "pk")


def portal_categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("name")


def category_with_fields(pk: int) -> Category | None:
    return Category.objects.filter(pk=pk, is_active=True).prefetch_related("fields").first()
