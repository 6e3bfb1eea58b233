"""Reference data: devices, categories with their intake forms, tiers with teams, agents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q
from django.http import HttpRequest
from ninja import Query, Router, Schema

from tierdesk.api import access
from tierdesk.api.auth import API_AUTH, principal
from tierdesk.api.pagination import keyset_page
from tierdesk.api.schemas import READ_ERRORS, Ref, page, ref
from tierdesk.categories.models import Category, IntakeField
from tierdesk.core import clock
from tierdesk.core.errors import NotFound
from tierdesk.devices.models import Device
from tierdesk.tiers.models import Team, Tier

router = Router(tags=["directory"], auth=API_AUTH)


# ---------------------------------------------------------------- devices


class DeviceOut(Schema):
    id: int
    model: str
    manufacturer: Ref | None
    serial_number: str
    purchase_date: dt.date | None
    warranty_end: dt.date | None
    under_warranty: bool
    organization: Ref | None
    contact: Ref | None

    @staticmethod
    def resolve_manufacturer(obj: Device) -> dict[str, Any] | None:
        return ref(obj.manufacturer)

    @staticmethod
    def resolve_under_warranty(obj: Device) -> bool:
        return obj.under_warranty(clock.now().date())

    @staticmethod
    def resolve_organization(obj: Device) -> dict[str, Any] | None:
        return ref(obj.organization)

    @staticmethod
    def resolve_contact(obj: Device) -> dict[str, Any] | None:
        c = obj.contact
        return None if c is None else {"id": c.pk, "name": c.name or str(c)}


class DevicePage(Schema):
    items: list[DeviceOut]
    next_cursor: str | None


def _devices(request: HttpRequest):  # type: ignore[no-untyped-def]
    return access.devices(principal(request)).select_related(
        "manufacturer", "organization", "contact"
    )


@router.get("/devices", response={200: DevicePage, **READ_ERRORS}, summary="List devices")
def list_devices(
    request: HttpRequest,
    organization_id: int | None = None,
    contact_id: int | None = None,
    serial_number: str | None = Query(None, max_length=100),
    q: str | None = Query(None, max_length=200, description="Model or serial number contains."),
    cursor: str | None = Query(None, max_length=500),
    limit: int = Query(25, ge=1, le=100),
) -> dict[str, Any]:
    qs = _devices(request)
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    if contact_id is not None:
        qs = qs.filter(contact_id=contact_id)
    if serial_number:
        qs = qs.filter(serial_number__iexact=serial_number.strip())
    if q and q.strip():
        qs = qs.filter(Q(model__icontains=q.strip()) | Q(serial_number__icontains=q.strip()))
    rows, next_cursor = keyset_page(qs, order="id", cursor=cursor, limit=limit)
    return page(rows, next_cursor)


@router.get("/devices/{device_id}", response={200: DeviceOut, **READ_ERRORS})
def get_device(request: HttpRequest, device_id: int) -> Device:
    found = _devices(request).filter(pk=device_id).first()
    if found is None:
        raise NotFound(f"No device {device_id}.")
    return found


# ---------------------------------------------------------------- categories


class IntakeFieldOut(Schema):
    name: str
    label_ru: str
    label_en: str
    type: str
    choices: list[Any]
    required: bool
    position: int
    help_text_ru: str
    help_text_en: str

    @staticmethod
    def resolve_type(obj: IntakeField) -> str:
        return obj.field_type

    @staticmethod
    def resolve_choices(obj: IntakeField) -> list[Any]:
        return list(obj.choices) if isinstance(obj.choices, list) else []


class CategoryOut(Schema):
    id: int
    name: str
    name_en: str
    parent_id: int | None
    default_tier: int | None
    default_team: Ref | None
    covered_by_warranty: bool
    require_intake_to_escalate: bool
    is_active: bool
    fields: list[IntakeFieldOut]

    @staticmethod
    def resolve_default_tier(obj: Category) -> int | None:
        return obj.default_tier.level if obj.default_tier is not None else None

    @staticmethod
    def resolve_default_team(obj: Category) -> dict[str, Any] | None:
        return ref(obj.default_team)

    @staticmethod
    def resolve_fields(obj: Category) -> list[IntakeField]:
        return list(obj.fields.all())


class CategoryPage(Schema):
    items: list[CategoryOut]
    next_cursor: str | None


def _categories(request: HttpRequest, include_inactive: bool = False):  # type: ignore[no-untyped-def]
    qs = Category.objects.select_related("default_tier", "default_team").prefetch_related(
        Prefetch("fields", queryset=IntakeField.objects.order_by("position", "pk"))
    )
    if not (include_inactive and principal(request).is_agent):
        qs = qs.filter(is_active=True)
    return qs


@router.get(
    "/categories",
    response={200: CategoryPage, **READ_ERRORS},
    summary="Categories with their intake forms",
)
def list_categories(
    request: HttpRequest,
    parent_id: int | None = None,
    include_inactive: bool = Query(False, description="Agents: inactive categories too."),
    cursor: str | None = Query(None, max_length=500),
    limit: int = Query(100, ge=1, le=100),
) -> dict[str, Any]:
    qs = _categories(request, include_inactive)
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    rows, next_cursor = keyset_page(qs, order="id", cursor=cursor, limit=limit)
    return page(rows, next_cursor)


@router.get("/categories/{category_id}", response={200: CategoryOut, **READ_ERRORS})
def get_category(request: HttpRequest, category_id: int) -> Category:
    found = _categories(request, include_inactive=True).filter(pk=category_id).first()
    if found is None:
        raise NotFound(f"No category {category_id}.")
    return found


# ---------------------------------------------------------------- tiers, teams, agents


class TeamOut(Schema):
    id: int
    name: str
    skill: str


class TierOut(Schema):
    id: int
    level: int
    name: str
    name_en: str
    requires_approval: bool
    can_open_vendor_cases: bool
    teams: list[TeamOut]

    @staticmethod
    def resolve_teams(obj: Tier) -> list[Team]:
        return list(obj.teams.all())


class TierPage(Schema):
    items: list[TierOut]
    next_cursor: str | None


@router.get("/tiers", response={200: TierPage, **READ_ERRORS}, summary="Tiers and their teams")
def list_tiers(request: HttpRequest) -> dict[str, Any]:
    """Agents only. The whole chain in one page (there are only a handful of tiers)."""
    access.require_agent(principal(request))
    tiers = list(
        Tier.objects.order_by("level").prefetch_related(
            Prefetch("teams", queryset=Team.objects.order_by("name"))
        )[:100]
    )
    return page(tiers, None)


class AgentOut(Schema):
    id: int
    username: str
    name: str
    email: str
    role: str
    tier: int | None
    teams: list[Ref]

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)

    @staticmethod
    def resolve_tier(obj: Any) -> int | None:
        return obj.tier.level if obj.tier is not None else None

    @staticmethod
    def resolve_teams(obj: Any) -> list[dict[str, Any]]:
        return [{"id": t.pk, "name": t.name} for t in obj.teams.all()]


class AgentPage(Schema):
    items: list[AgentOut]
    next_cursor: str | None


@router.get("/agents", response={200: AgentPage, **READ_ERRORS}, summary="Agents")
def list_agents(
    request: HttpRequest,
    tier: int | None = Query(None, ge=1, le=32767),
    team_id: int | None = None,
    q: str | None = Query(None, max_length=200),
    cursor: str | None = Query(None, max_length=500),
    limit: int = Query(50, ge=1, le=100),
) -> dict[str, Any]:
    """Agents only: active staff, to assign tickets to."""
    from tierdesk.accounts.models import Role, User

    access.require_agent(principal(request))
    qs = (
        User.objects.filter(is_active=True, role__in=[Role.AGENT, Role.SUPERVISOR, Role.ADMIN])
        .select_related("tier")
        .prefetch_related(Prefetch("teams", queryset=Team.objects.order_by("name")))
    )
    if tier is not None:
        qs = qs.filter(tier__level=tier)
    if team_id is not None:
        qs = qs.filter(teams__id=team_id)
    if q and q.strip():
        text = q.strip()
        qs = qs.filter(
            Q(username__icontains=text)
            | Q(first_name__icontains=text)
            | Q(last_name__icontains=text)
        )
    rows, next_cursor = keyset_page(qs, order="id", cursor=cursor, limit=limit)
    return page(rows, next_cursor)
