"""Reads of the billing app: quotes, signed links, time on a ticket."""

from __future__ import annotations

from django.core import signing
from django.db.models import Q, QuerySet

from tierdesk.billing.models import Quote, QuoteStatus, TimeCharge
from tierdesk.core import clock
from tierdesk.tickets.models import Ticket, TimeEntry

SALT = "tierdesk.billing.quote"


def pending_quotes(ticket: Ticket) -> list[Quote]:
    """Quotes on ``ticket`` waiting for the customer (not expired), newest first."""
    return list(
        Quote.objects.filter(
            ticket=ticket, status=QuoteStatus.PENDING, expires_at__gt=clock.now()
        ).select_related("tier")
    )


def quotes_for_ticket(ticket: Ticket) -> QuerySet[Quote]:
    return Quote.objects.filter(ticket=ticket).select_related("tier", "decided_by_contact")


def quote_link_token(quote: Quote) -> str:
    """The signed part of the approval link e-mailed to the customer."""
    return signing.dumps({"q": quote.pk, "t": quote.token}, salt=SALT, compress=True)


def quote_from_link_token(token: str) -> Quote | None:
    """The quote a signed link points to; None when the link is forged or altered."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    pk, nonce = data.get("q"), data.get("t")
    if not isinstance(pk, int) or not isinstance(nonce, str):
        return None
    return (
        Quote.objects.filter(pk=pk, token=nonce).select_related("ticket", "tier", "sent_to").first()
    )


def time_entries(ticket: Ticket) -> QuerySet[TimeEntry]:
    return (
        TimeEntry.objects.filter(ticket=ticket)
        .select_related("agent", "tier", "charge")
        .order_by("work_date", "pk")
    )


def charges_for(*, organization_id: int, month_start: object) -> QuerySet[TimeCharge]:
    return TimeCharge.objects.filter(
        Q(organization_id=organization_id) & Q(month=month_start)
    ).select_related("entry__ticket", "entry__tier", "entry__agent")
