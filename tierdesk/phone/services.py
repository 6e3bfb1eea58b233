"""Writes for the phone channel: manual call logging, tickets from calls, the call-back queue.
Ticket changes go through ``tickets.lifecycle``. Integrations and tokens live in
``phone.integrations``, CTI events in ``phone.recording``; both are re-exported here so
adapters have one module to call."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tierdesk.core import clock
from tierdesk.core.errors import InvalidInput, InvalidTransition, NotPermitted
from tierdesk.customers.services import normalize_phone
from tierdesk.phone import selectors
from tierdesk.phone.integrations import (
    assign_token,
    authenticate,
    create_integration,
    hash_token,
    set_new_token,
)
from tierdesk.phone.models import (
    Call,
    Callback,
    CallState,
    Direction,
    Source,
)
from tierdesk.phone.numbers import display
from tierdesk.phone.recording import record_cti_event
from tierdesk.tickets import lifecycle, permissions
from tierdesk.tickets.models import Entry, EntryKind, Ticket

if TYPE_CHECKING:
    from tierdesk.accounts.models import User
    from tierdesk.categories.models import Category
    from tierdesk.customers.models import Contact


# ---------------------------------------------------------------- agents' work with calls


def _require_agent(actor: User | None) -> User:
    if not permissions.is_agent(actor):
        raise NotPermitted("Only support agents may do this.")
    assert actor is not None
    return actor


def call_summary(call: Call) -> str:
    """One line for the ticket timeline: direction, number, time, duration, agent."""
    direction = "Inbound" if call.direction == Direction.IN else "Outbound"
    number = display(call.customer_number) or (
        call.from_number if call.direction == Direction.IN else call.to_number
    )
    started = clock_format(call.started_at)
    parts = [f"{direction} call {number or 'from an unknown number'}", started]
    if call.duration_seconds is not None:
        minutes, seconds = divmod(call.duration_seconds, 60)
        parts.append(f"{minutes} min {seconds:02d} s")
    elif call.ended_at and not call.answered_at:
        parts.append("not answered")
    if call.agent:
        parts.append(call.agent.get_full_name() or call.agent.username)
    return ", ".join(parts)


def clock_format(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@transaction.atomic
def log_call(
    *,
    actor: User,
    number: str,
    direction: str = Direction.IN,
    notes: str = "",
    contact: Contact | None = None,
    started_at: dt.datetime | None = None,
    duration_seconds: int | None = None,
) -> Call:
    """An agent logs a call by hand (no PBX). The number is normalised to E.164 and looked up
    to a contact unless the agent chose one."""
    _require_agent(actor)
    if direction not in Direction.values:
        raise InvalidInput("Direction must be 'in' or 'out'.", field="direction")
    e164 = normalize_phone(number)
    if not e164:
        raise InvalidInput("Enter the caller's phone number.", field="number")
    if duration_seconds is not None and not 0 <= duration_seconds <= 24 * 3600:
        raise InvalidInput("The duration must be between 0 and 24 hours.", field="duration")
    now = clock.now()
    start = started_at or now
    if start > now:
        raise InvalidInput("A logged call cannot start in the future.", field="started_at")
    end = start + dt.timedelta(seconds=duration_seconds or 0)
    if contact is None:
        info = selectors.lookup_caller(e164, ticket_limit=0)
        contact, organization = info.contact, info.organization
    else:
        organization = contact.organization
    call = Call.objects.create(
        call_id=f"manual-{uuid.uuid4().hex}",
        source=Source.MANUAL,
        direction=direction,
        state=CallState.ENDED,
        from_number=e164 if direction == Direction.IN else "",
        to_number=e164 if direction == Direction.OUT else "",
        customer_number=e164,
        started_at=start,
        answered_at=start,
        ended_at=end,
        agent=actor,
        contact=contact,
        organization=organization,
        notes=(notes or "").strip(),
        logged_by=actor,
        cause="normalClearing",
    )
    return call


@transaction.atomic
def attach_call_to_ticket(
    *, call: Call, ticket: Ticket, actor: User, note: str = "", include_call_notes: bool = True
) -> Entry:
    """Link the call to an existing ticket; its summary (and the agent's note) lands on the
    timeline as a call-log entry (agents only)."""
    _require_agent(actor)
    locked = Call.objects.select_for_update().get(pk=call.pk)
    if locked.ticket_id is not None and locked.ticket_id != ticket.pk:
        raise InvalidTransition(
            f"This call is already attached to ticket {locked.ticket.number}."  # type: ignore[union-attr]
        )
    if locked.ticket_id == ticket.pk:
        existing = Entry.objects.filter(
            ticket=ticket, kind=EntryKind.CALL_LOG, data__call_id=locked.pk
        ).first()
        if existing is not None:
            return existing
    body = call_summary(locked)
    notes = [note.strip(), locked.notes.strip() if include_call_notes else ""]
    text = "\n\n".join(p for p in [body, *notes] if p)
    entry = lifecycle.add_note(
        ticket=ticket,
        actor=actor,
        body=text,
        kind=EntryKind.CALL_LOG,
        data={"call_id": locked.pk, "number": locked.customer_number},
    )
    locked.ticket = ticket
    locked.save(update_fields=["ticket", "updated_at"])
    call.ticket = ticket
    return entry


@transaction.atomic
def create_ticket_from_call(
    *,
    call: Call,
    actor: User,
    subject: str,
    body: str = "",
    contact: Contact | None = None,
    new_contact_name: str = "",
    new_contact_email: str = "",
    category: Category | None = None,
) -> Ticket:
    """Open a ticket (channel ``phone``) for the caller, with what he said as the first
    message and the call as a call-log entry. An unknown caller becomes a new contact when
    the agent gives a name."""
    _require_agent(actor)
    locked = Call.objects.select_for_update().get(pk=call.pk)
    if locked.ticket_id is not None:
        raise InvalidTransition(
            f"This call is already attached to ticket {locked.ticket.number}."  # type: ignore[union-attr]
        )
    requester = contact or locked.contact
    if requester is None:
        if not new_contact_name.strip():
            raise InvalidInput(
                "The caller is not a known contact: choose one or enter the caller's name.",
                field="new_contact_name",
            )
        from tierdesk.customers.services import create_contact, find_contact_by_email

        existing = find_contact_by_email(new_contact_email) if new_contact_email else None
        if existing is not None:
            requester = existing
        else:
            requester = create_contact(
                name=new_contact_name.strip(),
                email=new_contact_email,
                phone=locked.customer_number,
                organization=locked.organization,
            )
    ticket = lifecycle.create_ticket(
        subject=subject,
        body=(body or locked.notes or subject).strip(),
        requester=requester,
        channel="phone",
        actor=actor,
        category=category,
        entry_data={"call_id": locked.pk},
    )
    if locked.contact_id is None:
        locked.contact = requester
        locked.organization = requester.organization
        locked.save(update_fields=["contact", "organization", "updated_at"])
    attach_call_to_ticket(call=locked, ticket=ticket, actor=actor, include_call_notes=False)
    call.ticket = ticket
    call.contact = locked.contact
    return ticket


@transaction.atomic
def complete_callback(*, call: Call, actor: User, note: str = "") -> int:
    """The agent called the customer back: this call and every other pending call-back from
    the same number leave the queue. Returns how many calls were completed."""
    _require_agent(actor)
    locked = Call.objects.select_for_update().get(pk=call.pk)
    if locked.callback != Callback.PENDING:
        raise InvalidTransition("This call is not waiting for a call-back.")
    now = clock.now()
    same_caller = Q(pk=locked.pk)
    if locked.customer_number:
        same_caller |= Q(customer_number=locked.customer_number)
    done = Call.objects.filter(same_caller, callback=Callback.PENDING).update(
        callback=Callback.DONE, callback_by=actor, callback_at=now, callback_note=note.strip()
    )
    if locked.ticket_id is not None and note.strip():
        lifecycle.add_note(
            ticket=locked.ticket,  # type: ignore[arg-type]
            actor=actor,
            body=f"Called back {display(locked.customer_number)}: {note.strip()}",
            kind=EntryKind.CALL_LOG,
            data={"call_id": locked.pk, "callback": True},
        )
    return done


@transaction.atomic
def file_call(
    *,
    call: Call,
    actor: User,
    outcome: str,
    subject: str = "",
    body: str = "",
    ticket: Ticket | None = None,
    category: Category | None = None,
    new_contact_name: str = "",
    new_contact_email: str = "",
) -> Ticket | None:
    """What the agent decided for a call: ``new`` ticket, ``attach`` to ``ticket``, or
    ``none`` (just logged). Returns the ticket the call ended up on."""
    if outcome == "new":
        return create_ticket_from_call(
            call=call,
            actor=actor,
            subject=subject,
            body=body,
            category=category,
            new_contact_name=new_contact_name,
            new_contact_email=new_contact_email,
        )
    if outcome == "attach":
        if ticket is None:
            raise InvalidInput("Choose the ticket to attach the call to.", field="ticket")
        if not ticket.is_open and ticket.status != "resolved":
            raise InvalidTransition(f"Ticket {ticket.number} is closed; create a new ticket.")
        attach_call_to_ticket(call=call, ticket=ticket, actor=actor, note=body)
        return ticket
    if outcome == "none":
        _require_agent(actor)
        return None
    raise InvalidInput(f"Unknown outcome {outcome!r}.", field="outcome")


@transaction.atomic
def log_and_file_call(
    *,
    actor: User,
    number: str,
    direction: str,
    notes: str,
    duration_seconds: int | None,
    outcome: str,
    subject: str = "",
    ticket: Ticket | None = None,
    category: Category | None = None,
    new_contact_name: str = "",
    new_contact_email: str = "",
) -> tuple[Call, Ticket | None]:
    """Manual call logging in one step: the call, then the ticket it creates or joins.
    Nothing is written when any part is refused."""
    call = log_call(
        actor=actor,
        number=number,
        direction=direction,
        notes=notes,
        duration_seconds=duration_seconds,
    )
    filed = file_call(
        call=call,
        actor=actor,
        outcome=outcome,
        subject=subject,
        body=notes,
        ticket=ticket,
        category=category,
        new_contact_name=new_contact_name,
        new_contact_email=new_contact_email,
    )
    return call, filed


# Adapters (the API, the admin, the command, the demo) call this one module.
__all__ = [
    "assign_token",
    "attach_call_to_ticket",
    "authenticate",
    "call_summary",
    "complete_callback",
    "create_integration",
    "create_ticket_from_call",
    "file_call",
    "hash_token",
    "log_and_file_call",
    "log_call",
    "record_cti_event",
    "set_new_token",
]
