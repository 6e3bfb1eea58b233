"""Schemas of tickets, their timeline and attachments."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from tierdesk.api.schemas import Input, Ref, UserRef, ref, user_ref
from tierdesk.tickets.models import Attachment, Entry, Escalation, Ticket

StatusName = Literal[
    "new",
    "open",
    "pending_customer",
    "pending_vendor",
    "resolved",
    "closed",
    "reopened",
    "merged",
    "spam",
]
Level = Literal[1, 2, 3]
IntakeValue = str | int | float | bool | None


class TierRef(Schema):
    id: int
    level: int
    name: str


class DeviceRef(Schema):
    id: int
    model: str
    serial_number: str


class ContactRef(Schema):
    id: int
    name: str
    email: str


class TicketOut(Schema):
    id: int
    number: str
    subject: str
    status: StatusName
    priority: int = Field(description="1 (P1, most urgent) … 4")
    impact: int
    urgency: int
    channel: str
    tier: TierRef
    team: Ref | None
    assignee: UserRef | None
    requester: ContactRef
    organization: Ref | None
    category: Ref | None
    device: DeviceRef | None
    entitlement: str
    entitlement_reason: str
    intake_data: dict[str, Any]
    language: str
    resolution_code: str
    resolution_note: str
    follow_up_of: int | None
    merged_into: int | None
    csat_score: int | None
    version: int = Field(description="Send it back as `version` to refuse stale updates (409).")
    created_at: dt.datetime
    updated_at: dt.datetime
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_number(obj: Ticket) -> str:
        return obj.number or ""

    @staticmethod
    def resolve_tier(obj: Ticket) -> dict[str, Any]:
        return {"id": obj.tier.pk, "level": obj.tier.level, "name": obj.tier.name}

    @staticmethod
    def resolve_team(obj: Ticket) -> dict[str, Any] | None:
        return ref(obj.team)

    @staticmethod
    def resolve_assignee(obj: Ticket) -> dict[str, Any] | None:
        return user_ref(obj.assignee)

    @staticmethod
    def resolve_requester(obj: Ticket) -> dict[str, Any]:
        c = obj.requester
        return {"id": c.pk, "name": c.name or str(c), "email": c.email}

    @staticmethod
    def resolve_organization(obj: Ticket) -> dict[str, Any] | None:
        return ref(obj.organization)

    @staticmethod
    def resolve_category(obj: Ticket) -> dict[str, Any] | None:
        return ref(obj.category)

    @staticmethod
    def resolve_device(obj: Ticket) -> dict[str, Any] | None:
        d = obj.device
        if d is None:
            return None
        return {"id": d.pk, "model": d.model, "serial_number": d.serial_number}

    @staticmethod
    def resolve_follow_up_of(obj: Ticket) -> int | None:
        return obj.follow_up_of_id

    @staticmethod
    def resolve_merged_into(obj: Ticket) -> int | None:
        return obj.merged_into_id


class TicketPage(Schema):
    items: list[TicketOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null at end.")


class AttachmentIn(Input):
    filename: str = Field(min_length=1, max_length=255)
    content_type: str = Field("", max_length=255)
    content_base64: str = Field(description="The file's bytes, base64-encoded.")


class AttachmentOut(Schema):
    id: int
    ticket_id: int
    entry_id: int | None
    filename: str
    content_type: str
    size: int
    sha256: str
    is_inline: bool
    created_at: dt.datetime
    url: str

    @staticmethod
    def resolve_url(obj: Attachment) -> str:
        return f"/api/v1/attachments/{obj.id}/content"


class AttachmentPage(Schema):
    items: list[AttachmentOut]
    next_cursor: str | None


class AuthorOut(Schema):
    type: Literal["agent", "contact", "system"]
    id: int | None
    name: str


class EntryOut(Schema):
    id: int
    ticket_id: int
    kind: str
    is_public: bool
    author: AuthorOut
    body_text: str
    body_html: str
    channel: str
    created_at: dt.datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_author(obj: Entry) -> dict[str, Any]:
        if obj.author_contact_id and obj.author_contact is not None:
            c = obj.author_contact
            return {"type": "contact", "id": c.pk, "name": c.name or str(c)}
        if obj.author_user_id and obj.author_user is not None:
            u = obj.author_user
            return {"type": "agent", "id": u.pk, "name": u.get_full_name() or u.username}
        return {"type": "system", "id": None, "name": ""}

    @staticmethod
    def resolve_attachments(obj: Entry) -> list[Attachment]:
        return list(obj.attachments.all())


class EntryPage(Schema):
    items: list[EntryOut]
    next_cursor: str | None


class TicketCreateIn(Input):
    subject: str = Field(min_length=1, max_length=300)
    body: str = Field("", max_length=100_000)
    requester_id: int | None = Field(None, description="Agents: the requesting contact's id.")
    requester_email: str | None = Field(
        None,
        max_length=254,
        description="Agents: the requester's e-mail; a contact is created when unknown.",
    )
    category_id: int | None = None
    device_id: int | None = None
    impact: Level = 2
    urgency: Level = 2
    intake_data: dict[str, IntakeValue] = Field(default_factory=dict)
    team_id: int | None = Field(None, description="Agents only.")
    language: Literal["ru", "en"] | None = None
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=10)


class TicketUpdateIn(Input):
    version: int | None = Field(None, description="The version you read; 409 when stale.")
    subject: str | None = Field(None, min_length=1, max_length=300)
    category_id: int | None = None
    device_id: int | None = None
    impact: Level | None = None
    urgency: Level | None = None
    intake_data: dict[str, IntakeValue] | None = None


class AssignIn(Input):
    version: int | None = None
    assignee_id: int | None = Field(description="An agent's id, or null to unassign.")
    team_id: int | None = None


class StatusIn(Input):
    version: int | None = None
    status: StatusName
    reason: str = Field("", max_length=2000)
    resolution_code: str | None = Field(
        None, max_length=32, description="Needed to resolve: solved, kb_solution, workaround…"
    )
    note: str = Field("", max_length=10_000)
    article_id: int | None = None


class HandoffIn(Input):
    problem: str = Field(min_length=1, max_length=10_000)
    data_collected: str = Field("", max_length=10_000)
    diagnostics: str = Field("", max_length=10_000)
    tried: str = Field("", max_length=10_000)


class EscalateIn(Input):
    version: int | None = None
    to_tier: int = Field(ge=1, le=32767, description="The tier's level (1 = L1 …).")
    to_team_id: int | None = None
    reason: str = Field("", max_length=5000)
    handoff: HandoffIn
    billing_override: bool = Field(
        False, description="Supervisors: record an override for paid work."
    )


class EscalationOut(Schema):
    id: int
    ticket_id: int
    kind: str
    from_tier: int | None
    to_tier: int | None
    to_team: Ref | None
    reason: str
    problem: str
    data_collected: str
    diagnostics: str
    tried: str
    by: UserRef | None
    entitlement_before: str
    entitlement_after: str
    created_at: dt.datetime
    accepted_by: UserRef | None
    accepted_at: dt.datetime | None

    @staticmethod
    def resolve_from_tier(obj: Escalation) -> int | None:
        return obj.from_tier.level if obj.from_tier is not None else None

    @staticmethod
    def resolve_to_tier(obj: Escalation) -> int | None:
        return obj.to_tier.level if obj.to_tier is not None else None

    @staticmethod
    def resolve_to_team(obj: Escalation) -> dict[str, Any] | None:
        return ref(obj.to_team)

    @staticmethod
    def resolve_by(obj: Escalation) -> dict[str, Any] | None:
        return user_ref(obj.by_user)

    @staticmethod
    def resolve_accepted_by(obj: Escalation) -> dict[str, Any] | None:
        return user_ref(obj.accepted_by)


class EscalationPage(Schema):
    items: list[EscalationOut]
    next_cursor: str | None


class ReplyIn(Input):
    body: str = Field(min_length=1, max_length=100_000)
    body_html: str = Field("", max_length=200_000)
    version: int | None = Field(None, description="Agents: refuse the reply when stale.")
    new_status: Literal["open", "pending_customer", "pending_vendor"] | None = Field(
        None, description="Agents: the status after the reply (e.g. pending_customer)."
    )
    article_id: int | None = Field(None, description="Agents: the KB solution offered.")
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=10)


class NoteIn(Input):
    body: str = Field(min_length=1, max_length=100_000)
    body_html: str = Field("", max_length=200_000)
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=10)


class ApprovalIn(Input):
    tier: int = Field(ge=1, le=32767, description="The tier level the paid work is approved for.")
    note: str = Field(min_length=1, max_length=2000, description="Why the approval is overridden.")


class ApprovalOut(Schema):
    id: int
    ticket_id: int
    tier: int
    kind: str
    estimated_minutes: int | None
    note: str
    created_at: dt.datetime

    @staticmethod
    def resolve_tier(obj: Any) -> int:
        return int(obj.tier.level)


class CsatIn(Input):
    score: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=5000)


class MergeIn(Input):
    into_id: int = Field(description="The ticket this one is merged into.")
