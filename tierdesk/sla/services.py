"""Writes of the SLA module outside the lifecycle's own transactions."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from tierdesk.sla.clocks import attach_clocks
from tierdesk.tickets.models import Ticket


@transaction.atomic
def start_clocks_for_open_ticket(*, ticket_id: int, started_at: dt.datetime) -> int:
    """Lock the ticket and attach its clocks as of ``started_at`` (see ``attach_clocks``)."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
    return attach_clocks(ticket=ticket, started_at=started_at)
