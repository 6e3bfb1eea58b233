"""Tickets: list (filters, cursor pages), create, read, update, assign, status, escalate, merge,
paid-work approval and satisfaction. Every write is one call into ``tickets.lifecycle``."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from ninja import Field, Header, Query, Router, Schema

from tierdesk.api import access, idempotency, lookups, uploads
from tierdesk.api.auth import API_AUTH, principal
from tierdesk.api.pagination import keyset_page
from tierdesk.api.routers.ticket_schemas import (
    ApprovalIn,
    ApprovalOut,
    AssignIn,
    CsatIn,
    EscalateIn,
    EscalationOut,
    EscalationPage,
    MergeIn,
    StatusIn,
    StatusName,
    TicketCreateIn,
    TicketOut,
    TicketPage,
    TicketUpdateIn,
)
from tierdesk.api.schemas import READ_ERRORS, WRITE_ERRORS, page
from tierdesk.core.errors import ConflictError, InvalidInput, NotPermitted
from tierdesk.customers.models import Contact
from tierdesk.customers.services import get_or_create_contact_by_email
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import (
    OPEN_STATUSES,
    Escalation,
    Status,
    Ticket,
)

router = Router(tags=["tickets"], auth=API_AUTH)

IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    description="Makes a retried create safe: the same key returns the first answer.",
)


class TicketFilter(Schema):
    status: list[StatusName] | None = Field(None, description="Repeat for several statuses.")
    open: bool | None = Field(None, description="Only open (true) or only finished (false).")
    tier: int | None = Field(None, ge=1, le=32767, description="Tier level.")
    team_id: int | None = None
    assignee_id: int | None = None
    unassigned: bool | None = None
    mine: bool | None = Field(None, description="Assigned to the caller.")
    organization_id: int | None = None
    requester_id: int | None = None
    category_id: int | None = None
    device_id: int | None = None
    priority: int | None = Field(None, ge=1, le=4)
    entitlement: Literal["warranty", "contract", "billable", "not_covered"] | None = None
    channel: Literal["email", "portal", "phone", "api", "agent"] | None = None
    q: str | None = Field(None, max_length=200, description="Number or words of the subject.")
    updated_since: dt.datetime | None = None
    created_since: dt.datetime | None = None
    order: Literal["-updated_at", "updated_at", "-created_at", "created_at"] = "-updated_at"
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(25, ge=1, le=100)


def _filtered(request: HttpRequest, f: TicketFilter) -> Q:
    p = principal(request)
    q = Q()
    if f.status:
        q &= Q(status__in=f.status)
    if f.open is True:
        q &= Q(status__in=OPEN_STATUSES)
    elif f.open is False:
        q &= ~Q(status__in=OPEN_STATUSES)
    if f.tier is not None:
        q &= Q(tier__level=f.tier)
    for name in ("team_id", "assignee_id", "organization_id", "requester_id"):
        value = getattr(f, name)
        if value is not None:
            q &= Q(**{name: value})
    for name in ("category_id", "device_id", "priority", "entitlement", "channel"):
        value = getattr(f, name)
        if value is not None:
            q &= Q(**{name: value})
    if f.unassigned is True:
        q &= Q(assignee__isnull=True)
    elif f.unassigned is False:
        q &= Q(assignee__isnull=False)
    if f.mine:
        q &= Q(assignee_id=p.user.pk)
    if f.q:
        text = f.q.strip()
        if text:
            q &= Q(number__iexact=text) | Q(subject__icontains=text)
    if f.updated_since is not None:
        q &= Q(updated_at__gte=f.updated_since)
    if f.created_since is not None:
        q &= Q(created_at__gte=f.created_since)
    return q


@router.get("", response={200: TicketPage, **READ_ERRORS}, summary="List tickets")
def list_tickets(request: HttpRequest, filters: Query[TicketFilter]) -> dict[str, Any]:
    """Tickets the caller may see, newest activity first, a page at a time (``next_cursor``)."""
    p = principal(request)
    qs = (
        access.tickets(p).filter(_filtered(request, filters)).select_related(*access.TICKET_RELATED)
    )
    rows, cursor = keyset_page(qs, order=filters.order, cursor=filters.cursor, limit=filters.limit)
    return page(rows, cursor)


def _contact_for_email(email: str) -> Contact:
    try:
        return get_or_create_contact_by_email(email=email)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field="requester_email") from exc


def _check_version(ticket: Ticket, version: int | None) -> None:
    if version is not None and version != ticket.version:
        raise ConflictError(
            f"Ticket {ticket.number} was changed after you read it (your version {version}, "
            f"now {ticket.version}). Reload it and try again.",
            current_version=ticket.version,
        )


def _reload(ticket_id: int) -> Ticket:
    return Ticket.objects.select_related(*access.TICKET_RELATED).get(pk=ticket_id)


@router.post("", response={201: TicketOut, **WRITE_ERRORS}, summary="Create a ticket")
def create_ticket(
    request: HttpRequest,
    payload: TicketCreateIn,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
) -> HttpResponse:
    """Agents name the requester (``requester_id`` or ``requester_email``); a customer always
    opens a ticket for himself. The ticket starts at the category's tier (L1 by default)."""
    p = principal(request)
    requester: Contact | None = None
    if p.is_agent:
        if payload.requester_id is not None:
            requester = lookups.contact(p, payload.requester_id)
        elif not payload.requester_email:
            raise InvalidInput(
                "Name the requester: requester_id or requester_email.", field="requester_id"
            )
        team = lookups.team(payload.team_id)
    else:
        assert p.contact is not None
        requester = p.contact
        if payload.requester_id not in (None, requester.pk) or (
            payload.requester_email
            and payload.requester_email.strip().lower() != requester.email.lower()
        ):
            raise NotPermitted("Customers open tickets for themselves only.")
        if payload.team_id is not None:
            raise NotPermitted("Customers do not choose the team.")
        team = None
    category = lookups.category(p, payload.category_id)
    device = lookups.device(p, payload.device_id)
    files = uploads.decode(payload.attachments)

    def produce() -> TicketOut:
        # A contact made for an unknown e-mail is created in the same transaction as the
        # ticket, so a refused ticket leaves no contact behind.
        who = requester or _contact_for_email(payload.requester_email or "")
        ticket = lifecycle.create_ticket(
            subject=payload.subject,
            body=payload.body,
            requester=who,
            channel="api",
            actor=p.user if p.is_agent else None,
            category=category,
            device=device,
            impact=payload.impact,
            urgency=payload.urgency,
            intake_data=payload.intake_data,
            team=team,
            language=payload.language,
        )
        if files:
            uploads.store(ticket, ticket.entries.order_by("pk").first(), files)
        return TicketOut.from_orm(_reload(ticket.pk))

    return idempotency.run(request, p, idempotency_key, produce)


@router.get("/{ticket_id}", response={200: TicketOut, **READ_ERRORS}, summary="Get a ticket")
def get_ticket(request: HttpRequest, ticket_id: int) -> Ticket:
    return access.get_ticket(principal(request), ticket_id)


@router.patch("/{ticket_id}", response={200: TicketOut, **WRITE_ERRORS}, summary="Update a ticket")
def update_ticket(request: HttpRequest, ticket_id: int, payload: TicketUpdateIn) -> Ticket:
    """Subject, category, device, impact/urgency (priority follows) and intake data (merged
    into what was collected). Agents only; send ``version`` to refuse a stale update."""
    p = principal(request)
    ticket = access.get_ticket(p, ticket_id)
    access.require_agent(p)
    lifecycle.update_details(
        ticket=ticket,
        actor=p.user,
        expected_version=payload.version,
        subject=payload.subject,
        category=lookups.category(p, payload.category_id),
        device=lookups.device(p, payload.device_id),
        impact=payload.impact,
        urgency=payload.urgency,
        intake_data=payload.intake_data,
    )
    return _reload(ticket.pk)


@router.post("/{ticket_id}/assign", response={200: TicketOut, **WRITE_ERRORS}, summary="Assign")
def assign_ticket(request: HttpRequest, ticket_id: int, payload: AssignIn) -> Ticket:
    """Give the ticket to an agent of its tier (or to nobody). Only supervisors reassign across
    tiers, and even they escalate first."""
    p = principal(request)
    ticket = access.get_ticket(p, ticket_id)
    access.require_agent(p)
    assignee = lookups.agent(payload.assignee_id) if payload.assignee_id is not None else None
    lifecycle.assign(
        ticket=ticket,
        actor=p.user,
        assignee=assignee,
        team=lookups.team(payload.team_id),
        expected_version=payload.version,
    )
    return _reload(ticket.pk)


@router.post(
    "/{ticket_id}/status", response={200: TicketOut, **WRITE_ERRORS}, summary="Change status"
)
def change_status(request: HttpRequest, ticket_id: int, payload: StatusIn) -> Ticket:
    """Agents move a ticket along the allowed transitions; ``resolved`` needs a
    ``resolution_code``. A customer may only close or reopen his ticket."""
    p = principal(request)
    ticket = access.get_ticket(p, ticket_id)
    status = payload.status
    if not p.is_agent:
        if status == Status.CLOSED:
            lifecycle.close(ticket=ticket, contact=p.contact, reason=payload.reason)
        elif status == Status.REOPENED:
            lifecycle.reopen(ticket=ticket, contact=p.contact, reason=payload.reason)
        else:
            raise NotPermitted("Customers may close or reopen their tickets, nothing else.")
        return _reload(ticket.pk)
    if status == Status.RESOLVED:
        if not payload.resolution_code:
            raise InvalidInput(
                "Resolving needs a resolution_code: " + ", ".join(lifecycle.RESOLUTION_CODES),
                field="resolution_code",
            )
        lifecycle.resolve(
            ticket=ticket,
            actor=p.user,
            resolution_code=payload.resolution_code,
            note=payload.note,
            article=lookups.article(p, payload.article_id),
            expected_version=payload.version,
        )
    elif status == Status.REOPENED:
        _check_version(ticket, payload.version)
        lifecycle.reopen(ticket=ticket, actor=p.user, reason=payload.reason)
    else:
        lifecycle.change_status(
            ticket=ticket,
            actor=p.user,
            status=status,
            expected_version=payload.version,
            reason=payload.reason,
        )
    return _reload(ticket.pk)


@router.post(
    "/{ticket_id}/escalate", response={200: EscalationOut, **WRITE_ERRORS}, summary="Escalate"
)
def escalate_ticket(request: HttpRequest, ticket_id: int, payload: EscalateIn) -> Escalation:
    """Move the ticket to another tier with a hand-off (problem, data collected, diagnostics,
    what was tried). Skipping a tier, entering a tier that needs approval, or paid work outside
    the entitlement answers 409 ``approval_required`` unless a supervisor does it."""
    p = principal(request)
    ticket = access.get_ticket(p, ticket_id)
    access.require_agent(p)
    to_tier = lookups.tier_by_level(payload.to_tier)
    escalation = lifecycle.escalate(
        ticket=ticket,
        actor=p.user,
        to_tier=to_tier,
        to_team=lookups.team(payload.to_team_id, field="to_team_id"),
        handoff=lifecycle.Handoff(**payload.handoff.model_dump()),
        reason=payload.reason,
        expected_version=payload.version,
        billing_override=payload.billing_override,
    )
    return Escalation.objects.select_related(
        "from_tier", "to_tier", "to_team", "by_user", "accepted_by"
    ).get(pk=escalation.pk)


@router.get(
    "/{ticket_id}/escalations",
    response={200: EscalationPage, **READ_ERRORS},
    summary="Escalations and hand-offs",
)
def list_escalations(
    request: HttpRequest,
    ticket_id: int,
    cursor: str | None = Query(None, max_length=500),
    limit: int = Query(50, ge=1, le=100),
) -> dict[str, Any]:
    p = principal(request)
    ticket = access.get_ticket(p, ticket_id)
    access.require_agent(p)
    qs = Escalation.objects.filter(ticket=ticket).select_related(
        "from_tier", "to_tier", "to_team", "by_user", "accepted_by"
    )
    rows, next_cursor = keyset_page(qs, order="created_at", cursor=cursor, limit=limit)
    return page(rows, next_cursor)


@router.post("/{ticket_id}/accept", response={200: EscalationOut, **WRITE_ERRORS}, summary="Accept")
def accept_escalation(request: HttpRequest, ticket_id: int) -> Escalation:
    """An agent of the receiving tier takes the escalated ticket."""
    p = principal(request)
    ticket = access.get_ticket(p, ticket_id)
    access.require_agent(p)
    escalation = lifecycle.accept_escalation(ticket=ticket, actor=p.user)
    return Escalation.objects.select_related(
        "from_tier", "to_tier", "to_team", "by_user", "accepted_by"
    ).get(pk=escalation.pk)


@router.post(
    "/{ticket_id}/approvals",
    response={201: ApprovalOut, **WRITE_ERRORS},
    summary="Override the billing approval",
)
def override_approval(request: HttpRequest, ticket_id: int, payload: ApprovalIn) -> HttpResponse:
    """A supervisor lets paid work at a tier go ahead without the customer's approval (the
    reason is required; pending quotes for that tier are withdrawn). Customers approve paid
    work by approving its quote (``POST /quotes/{id}/approve``)."""
    p = principal(request)
    ticket = access.get_ticket(p, ticket_id)
    access.require_agent(p)
    tier = lookups.tier_by_level(payload.tier, field="tier")

    def produce() -> ApprovalOut:
        from tierdesk.billing.services import override_approval as override

        approval = override(ticket=ticket, tier=tier, actor=p.user, note=payload.note)
        return ApprovalOut.from_orm(approval)

    return idempotency.run(request, p, None, produce)


@router.post("/{ticket_id}/csat", response={200: TicketOut, **WRITE_ERRORS}, summary="Rate")
def rate_ticket(request: HttpRequest, ticket_id: int, payload: CsatIn) -> Ticket:
    """The customer rates the help (1–5) once the ticket is resolved."""
    p = principal(request)
    ticket = access.get_ticket(p, ticket_id)
    if p.contact is None or p.is_agent:
        raise NotPermitted("Only the customer rates the help.")
    lifecycle.record_csat(
        ticket=ticket, contact=p.contact, score=payload.score, comment=payload.comment
    )
    return _reload(ticket.pk)


@router.post("/{ticket_id}/merge", response={200: TicketOut, **WRITE_ERRORS}, summary="Merge")
def merge_ticket(request: HttpRequest, ticket_id: int, payload: MergeIn) -> Ticket:
    p = principal(request)
    ticket = access.get_ticket(p, ticket_id)
    access.require_agent(p)
    into = Ticket.objects.filter(pk=payload.into_id).first()
    if into is None:
        raise InvalidInput(f"There is no ticket {payload.into_id}.", field="into_id")
    lifecycle.merge(ticket=ticket, into=into, actor=p.user)
    return _reload(ticket.pk)
