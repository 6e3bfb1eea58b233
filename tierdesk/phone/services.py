"""Writes for the phone channel: CTI integrations and their events, manual call logging,
tickets from calls, the call-back queue. Ticket changes go through ``tickets.lifecycle``."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from tierdesk.core import clock
from tierdesk.core.errors import InvalidInput, InvalidTransition, NotPermitted
from tierdesk.customers.services import normalize_phone
from tierdesk.phone import selectors
from tierdesk.phone.cti import CtiEvent
from tierdesk.phone.models import (
    MISSED_CAUSES,
    Call,
    Callback,
    CallState,
    CtiIntegration,
    Direction,
    Source,
)
from tierdesk.phone.numbers import display, to_e164
from tierdesk.tickets import lifecycle, permissions
from tierdesk.tickets.models import Entry, EntryKind, Ticket

if TYPE_CHECKING:
    from tierdesk.accounts.models import User
    from tierdesk.categories.models import Category
    from tierdesk.customers.models import Contact


# ---------------------------------------------------------------- integrations and tokens


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_integration(*, name: str) -> tuple[CtiIntegration, str]:
    """A new telephony integration and its token (returned once; only its hash is kept)."""
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("The integration needs a name.", field="name")
    if len(name) > 100:
        raise InvalidInput("The name is longer than 100 characters.", field="name")
    if CtiIntegration.objects.filter(name__iexact=name).exists():
        raise InvalidInput(f"A telephony integration named {name!r} exists already.", field="name")
    integration = CtiIntegration(name=name)
    token = assign_token(integration)
    integration.save()
    return integration, token


def assign_token(integration: CtiIntegration) -> str:
    """Give the (saved or unsaved) integration a fresh token; the caller saves it."""
    token = secrets.token_urlsafe(32)
    integration.token_hash = hash_token(token)
    integration.token_prefix = token[:8]
    return token


def set_new_token(*, integration: CtiIntegration) -> str:
    """Replace the integration's token (the old one stops working at once)."""
    token = assign_token(integration)
    integration.save(update_fields=["token_hash", "token_prefix"])
    return token


def authenticate(token: str) -> CtiIntegration | None:
    """The active integration owning ``token``, or None."""
    token = (token or "").strip()
    if not token or len(token) > 200:
        return None
    return CtiIntegration.objects.filter(token_hash=hash_token(token), is_active=True).first()


# ---------------------------------------------------------------- CTI events


def _locked_call(integration: CtiIntegration, event: CtiEvent) -> Call:
    now = clock.now()
    defaults = {
        "source": Source.CTI,
        "direction": event.direction,
        "state": CallState.RINGING,
        "started_at": now,
    }
    try:
        with transaction.atomic():
            call, _ = Call.objects.select_for_update().get_or_create(
                integration=integration, call_id=event.call_id, defaults=defaults
            )
    except IntegrityError:  # a duplicate event created it in parallel
        call = Call.objects.select_for_update().get(integration=integration, call_id=event.call_id)
    return call


@transaction.atomic
def record_cti_event(*, integration: CtiIntegration, event: CtiEvent) -> Call:
    """Merge one PBX event into its call. Events may come twice or out of order (a hangup
    before the newCall): each fact is kept the first time it is learnt, so a repeated event
    changes nothing and the order does not matter for the result."""
    call = _locked_call(integration, event)
    now = clock.now()
    if event.direction and not call.direction:
        call.direction = event.direction
    if event.from_number and not call.from_number:
        call.from_number = event.from_number
    if event.to_number and not call.to_number:
        call.to_number = event.to_number
    if event.queue and not call.queue:
        call.queue = event.queue
    if event.users:
        call.user_names = list(dict.fromkeys([*call.user_names, *event.users]))
    if event.answering_number and not call.answering_number:
        call.answering_number = event.answering_number

    if event.event == "newCall":
        call.started_at = min(call.started_at, now)
    elif event.event == "answer" and call.answered_at is None:
        call.answered_at = min(now, call.ended_at) if call.ended_at else now
    elif event.event == "hangup":
        if call.ended_at is None:
            call.ended_at = now
        if event.cause and not call.cause:
            call.cause = event.cause
    if call.answered_at and call.answered_at < call.started_at:
        call.started_at = call.answered_at

    _match_customer(call)
    _match_agents(call, event)
    call.state = (
        CallState.ENDED
        if call.ended_at
        else CallState.ANSWERED
        if call.answered_at
        else CallState.RINGING
    )
    newly_missed = _update_callback(call)
    call.event_count += 1
    call.save()
    CtiIntegration.objects.filter(pk=integration.pk).update(last_event_at=now)
    if newly_missed:
        _notify_missed(call)
    return call


def _match_customer(call: Call) -> None:
    if not call.direction:
        return
    raw = call.from_number if call.direction == Direction.IN else call.to_number
    number = to_e164(raw)
    if number and number != call.customer_number:
        call.customer_number = number
    if call.contact_id is None and call.customer_number:
        info = selectors.lookup_caller(call.customer_number, ticket_limit=0)
        call.contact = info.contact
        call.organization = info.organization


def _match_agents(call: Call, event: CtiEvent) -> None:
    if event.event == "answer" or (event.event == "hangup" and event.answering_number):
        # The agent who picked up: answeringNumber first, else the named user.
        agents = selectors.agents_named(event.users, number=event.answering_number)
        if agents and call.agent_id is None:
            call.agent = agents[0]
        return
    if event.event != "newCall":
        return
    agents = selectors.agents_named(event.users)
    if not agents and event.queue:
        from tierdesk.tiers.models import Team

        team = Team.objects.filter(name__iexact=event.queue).first()
        if team is not None:
            agents = [u for u in team.members.filter(is_active=True)]
    if call.pk is not None and agents:
        call.offered_to.add(*agents)
    if call.direction == Direction.OUT and len(agents) == 1 and call.agent_id is None:
        call.agent = agents[0]


def _is_missed(call: Call) -> bool:
    return (
        call.direction == Direction.IN
        and call.ended_at is not None
        and call.answered_at is None
        and call.cause in MISSED_CAUSES
    )


def _update_callback(call: Call) -> bool:
    """Put a missed inbound call in the call-back queue (or take it out again when a late
    ``answer`` shows it was answered after all). True when it has just become missed."""
    missed = _is_missed(call)
    if missed and call.callback == Callback.NONE:
        call.callback = Callback.PENDING
        return True
    if not missed and call.callback == Callback.PENDING:
        call.callback = Callback.NONE
    return False


def _notify_missed(call: Call) -> None:
    from tierdesk.notifications.services import notify_users

    who = str(call.contact) if call.contact else display(call.customer_number) or call.from_number
    notify_users(
        users=call.offered_to.all(),
        kind="missed_call",
        text=f"Missed call from {who}",
        ticket=call.ticket,
    )


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
