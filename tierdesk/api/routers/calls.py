"""Phone calls (agents only): the call list and call-back queue, logging a call by hand and
filing it as a new ticket or onto an open one. Writes go through ``tierdesk.phone.services``;
the PBX's own events arrive at ``/api/v1/cti/events`` (the phone app's router)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from tierdesk.api import access, idempotency, lookups
from tierdesk.api.auth import API_AUTH, principal
from tierdesk.api.pagination import keyset_page
from tierdesk.api.routers.tickets import IDEMPOTENCY_KEY
from tierdesk.api.schemas import READ_ERRORS, WRITE_ERRORS, Input, Ref, UserRef, page, ref, user_ref
from tierdesk.core.errors import InvalidInput, NotFound
from tierdesk.customers.services import normalize_phone
from tierdesk.phone import services
from tierdesk.phone.models import Call, Callback
from tierdesk.tickets.models import Ticket

router = Router(tags=["calls"], auth=API_AUTH)


class CallOut(Schema):
    id: int
    call_id: str
    source: str
    direction: str
    state: str
    from_number: str
    to_number: str
    customer_number: str
    queue: str
    cause: str
    started_at: dt.datetime
    answered_at: dt.datetime | None
    ended_at: dt.datetime | None
    duration_seconds: int | None
    agent: UserRef | None
    contact: Ref | None
    organization: Ref | None
    ticket_id: int | None
    notes: str
    callback: str

    @staticmethod
    def resolve_agent(obj: Call) -> dict[str, Any] | None:
        return user_ref(obj.agent)

    @staticmethod
    def resolve_contact(obj: Call) -> dict[str, Any] | None:
        c = obj.contact
        return None if c is None else {"id": c.pk, "name": c.name or str(c)}

    @staticmethod
    def resolve_organization(obj: Call) -> dict[str, Any] | None:
        return ref(obj.organization)


class CallPage(Schema):
    items: list[CallOut]
    next_cursor: str | None


class CallIn(Input):
    number: str = Field(min_length=1, max_length=32, description="Any format; kept in E.164.")
    direction: Literal["in", "out"] = "in"
    notes: str = Field("", max_length=10_000)
    contact_id: int | None = Field(None, description="Default: looked up by the number.")
    started_at: dt.datetime | None = None
    duration_seconds: int | None = Field(None, ge=0, le=24 * 3600)


class FileIn(Input):
    outcome: Literal["new", "attach", "none"]
    subject: str = Field("", max_length=300)
    body: str = Field("", max_length=100_000)
    ticket_id: int | None = Field(None, description="For attach: the open ticket.")
    category_id: int | None = None
    new_contact_name: str = Field("", max_length=200)
    new_contact_email: str = Field("", max_length=254)


class FiledOut(Schema):
    call: CallOut
    ticket_id: int | None


class CallbackIn(Input):
    note: str = Field("", max_length=5000)


class CallbackOut(Schema):
    completed: int = Field(description="Calls from this number that left the call-back queue.")


def _calls(request: HttpRequest) -> Any:
    access.require_agent(principal(request))
    return Call.objects.select_related("agent", "contact", "organization")


def _call(request: HttpRequest, call_id: int) -> Call:
    found = _calls(request).filter(pk=call_id).first()
    if found is None:
        raise NotFound(f"No call {call_id}.")
    return found  # type: ignore[no-any-return]


@router.get("/calls", response={200: CallPage, **READ_ERRORS}, summary="Calls")
def list_calls(
    request: HttpRequest,
    callback: Literal["pending", "done"] | None = Query(
        None, description="pending: the call-back queue."
    ),
    state: Literal["ringing", "answered", "ended"] | None = None,
    number: str | None = Query(None, max_length=32, description="The customer's number."),
    contact_id: int | None = None,
    ticket_id: int | None = None,
    cursor: str | None = Query(None, max_length=500),
    limit: int = Query(25, ge=1, le=100),
) -> dict[str, Any]:
    """Newest first."""
    qs = _calls(request)
    if callback:
        qs = qs.filter(callback=Callback.PENDING if callback == "pending" else Callback.DONE)
    if state:
        qs = qs.filter(state=state)
    if number:
        try:
            qs = qs.filter(customer_number=normalize_phone(number))
        except InvalidInput as exc:
            raise InvalidInput(exc.message, field="number") from exc
    if contact_id is not None:
        qs = qs.filter(contact_id=contact_id)
    if ticket_id is not None:
        qs = qs.filter(ticket_id=ticket_id)
    rows, next_cursor = keyset_page(qs, order="-started_at", cursor=cursor, limit=limit)
    return page(rows, next_cursor)


@router.get("/calls/{call_id}", response={200: CallOut, **READ_ERRORS})
def get_call(request: HttpRequest, call_id: int) -> Call:
    return _call(request, call_id)


@router.post("/calls", response={201: CallOut, **WRITE_ERRORS}, summary="Log a call")
def log_call(
    request: HttpRequest,
    payload: CallIn,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
) -> HttpResponse:
    """An agent logs a call by hand; the caller's number is looked up to a contact."""
    p = principal(request)
    access.require_agent(p)
    contact = (
        lookups.contact(p, payload.contact_id, field="contact_id")
        if payload.contact_id is not None
        else None
    )

    def produce() -> CallOut:
        call = services.log_call(
            actor=p.user,
            number=payload.number,
            direction=payload.direction,
            notes=payload.notes,
            contact=contact,
            started_at=payload.started_at,
            duration_seconds=payload.duration_seconds,
        )
        return CallOut.from_orm(_call(request, call.pk))

    return idempotency.run(request, p, idempotency_key, produce)


@router.post("/calls/{call_id}/file", response={200: FiledOut, **WRITE_ERRORS}, summary="File")
def file_call(request: HttpRequest, call_id: int, payload: FileIn) -> dict[str, Any]:
    """``new``: open a ticket (channel phone) for the caller; ``attach``: put the call on an
    open ticket's timeline (agents only); ``none``: just keep it logged."""
    p = principal(request)
    call = _call(request, call_id)
    ticket = None
    if payload.ticket_id is not None:
        ticket = Ticket.objects.filter(pk=payload.ticket_id).first()
        if ticket is None:
            raise InvalidInput(f"There is no ticket {payload.ticket_id}.", field="ticket_id")
    with transaction.atomic():
        filed = services.file_call(
            call=call,
            actor=p.user,
            outcome=payload.outcome,
            subject=payload.subject,
            body=payload.body,
            ticket=ticket,
            category=lookups.category(p, payload.category_id),
            new_contact_name=payload.new_contact_name,
            new_contact_email=payload.new_contact_email,
        )
    return {"call": _call(request, call.pk), "ticket_id": filed.pk if filed else None}


@router.post(
    "/calls/{call_id}/callback-done",
    response={200: CallbackOut, **WRITE_ERRORS},
    summary="Called back",
)
def complete_callback(request: HttpRequest, call_id: int, payload: CallbackIn) -> dict[str, int]:
    """The agent called the customer back: his pending call-backs leave the queue."""
    p = principal(request)
    call = _call(request, call_id)
    return {"completed": services.complete_callback(call=call, actor=p.user, note=payload.note)}
