"""Work on a ticket that costs money: time entries (``billing.services.log_time``) and quotes
for paid work that the customer approves or declines (``billing.services``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from tierdesk.api import access, idempotency, lookups
from tierdesk.api.auth import API_AUTH, principal
from tierdesk.api.pagination import keyset_page
from tierdesk.api.routers.tickets import IDEMPOTENCY_KEY
from tierdesk.api.schemas import READ_ERRORS, WRITE_ERRORS, Input, UserRef, page, user_ref
from tierdesk.billing import services as billing
from tierdesk.billing.models import Quote
from tierdesk.core.errors import NotFound, NotPermitted
from tierdesk.tickets.models import TimeEntry

router = Router(tags=["time and quotes"], auth=API_AUTH)


class TimeEntryOut(Schema):
    id: int
    ticket_id: int
    agent: UserRef
    tier: int
    minutes: int
    billable: bool
    note: str
    work_date: dt.date
    cost_rate: Decimal
    billing_rate: Decimal
    basis: str | None = Field(description="included, billable, warranty, contract, waived …")
    billable_minutes: int | None
    amount: Decimal | None
    currency: str | None
    reason: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_agent(obj: TimeEntry) -> dict[str, Any] | None:
        return user_ref(obj.agent)

    @staticmethod
    def resolve_tier(obj: TimeEntry) -> int:
        return int(obj.tier.level)

    @staticmethod
    def _charge(obj: TimeEntry) -> Any:
        return getattr(obj, "charge", None)

    @staticmethod
    def resolve_basis(obj: TimeEntry) -> str | None:
        charge = TimeEntryOut._charge(obj)
        return charge.basis if charge else None

    @staticmethod
    def resolve_billable_minutes(obj: TimeEntry) -> int | None:
        charge = TimeEntryOut._charge(obj)
        return charge.billable_minutes if charge else None

    @staticmethod
    def resolve_amount(obj: TimeEntry) -> Decimal | None:
        charge = TimeEntryOut._charge(obj)
        return charge.amount if charge else None

    @staticmethod
    def resolve_currency(obj: TimeEntry) -> str | None:
        charge = TimeEntryOut._charge(obj)
        return charge.currency if charge else None

    @staticmethod
    def resolve_reason(obj: TimeEntry) -> str | None:
        charge = TimeEntryOut._charge(obj)
        return charge.reason if charge else None


class TimeEntryPage(Schema):
    items: list[TimeEntryOut]
    next_cursor: str | None


class TimeEntryIn(Input):
    minutes: int = Field(ge=1, le=24 * 60)
    note: str = Field("", max_length=500)
    work_date: dt.date | None = Field(None, description="Default: today; never in the future.")


def _time_entries() -> Any:
    return TimeEntry.objects.select_related("agent", "tier", "charge")


@router.get(
    "/tickets/{ticket_id}/time-entries",
    response={200: TimeEntryPage, **READ_ERRORS},
    summary="Time entries",
)
def list_time_entries(
    request: HttpRequest,
    ticket_id: int,
    cursor: str | None = Query(None, max_length=500),
    limit: int = Query(50, ge=1, le=100),
) -> dict[str, Any]:
    """Agents only: minutes logged on the ticket, with the tier, rates and how they are charged."""
    p = principal(request)
    ticket = access.get_ticket(p, ticket_id)
    access.require_agent(p)
    rows, next_cursor = keyset_page(
        _time_entries().filter(ticket=ticket), order="id", cursor=cursor, limit=limit
    )
    return page(rows, next_cursor)


@router.post(
    "/tickets/{ticket_id}/time-entries",
    response={201: TimeEntryOut, **WRITE_ERRORS},
    summary="Log time",
)
def log_time(
    request: HttpRequest,
    ticket_id: int,
    payload: TimeEntryIn,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
) -> HttpResponse:
    """The caller logs minutes of his work; included contract hours are used first, the rest
    becomes billable (see the charge in the answer)."""
    p = principal(request)
    ticket = access.get_ticket(p, ticket_id)
    access.require_agent(p)

    def produce() -> TimeEntryOut:
        entry = billing.log_time(
            ticket=ticket,
            agent=p.user,
            minutes=payload.minutes,
            note=payload.note,
            work_date=payload.work_date,
        )
        return TimeEntryOut.from_orm(_time_entries().get(pk=entry.pk))

    return idempotency.run(request, p, idempotency_key, produce)


# ---------------------------------------------------------------- quotes


class QuoteOut(Schema):
    id: int
    ticket_id: int
    tier: int
    estimated_minutes: int
    billing_rate: Decimal
    amount: Decimal
    currency: str
    status: str
    note: str
    created_at: dt.datetime
    expires_at: dt.datetime
    decided_at: dt.datetime | None
    decline_reason: str

    @staticmethod
    def resolve_tier(obj: Quote) -> int:
        return int(obj.tier.level)


class QuotePage(Schema):
    items: list[QuoteOut]
    next_cursor: str | None


class QuoteIn(Input):
    tier: int = Field(ge=1, le=32767, description="The tier level the paid work is done at.")
    estimated_minutes: int = Field(ge=1, le=100_000)
    note: str = Field("", max_length=5000)
    send: bool = Field(True, description="E-mail the requester a link to approve or decline.")


class DeclineIn(Input):
    reason: str = Field("", max_length=2000)


@router.get(
    "/tickets/{ticket_id}/quotes", response={200: QuotePage, **READ_ERRORS}, summary="Quotes"
)
def list_quotes(
    request: HttpRequest,
    ticket_id: int,
    cursor: str | None = Query(None, max_length=500),
    limit: int = Query(50, ge=1, le=100),
) -> dict[str, Any]:
    ticket = access.get_ticket(principal(request), ticket_id)
    qs = Quote.objects.filter(ticket=ticket).select_related("tier")
    rows, next_cursor = keyset_page(qs, order="id", cursor=cursor, limit=limit)
    return page(rows, next_cursor)


@router.post(
    "/tickets/{ticket_id}/quotes", response={201: QuoteOut, **WRITE_ERRORS}, summary="Quote"
)
def create_quote(
    request: HttpRequest,
    ticket_id: int,
    payload: QuoteIn,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
) -> HttpResponse:
    """Agents estimate paid work at a tier (minutes × the tier's billing rate)."""
    p = principal(request)
    ticket = access.get_ticket(p, ticket_id)
    access.require_agent(p)
    tier = lookups.tier_by_level(payload.tier, field="tier")

    def produce() -> QuoteOut:
        quote = billing.create_quote(
            ticket=ticket,
            tier=tier,
            estimated_minutes=payload.estimated_minutes,
            actor=p.user,
            note=payload.note,
            send=payload.send,
        )
        return QuoteOut.from_orm(Quote.objects.select_related("tier").get(pk=quote.pk))

    return idempotency.run(request, p, idempotency_key, produce)


def _customer_quote(request: HttpRequest, quote_id: int) -> tuple[Any, Quote]:
    p = principal(request)
    quote = (
        Quote.objects.select_related("tier", "ticket")
        .filter(pk=quote_id, ticket__in=access.tickets(p))
        .first()
    )
    if quote is None:
        raise NotFound(f"No quote {quote_id}.")
    if p.is_agent or p.contact is None:
        raise NotPermitted("The customer decides on a quote; supervisors override instead.")
    return p, quote


@router.post(
    "/quotes/{quote_id}/approve", response={200: QuoteOut, **WRITE_ERRORS}, summary="Approve"
)
def approve_quote(request: HttpRequest, quote_id: int) -> Quote:
    """The customer approves the quote: paid work at its tier may go ahead."""
    p, quote = _customer_quote(request, quote_id)
    billing.approve_quote(quote=quote, contact=p.contact)
    return Quote.objects.select_related("tier").get(pk=quote.pk)


@router.post(
    "/quotes/{quote_id}/decline", response={200: QuoteOut, **WRITE_ERRORS}, summary="Decline"
)
def decline_quote(request: HttpRequest, quote_id: int, payload: DeclineIn) -> Quote:
    p, quote = _customer_quote(request, quote_id)
    billing.decline_quote(quote=quote, contact=p.contact, reason=payload.reason)
    return Quote.objects.select_related("tier").get(pk=quote.pk)
