"""Vendors and vendor cases (agents only): open a case from a ticket, write to the vendor, record
the vendor's case number and RMA, close it. Writes go through ``tierdesk.vendors.services``."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from tierdesk.api import access, idempotency
from tierdesk.api.auth import API_AUTH, principal
from tierdesk.api.pagination import keyset_page
from tierdesk.api.routers.ticket_schemas import EntryOut
from tierdesk.api.routers.tickets import IDEMPOTENCY_KEY
from tierdesk.api.schemas import READ_ERRORS, WRITE_ERRORS, Input, Ref, UserRef, page, ref, user_ref
from tierdesk.core import clock
from tierdesk.core.errors import InvalidInput, NotFound
from tierdesk.devices.models import Vendor
from tierdesk.tickets.models import Entry
from tierdesk.vendors import services
from tierdesk.vendors.models import OPEN_CASE_STATUSES, CaseStatus, VendorCase

router = Router(tags=["vendors"], auth=API_AUTH)


class VendorOut(Schema):
    id: int
    name: str
    email: str
    phone: str
    website: str
    turnaround_hours: int


class VendorPage(Schema):
    items: list[VendorOut]
    next_cursor: str | None


class VendorCaseOut(Schema):
    id: int
    number: str
    ticket_id: int
    vendor: Ref
    subject: str
    vendor_reference: str
    status: Literal["waiting", "answered", "closed"]
    from_tier: int
    opened_by: UserRef | None
    opened_at: dt.datetime
    due_at: dt.datetime
    overdue: bool
    first_response_at: dt.datetime | None
    last_vendor_reply_at: dt.datetime | None
    closed_at: dt.datetime | None
    close_note: str
    reminder_count: int
    rma_number: str
    rma_shipped_on: dt.date | None
    rma_received_on: dt.date | None
    rma_tracking: str

    @staticmethod
    def resolve_vendor(obj: VendorCase) -> dict[str, Any] | None:
        return ref(obj.vendor)

    @staticmethod
    def resolve_from_tier(obj: VendorCase) -> int:
        return int(obj.from_tier.level)

    @staticmethod
    def resolve_opened_by(obj: VendorCase) -> dict[str, Any] | None:
        return user_ref(obj.opened_by)

    @staticmethod
    def resolve_overdue(obj: VendorCase) -> bool:
        return obj.status == CaseStatus.WAITING and obj.due_at <= clock.now()


class VendorCasePage(Schema):
    items: list[VendorCaseOut]
    next_cursor: str | None


class VendorCaseIn(Input):
    vendor_id: int
    body: str = Field(min_length=1, max_length=50_000, description="What the vendor is told.")
    subject: str = Field("", max_length=300)
    vendor_reference: str = Field("", max_length=100)
    quote_entry_ids: list[int] = Field(
        default_factory=list,
        max_length=50,
        description="Timeline entries quoted on purpose (internal notes are never sent else).",
    )
    version: int | None = None


class VendorMessageIn(Input):
    body: str = Field(min_length=1, max_length=50_000)
    quote_entry_ids: list[int] = Field(default_factory=list, max_length=50)
    wait_for_vendor: bool = True


class VendorCasePatch(Input):
    vendor_reference: str | None = Field(None, max_length=100)
    rma_number: str | None = Field(None, max_length=100)
    rma_tracking: str | None = Field(None, max_length=100)
    rma_shipped_on: dt.date | None = None
    rma_received_on: dt.date | None = None


class CloseIn(Input):
    note: str = Field("", max_length=5000)


def _cases(request: HttpRequest) -> Any:
    access.require_agent(principal(request))
    return VendorCase.objects.select_related("vendor", "from_tier", "opened_by")


def _case(request: HttpRequest, case_id: int) -> VendorCase:
    found = _cases(request).filter(pk=case_id).first()
    if found is None:
        raise NotFound(f"No vendor case {case_id}.")
    return found  # type: ignore[no-any-return]


@router.get("/vendors", response={200: VendorPage, **READ_ERRORS}, summary="Vendors")
def list_vendors(
    request: HttpRequest,
    q: str | None = Query(None, max_length=200),
    cursor: str | None = Query(None, max_length=500),
    limit: int = Query(50, ge=1, le=100),
) -> dict[str, Any]:
    access.require_agent(principal(request))
    qs = Vendor.objects.all()
    if q and q.strip():
        qs = qs.filter(name__icontains=q.strip())
    rows, next_cursor = keyset_page(qs, order="id", cursor=cursor, limit=limit)
    return page(rows, next_cursor)


@router.get("/vendor-cases", response={200: VendorCasePage, **READ_ERRORS}, summary="Cases")
def list_vendor_cases(
    request: HttpRequest,
    show: Literal["open", "waiting", "answered", "overdue", "closed", "all"] = "open",
    vendor_id: int | None = None,
    ticket_id: int | None = None,
    cursor: str | None = Query(None, max_length=500),
    limit: int = Query(25, ge=1, le=100),
) -> dict[str, Any]:
    """Newest first. ``overdue``: waiting past the vendor's turnaround target."""
    qs = _cases(request)
    if show == "open":
        qs = qs.filter(status__in=OPEN_CASE_STATUSES)
    elif show == "overdue":
        qs = qs.filter(status=CaseStatus.WAITING, due_at__lte=clock.now())
    elif show != "all":
        qs = qs.filter(status=show)
    if vendor_id is not None:
        qs = qs.filter(vendor_id=vendor_id)
    if ticket_id is not None:
        qs = qs.filter(ticket_id=ticket_id)
    rows, next_cursor = keyset_page(qs, order="-opened_at", cursor=cursor, limit=limit)
    return page(rows, next_cursor)


@router.get("/vendor-cases/{case_id}", response={200: VendorCaseOut, **READ_ERRORS})
def get_vendor_case(request: HttpRequest, case_id: int) -> VendorCase:
    return _case(request, case_id)


@router.post(
    "/tickets/{ticket_id}/vendor-cases",
    response={201: VendorCaseOut, **WRITE_ERRORS},
    summary="Open a vendor case",
)
def open_vendor_case(
    request: HttpRequest,
    ticket_id: int,
    payload: VendorCaseIn,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
) -> HttpResponse:
    """From a tier that may open vendor cases (L3 by default) or by a supervisor: the ticket
    waits for the vendor (``pending_vendor``), the message is mailed to the vendor."""
    p = principal(request)
    ticket = access.get_ticket(p, ticket_id)
    access.require_agent(p)
    vendor = Vendor.objects.filter(pk=payload.vendor_id).first()
    if vendor is None:
        raise InvalidInput(f"There is no vendor {payload.vendor_id}.", field="vendor_id")

    def produce() -> VendorCaseOut:
        case = services.open_vendor_case(
            ticket=ticket,
            actor=p.user,
            vendor=vendor,
            body=payload.body,
            subject=payload.subject,
            vendor_reference=payload.vendor_reference,
            quote_entry_ids=payload.quote_entry_ids,
            expected_version=payload.version,
        )
        return VendorCaseOut.from_orm(_case(request, case.pk))

    return idempotency.run(request, p, idempotency_key, produce)


@router.post(
    "/vendor-cases/{case_id}/messages",
    response={201: EntryOut, **WRITE_ERRORS},
    summary="Write to the vendor",
)
def send_vendor_message(
    request: HttpRequest,
    case_id: int,
    payload: VendorMessageIn,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
) -> HttpResponse:
    p = principal(request)
    case = _case(request, case_id)

    def produce() -> EntryOut:
        sent = services.send_case_message(
            case=case,
            actor=p.user,
            body=payload.body,
            quote_entry_ids=payload.quote_entry_ids,
            wait_for_vendor=payload.wait_for_vendor,
        )
        entry = (
            Entry.objects.select_related("author_user", "author_contact")
            .prefetch_related("attachments")
            .get(pk=sent.entry.pk)
        )
        return EntryOut.from_orm(entry)

    return idempotency.run(request, p, idempotency_key, produce)


@router.patch(
    "/vendor-cases/{case_id}",
    response={200: VendorCaseOut, **WRITE_ERRORS},
    summary="Vendor's case number and RMA",
)
def update_vendor_case(request: HttpRequest, case_id: int, payload: VendorCasePatch) -> Any:
    p = principal(request)
    case = _case(request, case_id)
    services.update_case(
        case=case,
        actor=p.user,
        vendor_reference=payload.vendor_reference,
        rma_number=payload.rma_number,
        rma_tracking=payload.rma_tracking,
        rma_shipped_on=payload.rma_shipped_on,
        rma_received_on=payload.rma_received_on,
    )
    return _case(request, case_id)


@router.post(
    "/vendor-cases/{case_id}/close",
    response={200: VendorCaseOut, **WRITE_ERRORS},
    summary="Close a vendor case",
)
def close_vendor_case(request: HttpRequest, case_id: int, payload: CloseIn) -> Any:
    """A ticket still waiting for this vendor (and no other open case) goes back to open."""
    p = principal(request)
    case = _case(request, case_id)
    services.close_vendor_case(case=case, actor=p.user, note=payload.note)
    return _case(request, case_id)
