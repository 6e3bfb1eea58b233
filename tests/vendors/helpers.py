"""Helpers for vendor tests: bring a ticket to L3 through the lifecycle."""

from __future__ import annotations

from tests.factories import handoff
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import Ticket


def at_tier(desk, level: int = 3, **kwargs) -> Ticket:  # type: ignore[no-untyped-def]
    """A ticket (device under warranty, so every tier is free) escalated up to ``level``."""
    params = {"intake_data": {"device_model": "LaserJet"}, "device": desk.device_in_warranty}
    params.update(kwargs)
    ticket = desk.ticket(**params)
    for lvl in range(2, level + 1):
        lifecycle.escalate(
            ticket=ticket, actor=desk.agents[lvl - 1], to_tier=desk.tiers[lvl], handoff=handoff()
        )
        lifecycle.accept_escalation(ticket=ticket, actor=desk.agents[lvl])
    return ticket
