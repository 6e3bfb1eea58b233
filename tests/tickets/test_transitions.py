"""Every allowed and forbidden status transition, through the lifecycle service."""

from __future__ import annotations

import pytest

from tierdesk.core.errors import InvalidInput, InvalidTransition, NotPermitted
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import AuditEvent, Status, Ticket

ALL = list(Status.values)


def bring_to(desk, status: str) -> Ticket:  # type: ignore[no-untyped-def]
    """A ticket in ``status``, reached only through the lifecycle."""
    t = desk.ticket()
    agent = desk.agents[1]
    if status == Status.NEW:
        return t
    if status == Status.SPAM:
        lifecycle.change_status(ticket=t, actor=agent, status=Status.SPAM)
        return t
    if status == Status.MERGED:
        other = desk.ticket(subject="another")
        lifecycle.merge(ticket=t, into=other, actor=agent)
        return t
    lifecycle.change_status(ticket=t, actor=agent, status=Status.OPEN)
    if status == Status.OPEN:
        return t
    if status in (Status.PENDING_CUSTOMER, Status.PENDING_VENDOR):
        lifecycle.change_status(ticket=t, actor=agent, status=status)
        return t
    lifecycle.resolve(ticket=t, actor=agent, resolution_code="solved")
    if status == Status.RESOLVED:
        return t
    if status == Status.REOPENED:
        lifecycle.reopen(ticket=t, actor=agent)
        return t
    lifecycle.close(ticket=t, actor=agent)
    assert status == Status.CLOSED
    return t


def move(desk, t: Ticket, target: str) -> None:  # type: ignore[no-untyped-def]
    agent = desk.agents[1]
    if target == Status.RESOLVED:
        lifecycle.resolve(ticket=t, actor=agent, resolution_code="solved")
    elif target == Status.MERGED:
        lifecycle.merge(ticket=t, into=desk.ticket(subject="target"), actor=agent)
    elif target == Status.REOPENED:
        lifecycle.reopen(ticket=t, actor=agent)
    elif target == Status.CLOSED:
        lifecycle.close(ticket=t, actor=agent)
    else:
        lifecycle.change_status(ticket=t, actor=agent, status=target)


CASES = [(a, b) for a in ALL for b in ALL if a != b]


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), CASES)
def test_transition_matrix(desk, source, target):  # type: ignore[no-untyped-def]
    t = bring_to(desk, source)
    assert Ticket.objects.get(pk=t.pk).status == source
    events_before = AuditEvent.objects.filter(ticket=t).count()
    allowed = target in lifecycle.TRANSITIONS[source]
    if allowed:
        move(desk, t, target)
        fresh = Ticket.objects.get(pk=t.pk)
        assert fresh.status == target
        assert AuditEvent.objects.filter(ticket=t).count() > events_before
    else:
        with pytest.raises((InvalidTransition, InvalidInput)):
            move(desk, t, target)
        fresh = Ticket.objects.get(pk=t.pk)
        assert fresh.status == source
        assert AuditEvent.objects.filter(ticket=t).count() == events_before


@pytest.mark.django_db
def test_unknown_status_is_refused_and_writes_nothing(desk):  # type: ignore[no-untyped-def]
    t = desk.ticket()
    version = Ticket.objects.get(pk=t.pk).version
    with pytest.raises(InvalidInput, match="Unknown status 'frozen'"):
        lifecycle.change_status(ticket=t, actor=desk.agents[1], status="frozen")
    fresh = Ticket.objects.get(pk=t.pk)
    assert (fresh.status, fresh.version) == (Status.NEW, version)


@pytest.mark.django_db
def test_customers_and_anonymous_cannot_change_status(desk):  # type: ignore[no-untyped-def]
    t = desk.ticket()
    with pytest.raises(NotPermitted):
        lifecycle.change_status(ticket=t, actor=desk.contact.user, status=Status.OPEN)
    with pytest.raises(NotPermitted):
        lifecycle.change_status(ticket=t, actor=None, status=Status.OPEN)
    assert Ticket.objects.get(pk=t.pk).status == Status.NEW


@pytest.mark.django_db
def test_resolve_needs_a_known_resolution_code(desk):  # type: ignore[no-untyped-def]
    t = desk.ticket()
    with pytest.raises(InvalidInput, match="resolution code"):
        lifecycle.resolve(ticket=t, actor=desk.agents[1], resolution_code="magic")
    with pytest.raises(InvalidInput, match="resolution code"):
        lifecycle.change_status(ticket=t, actor=desk.agents[1], status=Status.RESOLVED)
    assert Ticket.objects.get(pk=t.pk).status == Status.NEW


@pytest.mark.django_db
def test_customer_reply_reopens_waiting_and_resolved_tickets(desk):  # type: ignore[no-untyped-def]
    t = desk.ticket()
    agent = desk.agents[1]
    lifecycle.reply(
        ticket=t, actor=agent, body="Please send the serial", new_status=Status.PENDING_CUSTOMER
    )
    assert t.status == Status.PENDING_CUSTOMER
    lifecycle.add_customer_message(
        ticket=t, contact=desk.contact, body="Serial A1", channel="email"
    )
    assert Ticket.objects.get(pk=t.pk).status == Status.OPEN
    lifecycle.resolve(ticket=t, actor=agent, resolution_code="solved")
    lifecycle.add_customer_message(
        ticket=t, contact=desk.contact, body="Still broken", channel="email"
    )
    fresh = Ticket.objects.get(pk=t.pk)
    assert fresh.status == Status.REOPENED
    assert fresh.reopened_count == 1


@pytest.mark.django_db
def test_reply_after_close_opens_a_linked_follow_up(desk):  # type: ignore[no-untyped-def]
    t = desk.ticket()
    agent = desk.agents[1]
    lifecycle.resolve(ticket=t, actor=agent, resolution_code="solved")
    lifecycle.close(ticket=t, actor=agent)
    entry = lifecycle.add_customer_message(
        ticket=t, contact=desk.contact, body="It broke again", channel="email"
    )
    follow = entry.ticket
    assert follow.pk != t.pk
    assert follow.follow_up_of_id == t.pk
    assert follow.status == Status.NEW
    assert Ticket.objects.get(pk=t.pk).status == Status.CLOSED


@pytest.mark.django_db
def test_customer_closes_own_open_ticket_but_not_anothers(desk):  # type: ignore[no-untyped-def]
    t = desk.ticket()
    with pytest.raises(NotPermitted):
        lifecycle.close(ticket=t, contact=desk.other_contact)
    assert Ticket.objects.get(pk=t.pk).status == Status.NEW
    lifecycle.close(ticket=t, contact=desk.contact)
    fresh = Ticket.objects.get(pk=t.pk)
    assert fresh.status == Status.CLOSED
    assert fresh.resolution_code == "cancelled"
