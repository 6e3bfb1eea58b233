"""What a caller may see: the same rules as the agent workspace and the portal.

Agents see every ticket, entry and customer record. A customer sees what the portal shows him:
his own tickets (all of his organisation's when he is its manager), their public entries and
the attachments of those entries, his organisation and its devices. Objects a caller may not
see answer 404, exactly like objects that do not exist, so ids cannot be probed.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tierdesk.api.auth import Principal
from tierdesk.core.errors import NotFound, NotPermitted
from tierdesk.customers.models import Contact, Organization
from tierdesk.devices.models import Device
from tierdesk.tickets.models import Attachment, Entry, Ticket

TICKET_RELATED = (
    "tier",
    "team",
    "assignee",
    "requester",
    "organization",
    "category",
    "device",
)


def require_agent(p: Principal) -> None:
    if not p.is_agent:
        raise NotPermitted("Only support agents may do this.")


def require_admin(p: Principal) -> None:
    if not p.is_admin:
        raise NotPermitted("Only administrators may do this.")


def ticket_filter(p: Principal) -> Q:
    """The tickets ``p`` may see, as a filter on Ticket."""
    if p.is_agent:
        return Q()
    contact = p.contact
    if contact is None:
        return Q(pk__in=[])
    q = Q(requester_id=contact.pk)
    if contact.is_org_manager and contact.organization_id is not None:
        q |= Q(organization_id=contact.organization_id)
    return q


def tickets(p: Principal) -> QuerySet[Ticket]:
    return Ticket.objects.filter(ticket_filter(p))


def get_ticket(p: Principal, ticket_id: int) -> Ticket:
    ticket = tickets(p).select_related(*TICKET_RELATED).filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound(f"No ticket {ticket_id}.")
    return ticket


def entries(p: Principal, ticket: Ticket) -> QuerySet[Entry]:
    qs = Entry.objects.filter(ticket=ticket)
    if not p.is_agent:
        qs = qs.filter(is_public=True)
    return qs


def attachments(p: Principal) -> QuerySet[Attachment]:
    qs = Attachment.objects.filter(ticket__in=tickets(p)) if not p.is_agent else Attachment.objects
    if not p.is_agent:
        qs = qs.filter(entry__is_public=True)
    return qs.all()


def contacts(p: Principal) -> QuerySet[Contact]:
    if p.is_agent:
        return Contact.objects.all()
    contact = p.contact
    if contact is None:
        return Contact.objects.none()
    if contact.is_org_manager and contact.organization_id is not None:
        return Contact.objects.filter(Q(pk=contact.pk) | Q(organization_id=contact.organization_id))
    return Contact.objects.filter(pk=contact.pk)


def organizations(p: Principal) -> QuerySet[Organization]:
    if p.is_agent:
        return Organization.objects.all()
    contact = p.contact
    if contact is None or contact.organization_id is None:
        return Organization.objects.none()
    return Organization.objects.filter(pk=contact.organization_id)


def devices(p: Principal) -> QuerySet[Device]:
    if p.is_agent:
        return Device.objects.all()
    contact = p.contact
    if contact is None:
        return Device.objects.none()
    q = Q(contact_id=contact.pk)
    if contact.organization_id is not None:
        q |= Q(organization_id=contact.organization_id)
    return Device.objects.filter(q)
