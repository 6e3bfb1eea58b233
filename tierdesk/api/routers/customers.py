"""Contacts and organisations. Agents see all of them; a customer sees himself and his
organisation (an organisation manager also its other contacts)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db import IntegrityError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from tierdesk.api import access, idempotency
from tierdesk.api.auth import API_AUTH, principal
from tierdesk.api.pagination import keyset_page
from tierdesk.api.routers.tickets import IDEMPOTENCY_KEY
from tierdesk.api.schemas import READ_ERRORS, WRITE_ERRORS, Input, Ref, page, ref
from tierdesk.core.errors import ConflictError, InvalidInput, NotFound
from tierdesk.customers import services
from tierdesk.customers.models import Contact, Organization

router = Router(tags=["customers"], auth=API_AUTH)


class ContactOut(Schema):
    id: int
    name: str
    email: str
    emails: list[str]
    phone: str
    mobile: str
    language: str
    is_org_manager: bool
    has_portal_login: bool
    organization: Ref | None
    created_at: dt.datetime

    @staticmethod
    def resolve_emails(obj: Contact) -> list[str]:
        return sorted(e.email for e in obj.emails.all())

    @staticmethod
    def resolve_has_portal_login(obj: Contact) -> bool:
        return obj.user_id is not None

    @staticmethod
    def resolve_organization(obj: Contact) -> dict[str, Any] | None:
        return ref(obj.organization)


class ContactPage(Schema):
    items: list[ContactOut]
    next_cursor: str | None


class ContactIn(Input):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=32)
    organization_id: int | None = None
    language: Literal["ru", "en"] = "ru"
    is_org_manager: bool = False


class OrganizationOut(Schema):
    id: int
    name: str
    email_domains: list[str]
    language: str
    phone: str
    billing_allowed: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_email_domains(obj: Organization) -> list[str]:
        return obj.domain_list()


class OrganizationPage(Schema):
    items: list[OrganizationOut]
    next_cursor: str | None


def _contacts(request: HttpRequest):  # type: ignore[no-untyped-def]
    return (
        access.contacts(principal(request))
        .select_related("organization")
        .prefetch_related("emails")
    )


@router.get("/contacts", response={200: ContactPage, **READ_ERRORS}, summary="List contacts")
def list_contacts(
    request: HttpRequest,
    q: str | None = Query(None, max_length=200, description="Name or e-mail contains."),
    email: str | None = Query(None, max_length=254),
    phone: str | None = Query(None, max_length=32, description="Any format; matched in E.164."),
    organization_id: int | None = None,
    cursor: str | None = Query(None, max_length=500),
    limit: int = Query(25, ge=1, le=100),
) -> dict[str, Any]:
    qs = _contacts(request)
    if q and q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(email__icontains=q.strip()))
    if email:
        qs = qs.filter(Q(email__iexact=email.strip()) | Q(emails__email__iexact=email.strip()))
        qs = qs.distinct()
    if phone:
        try:
            normal = services.normalize_phone(phone)
        except InvalidInput as exc:
            raise InvalidInput(exc.message, field="phone") from exc
        qs = qs.filter(Q(phone=normal) | Q(mobile=normal)) if normal else qs
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    rows, next_cursor = keyset_page(qs, order="id", cursor=cursor, limit=limit)
    return page(rows, next_cursor)


@router.get("/contacts/{contact_id}", response={200: ContactOut, **READ_ERRORS})
def get_contact(request: HttpRequest, contact_id: int) -> Contact:
    found = _contacts(request).filter(pk=contact_id).first()
    if found is None:
        raise NotFound(f"No contact {contact_id}.")
    return found


@router.post("/contacts", response={201: ContactOut, **WRITE_ERRORS}, summary="Create a contact")
def create_contact(
    request: HttpRequest,
    payload: ContactIn,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
) -> HttpResponse:
    """Agents add a customer contact. An e-mail address already used by another contact is a
    conflict (409, with that contact's id)."""
    p = principal(request)
    access.require_agent(p)
    org = None
    if payload.organization_id is not None:
        org = Organization.objects.filter(pk=payload.organization_id).first()
        if org is None:
            raise InvalidInput(
                f"There is no organisation {payload.organization_id}.", field="organization_id"
            )
    email = payload.email.strip().lower()
    if email and ("@" not in email or " " in email):
        raise InvalidInput(f"Not an e-mail address: {payload.email!r}", field="email")
    try:
        phone = services.normalize_phone(payload.phone)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field="phone") from exc

    def produce() -> ContactOut:
        existing = services.find_contact_by_email(email) if email else None
        if existing is not None:
            raise ConflictError(
                f"{email} already belongs to contact {existing.pk}.", contact_id=existing.pk
            )
        try:
            contact = services.create_contact(
                name=payload.name.strip(),
                email=email,
                phone=phone,
                organization=org,
                language=payload.language,
                is_org_manager=payload.is_org_manager,
            )
        except IntegrityError as exc:
            raise ConflictError(f"{email} already belongs to another contact.") from exc
        return ContactOut.from_orm(_contacts(request).get(pk=contact.pk))

    return idempotency.run(request, p, idempotency_key, produce)


@router.get(
    "/organizations", response={200: OrganizationPage, **READ_ERRORS}, summary="Organisations"
)
def list_organizations(
    request: HttpRequest,
    q: str | None = Query(None, max_length=200),
    cursor: str | None = Query(None, max_length=500),
    limit: int = Query(25, ge=1, le=100),
) -> dict[str, Any]:
    qs = access.organizations(principal(request))
    if q and q.strip():
        qs = qs.filter(name__icontains=q.strip())
    rows, next_cursor = keyset_page(qs, order="id", cursor=cursor, limit=limit)
    return page(rows, next_cursor)


@router.get("/organizations/{organization_id}", response={200: OrganizationOut, **READ_ERRORS})
def get_organization(request: HttpRequest, organization_id: int) -> Organization:
    found = access.organizations(principal(request)).filter(pk=organization_id).first()
    if found is None:
        raise NotFound(f"No organisation {organization_id}.")
    return found
