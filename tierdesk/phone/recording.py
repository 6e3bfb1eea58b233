"""CTI events → calls. Events may come twice or out of order; each fact of a call is kept the
first time it is learnt, so the result depends neither on repeats nor on the order."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from tierdesk.core import clock
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
