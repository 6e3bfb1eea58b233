"""The entry point through which the ticket lifecycle moves SLA clocks.

``tickets.lifecycle`` calls :func:`sync_clocks` inside the transaction of every change it makes
(DESIGN §3: one service checks the transition, writes the audit event and moves the clocks).
The SLA module decides what each change means for each clock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tierdesk.tickets.models import Ticket


def sync_clocks(*, ticket: Ticket, event: str, **context: Any) -> None:
    """Start, pause, resume, stop or re-target the ticket's clocks after ``event``.

    Events: ``created``, ``public_reply``, ``customer_message``, ``status_changed``,
    ``escalated``, ``resolved``, ``reopened``, ``closed``, ``priority_changed``.
    Until SLA policies are configured there are no clocks to move.
    """
    return None
