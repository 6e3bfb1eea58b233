"""Inbound routers claim mail before customer threading (the vendors app's hook)."""

from __future__ import annotations

import pytest

from tests.mail.conftest import build_mail
from tierdesk.mail.models import InboundState
from tierdesk.mail.outbound import queue_mail
from tierdesk.mail.routing import (
    find_outbound_for_reply,
    register_inbound_router,
    unregister_inbound_router,
)
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import EntryKind, Ticket


@pytest.fixture
def vendor_router():  # type: ignore[no-untyped-def]
    """A router like the vendors app's: replies to our vendor mail become vendor messages."""
    seen: list[tuple[str, int]] = []

    def route(message, inbound, mailbox) -> bool:  # type: ignore[no-untyped-def]
        original = find_outbound_for_reply(message, kind="vendor")
        if original is None:
            return False
        lifecycle.add_vendor_message(
            ticket=original.ticket,
            body=message.text,
            vendor_name="HP",
            email_message_id=message.message_id,
        )
        seen.append((message.message_id, inbound.pk))
        return True

    register_inbound_router(route)
    yield seen
    unregister_inbound_router(route)


@pytest.mark.django_db
def test_router_consumes_replies_to_its_own_mail(deliver, desk, vendor_router):
    ticket = deliver(build_mail(message_id="<c1@romashka.example>")).inbound.ticket
    with_vendor = queue_mail(
        to=["support@hp.example"],
        subject=f"[VC-1] [{ticket.number}] Printer error 13.A2",
        text="Please help",
        ticket=ticket,
        kind="vendor",
        related_object=desk.vendor,
    )
    answer = build_mail(
        sender="HP Support <support@hp.example>",
        subject="Re: [VC-1] Printer error 13.A2",
        body="Replace the fuser.",
        message_id="<hp.1@hp.example>",
        in_reply_to=with_vendor.message_id,
    )
    result = deliver(answer)
    assert vendor_router == [("<hp.1@hp.example>", result.inbound.pk)]
    assert result.inbound.state == InboundState.PROCESSED
    assert result.inbound.routed_by.endswith("route")
    assert Ticket.objects.count() == 1  # no customer ticket for the vendor's answer
    vendor_entry = ticket.entries.get(kind=EntryKind.VENDOR_MESSAGE)
    assert "fuser" in vendor_entry.body_text and not vendor_entry.is_public
    assert deliver(answer).duplicate  # routed once only
    assert len(vendor_router) == 1


@pytest.mark.django_db
def test_router_passes_on_what_it_does_not_know(deliver, vendor_router):
    result = deliver(build_mail())
    assert vendor_router == []
    assert result.inbound.ticket is not None
    assert result.inbound.routed_by == ""


@pytest.mark.django_db
def test_find_outbound_for_reply_uses_the_nearest_reference(desk):
    from tierdesk.mail.parsing import ParsedMessage

    first = queue_mail(to=["a@b.example"], subject="1", text="t", kind="vendor")
    second = queue_mail(to=["a@b.example"], subject="2", text="t", kind="sla")
    message = ParsedMessage(references=[first.message_id, second.message_id])
    assert find_outbound_for_reply(message) == second
    assert find_outbound_for_reply(message, kind="vendor") == first
    assert find_outbound_for_reply(ParsedMessage(in_reply_to="<unknown@x>")) is None


@pytest.mark.django_db
def test_a_router_error_keeps_the_message_as_unprocessable(deliver):
    from tierdesk.core.errors import InvalidInput

    def broken(message, inbound, mailbox) -> bool:  # type: ignore[no-untyped-def]
        raise InvalidInput("vendor case VC-9 is closed")

    register_inbound_router(broken)
    try:
        result = deliver(build_mail())
    finally:
        unregister_inbound_router(broken)
    assert result.inbound.state == InboundState.UNPROCESSABLE
    assert result.inbound.error == "vendor case VC-9 is closed"
    assert Ticket.objects.count() == 0  # the transaction rolled back
