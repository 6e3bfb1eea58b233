"""Reads for the phone channel: who is calling, which calls an agent should see."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from tierdesk.core import clock
from tierdesk.customers.models import Contact, Organization
from tierdesk.phone.models import AgentLine, Call, Callback, CallState
from tierdesk.tickets.models import OPEN_STATUSES, Ticket

if TYPE_CHECKING:
    from tierdesk.accounts.models import User

# A call the PBX never reported as ended stops popping up after this long.
POPUP_MAX_AGE = dt.timedelta(hours=4)


@dataclasses.dataclass(frozen=True)
class CallerInfo:
    number: str
    contact: Contact | None
    organization: Organization | None
    other_contacts: list[Contact]
    open_tickets: list[Ticket]


def contacts_for_number(e164: str) -> list[Contact]:
    if not e164:
        return []
    return list(
        Contact.objects.filter(Q(phone=e164) | Q(mobile=e164))
        .select_related("organization")
        .order_by("pk")[:10]
    )


def organization_for_number(e164: str) -> Organization | None:
    if not e164:
        return None
    return Organization.objects.filter(phone=e164).order_by("pk").first()


def lookup_caller(e164: str, *, ticket_limit: int = 10) -> CallerInfo:
    """The contact (and his organisation and open tickets) behind an E.164 number.
    A number shared by several contacts yields the first as ``contact`` and the rest as
    ``other_contacts``; a company switchboard number yields just the organisation."""
    contacts = contacts_for_number(e164)
    contact = contacts[0] if contacts else None
    organization = contact.organization if contact else organization_for_number(e164)
    tickets: list[Ticket] = []
    if contacts:
        tickets = list(
            Ticket.objects.filter(requester__in=contacts, status__in=OPEN_STATUSES)
            .select_related("tier", "requester")
            .order_by("-updated_at", "-pk")[:ticket_limit]
        )
    elif organization is not None:
        tickets = list(
            Ticket.objects.filter(organization=organization, status__in=OPEN_STATUSES)
            .select_related("tier", "requester")
            .order_by("-updated_at", "-pk")[:ticket_limit]
        )
    return CallerInfo(
        number=e164,
        contact=contact,
        organization=organization,
        other_contacts=contacts[1:],
        open_tickets=tickets,
    )


def agents_named(names: Iterable[str], *, number: str = "") -> list[User]:
    """Agents the PBX names: by phone line (``answeringNumber``), username, e-mail, full name
    or id — the order Zammad evaluates, plus names, since ``user`` carries real names."""
    from tierdesk.accounts.models import Role, User

    staff = User.objects.filter(is_active=True, role__in=[Role.AGENT, Role.SUPERVISOR, Role.ADMIN])
    found: list[User] = []
    wanted = [n for n in names if n]
    if number:
        line = AgentLine.objects.select_related("agent").filter(number=number).first()
        if line is not None and line.agent.is_active:
            found.append(line.agent)
        wanted.insert(0, number)
    for name in wanted:
        match = (
            staff.filter(Q(username__iexact=name) | Q(email__iexact=name)).order_by("pk").first()
        )
        if match is None and " " in name.strip():
            first, _, last = name.strip().partition(" ")
            match = (
                staff.filter(first_name__iexact=first, last_name__iexact=last.strip())
                .order_by("pk")
                .first()
            )
        if match is None and name.isdigit():
            match = staff.filter(pk=int(name)).first()
        if match is not None and match not in found:
            found.append(match)
    return found


def popup_calls(user: User) -> QuerySet[Call]:
    """Live calls the agent should see: ringing calls offered to him, calls he answered."""
    since = clock.now() - POPUP_MAX_AGE
    return (
        Call.objects.filter(started_at__gte=since)
        .filter(
            Q(state=CallState.RINGING, offered_to=user)
            | Q(state=CallState.ANSWERED, agent=user)
            | Q(state=CallState.RINGING, agent=user)
        )
        .select_related("contact", "organization", "ticket")
        .distinct()
        .order_by("-started_at", "-pk")
    )


def callback_queue() -> QuerySet[Call]:
    """Unanswered inbound calls waiting for a call-back, oldest first."""
    return (
        Call.objects.filter(callback=Callback.PENDING)
        .select_related("contact", "organization", "ticket")
        .order_by("started_at", "pk")
    )


def recent_calls() -> QuerySet[Call]:
    return Call.objects.select_related("contact", "organization", "ticket", "agent").order_by(
        "-started_at", "-pk"
    )
