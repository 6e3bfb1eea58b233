"""Quotes for paid work, as the portal shows them. The billing app owns quotes; the portal only
lists the pending ones of a ticket and passes the customer's decision on. While the billing app
is not installed the portal simply shows no quotes."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tierdesk.core.errors import NotFound
from tierdesk.customers.models import Contact
from tierdesk.tickets.models import Ticket


def pending_for(ticket: Ticket) -> list[Any]:
    try:
        from tierdesk.billing.selectors import pending_quotes
    except ImportError:
        return []
    return list(pending_quotes(ticket))


def _pending(ticket: Ticket, quote_id: int) -> Any:
    quote = next((q for q in pending_for(ticket) if q.pk == quote_id), None)
    if quote is None:
        raise NotFound(_("This quote is no longer waiting for a decision."))
    return quote


def approve(*, ticket: Ticket, quote_id: int, contact: Contact) -> Any:
    from tierdesk.billing.services import approve_quote

    return approve_quote(quote=_pending(ticket, quote_id), contact=contact)


def decline(*, ticket: Ticket, quote_id: int, contact: Contact, reason: str = "") -> Any:
    from tierdesk.billing.services import decline_quote

    return decline_quote(quote=_pending(ticket, quote_id), contact=contact, reason=reason)
