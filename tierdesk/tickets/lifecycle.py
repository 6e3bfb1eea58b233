"""The ticket lifecycle (DESIGN §3): the ONLY writer of ``Ticket.status`` and ``Ticket.tier``.

Every public function here is one atomic change: it reloads and locks the ticket, checks the
caller's ``expected_version`` (optimistic concurrency), checks the transition, writes the change,
its audit event and its timeline entry, moves the SLA clocks, and publishes a domain event after
commit. Views, API handlers, mail handlers and jobs call these functions; none of them assigns
status or tier themselves (a test fails the build if one does).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F

from tierdesk.categories.intake import clean_intake, missing_required
from tierdesk.contracts.entitlement import Kind
from tierdesk.contracts.selectors import decide_entitlement
from tierdesk.core import clock
from tierdesk.core.conf import setting
from tierdesk.core.errors import (
    ApprovalRequired,
    ConflictError,
    InvalidInput,
    InvalidTransition,
    NotPermitted,
)
from tierdesk.core.events import publish_on_commit
from tierdesk.sla.clocks import sync_clocks
from tierdesk.tickets import permissions
from tierdesk.tickets.models import (
    OPEN_STATUSES,
    ApprovalKind,
    AuditEvent,
    Entry,
    EntryKind,
    Escalation,
    EscalationKind,
    Status,
    Ticket,
    WorkApproval,
)
from tierdesk.tiers.models import Team, Tier
from tierdesk.tiers.selectors import first_tier

if TYPE_CHECKING:
    from tierdesk.accounts.models import User
    from tierdesk.categories.models import Category
    from tierdesk.customers.models import Contact
    from tierdesk.devices.models import Device
    from tierdesk.kb.models import Article

# Which status may follow which. Escalation, replies and customer messages move status through
# the same table; "closed", "merged" and "spam" are final except that spam can be undone.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {
            Status.OPEN,
            Status.PENDING_CUSTOMER,
            Status.PENDING_VENDOR,
            Status.RESOLVED,
            Status.MERGED,
            Status.SPAM,
        }
    ),
    Status.OPEN: frozenset(
        {
            Status.PENDING_CUSTOMER,
            Status.PENDING_VENDOR,
            Status.RESOLVED,
            Status.MERGED,
            Status.SPAM,
        }
    ),
    Status.REOPENED: frozenset(
        {
            Status.OPEN,
            Status.PENDING_CUSTOMER,
            Status.PENDING_VENDOR,
            Status.RESOLVED,
            Status.MERGED,
        }
    ),
    Status.PENDING_CUSTOMER: frozenset(
        {Status.OPEN, Status.PENDING_VENDOR, Status.RESOLVED, Status.MERGED}
    ),
    Status.PENDING_VENDOR: frozenset(
        {Status.OPEN, Status.PENDING_CUSTOMER, Status.RESOLVED, Status.MERGED}
    ),
    Status.RESOLVED: frozenset({Status.REOPENED, Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.MERGED: frozenset(),
    Status.SPAM: frozenset({Status.OPEN}),
}

RESOLUTION_CODES = {
    "solved": "Solved",
    "kb_solution": "Solved with a standard solution",
    "workaround": "Workaround provided",
    "vendor_fix": "Fixed by the vendor",
    "no_fault": "No fault found",
    "duplicate": "Duplicate",
    "cancelled": "Cancelled by the customer",
    "not_reproducible": "Not reproducible",
}


def priority_for(impact: int, urgency: int) -> int:
    """P1–P4 from impact × urgency (each 1 = high … 3 = low), the usual ITIL matrix."""
    if impact not in (1, 2, 3) or urgency not in (1, 2, 3):
        raise InvalidInput("Impact and urgency must each be 1 (high), 2 (medium) or 3 (low).")
    return {2: 1, 3: 2, 4: 3, 5: 4, 6: 4}[impact + urgency]


def format_number(pk: int) -> str:
    return f"{setting('TICKET_PREFIX')}-{pk:06d}"


@dataclasses.dataclass(frozen=True)
class Handoff:
    """What travels with an escalation so the next tier does not ask the customer again."""

    problem: str
    data_collected: str = ""
    diagnostics: str = ""
    tried: str = ""

    def validate(self, *, kind: str) -> None:
        if not self.problem.strip():
            raise InvalidInput("The hand-off needs a problem statement.", field="problem")
        if kind in (EscalationKind.UP, EscalationKind.SKIP) and not (
            self.data_collected.strip() or self.diagnostics.strip() or self.tried.strip()
        ):
            raise InvalidInput(
                "The hand-off must say what data was collected, what diagnostics were done "
                "or what was tried.",
                field="tried",
            )


# ---------------------------------------------------------------- internal helpers


def _lock(ticket: Ticket | int, expected_version: int | None) -> Ticket:
    """Reload and lock the ticket; refuse the change when the caller's copy is stale."""
    pk = ticket if isinstance(ticket, int) else ticket.pk
    fresh = Ticket.objects.select_for_update().get(pk=pk)
    if expected_version is not None and fresh.version != expected_version:
        since = list(
            AuditEvent.objects.filter(ticket=fresh, version__gt=expected_version)
            .select_related("actor", "actor_contact")
            .order_by("version")
        )
        who = ", ".join(
            sorted(
                {
                    (e.actor.get_full_name() or e.actor.username)
                    if e.actor
                    else (str(e.actor_contact) if e.actor_contact else "system")
                    for e in since
                }
            )
        )
        raise ConflictError(
            f"Ticket {fresh.number} was changed by {who or 'someone else'} after you opened it "
            f"(your version {expected_version}, now {fresh.version}). Review the change and try "
            "again.",
            current_version=fresh.version,
            changes=[{"action": e.action, "changes": e.changes} for e in since],
        )
    return fresh


def _touch(ticket: Ticket, now: dt.datetime) -> None:
    ticket.version = ticket.version + 1
    ticket.updated_at = now
    ticket.last_activity_at = now


def _audit(
    ticket: Ticket,
    action: str,
    *,
    actor: User | None = None,
    contact: Contact | None = None,
    changes: Mapping[str, Any] | None = None,
    now: dt.datetime,
) -> AuditEvent:
    return AuditEvent.objects.create(
        ticket=ticket,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_contact=contact,
        changes=dict(changes or {}),
        version=ticket.version,
        created_at=now,
    )


def _system_entry(ticket: Ticket, text: str, now: dt.datetime, **data: Any) -> Entry:
    return Entry.objects.create(
        ticket=ticket,
        kind=EntryKind.SYSTEM_EVENT,
        is_public=False,
        body_text=text,
        data=data,
        created_at=now,
    )


def _set_status(ticket: Ticket, new: str, now: dt.datetime) -> str:
    """Check the transition and apply it; returns the old status."""
    if new not in Status.values:
        raise InvalidInput(f"Unknown status {new!r}.", field="status")
    old = ticket.status
    if new == old:
        return old
    if new not in TRANSITIONS[old]:
        raise InvalidTransition(
            f"A ticket cannot go from {Status(old).label} to {Status(new).label}.",
            from_status=old,
            to_status=new,
        )
    ticket.status = new
    if new == Status.RESOLVED:
        ticket.resolved_at = now
    if new == Status.CLOSED:
        ticket.closed_at = now
    if new == Status.REOPENED:
        ticket.reopened_count += 1
        ticket.resolved_at = None
    return old


def _require_agent(actor: User | None) -> User:
    if not permissions.is_agent(actor):
        raise NotPermitted("Only support agents may do this.")
    assert actor is not None
    return actor


def _apply_entitlement(ticket: Ticket, tier: Tier, now: dt.datetime) -> str:
    decided = decide_entitlement(
        on=now.date(),
        tier_level=tier.level,
        channel=ticket.channel,
        organization=ticket.organization,
        device=ticket.device,
        category=ticket.category,
    )
    ticket.entitlement = decided.kind
    ticket.entitlement_reason = decided.reason[:300]
    ticket.contract_id = decided.contract_id
    return decided.kind


def _save(ticket: Ticket) -> None:
    ticket.save()


# ---------------------------------------------------------------- creation and messages


@transaction.atomic
def create_ticket(
    *,
    subject: str,
    body: str,
    requester: Contact,
    channel: str,
    actor: User | None = None,
    body_html: str = "",
    category: Category | None = None,
    device: Device | None = None,
    impact: int = 2,
    urgency: int = 2,
    intake_data: Mapping[str, Any] | None = None,
    team: Team | None = None,
    language: str | None = None,
    follow_up_of: Ticket | None = None,
    email_message_id: str = "",
    email_headers: Mapping[str, Any] | None = None,
    entry_data: Mapping[str, Any] | None = None,
) -> Ticket:
    """Open a new ticket with the customer's first message at the category's tier (L1 default)."""
    subject = " ".join((subject or "").split())[:300]
    if not subject:
        raise InvalidInput("A ticket needs a subject.", field="subject")
    if requester is None or requester.pk is None:
        raise InvalidInput("A ticket needs a requester.", field="requester")
    from tierdesk.contracts.models import Channel

    if channel not in Channel.values:
        raise InvalidInput(f"Unknown channel {channel!r}.", field="channel")
    if device is not None and device.organization_id not in (None, requester.organization_id):
        raise InvalidInput("The device belongs to another organisation.", field="device")
    cleaned = clean_intake(category.fields.all(), intake_data or {}) if category else {}
    if intake_data and not category:
        raise InvalidInput("Intake data needs a category.", field="intake_data")
    now = clock.now()
    tier = (category.default_tier if category and category.default_tier_id else None) or (
        first_tier()
    )
    ticket = Ticket(
        subject=subject,
        requester=requester,
        organization=requester.organization,
        category=category,
        device=device,
        channel=channel,
        impact=impact,
        urgency=urgency,
        priority=priority_for(impact, urgency),
        status=Status.NEW,
        tier=tier,
        team=team or (category.default_team if category else None),
        intake_data=cleaned,
        language=language or requester.language or "ru",
        follow_up_of=follow_up_of,
        max_tier_level=tier.level,
        created_at=now,
        updated_at=now,
        last_activity_at=now,
    )
    _apply_entitlement(ticket, tier, now)
    ticket.save()
    ticket.number = format_number(ticket.pk)
    Ticket.objects.filter(pk=ticket.pk).update(number=ticket.number)
    Entry.objects.create(
        ticket=ticket,
        kind=EntryKind.CUSTOMER_MESSAGE,
        is_public=True,
        author_contact=requester,
        author_user=actor if actor is not None and actor.is_authenticated else None,
        body_text=body or "",
        body_html=body_html,
        channel=channel,
        email_message_id=email_message_id,
        email_headers=dict(email_headers or {}),
        data=dict(entry_data or {}),
        created_at=now,
    )
    _audit(
        ticket,
        "created",
        actor=actor,
        contact=requester if actor is None else None,
        changes={
            "status": Status.NEW,
            "tier": tier.level,
            "channel": channel,
            "entitlement": ticket.entitlement,
            "follow_up_of": follow_up_of.number if follow_up_of else None,
        },
        now=now,
    )
    sync_clocks(ticket=ticket, event="created")
    publish_on_commit("ticket.created", ticket_id=ticket.pk)
    return ticket


@transaction.atomic
def add_customer_message(
    *,
    ticket: Ticket,
    contact: Contact,
    body: str,
    channel: str,
    body_html: str = "",
    actor: User | None = None,
    email_message_id: str = "",
    email_headers: Mapping[str, Any] | None = None,
    entry_data: Mapping[str, Any] | None = None,
) -> Entry:
    """A message from the customer's side. Re-opens a waiting or resolved ticket; on a closed
    (or merged) ticket it opens a follow-up ticket linked to the old one and lands there."""
    t = _lock(ticket, None)
    if t.status == Status.MERGED and t.merged_into_id:
        return add_customer_message(
            ticket=t.merged_into,  # type: ignore[arg-type]
            contact=contact,
            body=body,
            channel=channel,
            body_html=body_html,
            actor=actor,
            email_message_id=email_message_id,
            email_headers=email_headers,
            entry_data=entry_data,
        )
    if t.status in (Status.CLOSED, Status.MERGED, Status.SPAM):
        follow = create_ticket(
            subject=t.subject,
            body=body,
            body_html=body_html,
            requester=contact,
            channel=channel,
            actor=actor,
            category=t.category,
            device=t.device,
            impact=t.impact,
            urgency=t.urgency,
            language=t.language,
            follow_up_of=t,
            email_message_id=email_message_id,
            email_headers=email_headers,
            entry_data=entry_data,
        )
        return follow.entries.get(kind=EntryKind.CUSTOMER_MESSAGE)
    now = clock.now()
    entry = Entry.objects.create(
        ticket=t,
        kind=EntryKind.CUSTOMER_MESSAGE,
        is_public=True,
        author_contact=contact,
        author_user=actor if actor is not None and actor.is_authenticated else None,
        body_text=body or "",
        body_html=body_html,
        channel=channel,
        email_message_id=email_message_id,
        email_headers=dict(email_headers or {}),
        data=dict(entry_data or {}),
        created_at=now,
    )
    old = t.status
    if t.status == Status.PENDING_CUSTOMER:
        _set_status(t, Status.OPEN, now)
    elif t.status == Status.RESOLVED:
        _set_status(t, Status.REOPENED, now)
    _touch(t, now)
    _save(t)
    _audit(t, "customer_message", contact=contact, changes=_status_change(old, t.status), now=now)
    sync_clocks(ticket=t, event="customer_message", old_status=old)
    if old != t.status:
        sync_clocks(ticket=t, event="status_changed", old_status=old)
        publish_on_commit("ticket.status_changed", ticket_id=t.pk, old=old, new=t.status)
    publish_on_commit("entry.created", ticket_id=t.pk, entry_id=entry.pk)
    _refresh(ticket, t)
    return entry


def _status_change(old: str, new: str) -> dict[str, Any]:
    return {"status": [old, new]} if old != new else {}


def _refresh(target: Ticket, source: Ticket) -> None:
    """Let the caller's object see the committed state (version, status, tier …)."""
    if target is not source:
        target.__dict__.update(
            {k: v for k, v in source.__dict__.items() if not k.startswith("_state")}
        )


@transaction.atomic
def reply(
    *,
    ticket: Ticket,
    actor: User,
    body: str,
    body_html: str = "",
    expected_version: int | None = None,
    new_status: str | None = None,
    article: Article | None = None,
) -> Entry:
    """A public reply to the customer (sent by the e-mail channel when it came by e-mail)."""
    _require_agent(actor)
    if not (body or "").strip():
        raise InvalidInput("A reply needs text.", field="body")
    t = _lock(ticket, expected_version)
    if t.status in (Status.CLOSED, Status.MERGED, Status.SPAM):
        raise InvalidTransition(f"Ticket {t.number} is {Status(t.status).label}; reply refused.")
    now = clock.now()
    entry = Entry.objects.create(
        ticket=t,
        kind=EntryKind.PUBLIC_REPLY,
        is_public=True,
        author_user=actor,
        body_text=body,
        body_html=body_html,
        channel=t.channel,
        data={"article_id": article.pk} if article else {},
        created_at=now,
    )
    old = t.status
    target = new_status or (Status.OPEN if t.status in (Status.NEW, Status.REOPENED) else None)
    if target:
        _set_status(t, target, now)
    t.public_reply_count += 1
    first = t.first_response_at is None
    if first:
        t.first_response_at = now
    if t.assignee_id is None and actor.tier_id == t.tier_id:
        t.assignee = actor
    _touch(t, now)
    _save(t)
    changes = _status_change(old, t.status)
    if article:
        from tierdesk.kb.models import Article as ArticleModel

        ArticleModel.objects.filter(pk=article.pk).update(offered_count=F("offered_count") + 1)
        changes["article_offered"] = article.pk
    _audit(t, "public_reply", actor=actor, changes=changes, now=now)
    sync_clocks(ticket=t, event="public_reply", first_response=first, old_status=old)
    if old != t.status:
        sync_clocks(ticket=t, event="status_changed", old_status=old)
        publish_on_commit("ticket.status_changed", ticket_id=t.pk, old=old, new=t.status)
    publish_on_commit("entry.created", ticket_id=t.pk, entry_id=entry.pk)
    _refresh(ticket, t)
    return entry


@transaction.atomic
def add_note(
    *,
    ticket: Ticket,
    actor: User,
    body: str,
    body_html: str = "",
    kind: str = EntryKind.INTERNAL_NOTE,
    data: Mapping[str, Any] | None = None,
) -> Entry:
    """An internal note (agents only, never shown or sent to customers), or a call log."""
    _require_agent(actor)
    if not (body or "").strip():
        raise InvalidInput("A note needs text.", field="body")
    if kind not in (EntryKind.INTERNAL_NOTE, EntryKind.CALL_LOG):
        raise InvalidInput(f"Entry kind {kind!r} is not a note.")
    t = _lock(ticket, None)
    now = clock.now()
    entry = Entry.objects.create(
        ticket=t,
        kind=kind,
        is_public=False,
        author_user=actor,
        body_text=body,
        body_html=body_html,
        data=dict(data or {}),
        created_at=now,
    )
    _touch(t, now)
    _save(t)
    _audit(t, "note" if kind == EntryKind.INTERNAL_NOTE else "call_log", actor=actor, now=now)
    publish_on_commit("entry.created", ticket_id=t.pk, entry_id=entry.pk)
    _refresh(ticket, t)
    return entry


# ---------------------------------------------------------------- assignment and details


@transaction.atomic
def assign(
    *,
    ticket: Ticket,
    actor: User,
    assignee: User | None,
    team: Team | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """Give the ticket to an agent (or to nobody). An agent of another tier, or a team of
    another tier, is a cross-tier reassignment that only supervisors may make."""
    _require_agent(actor)
    t = _lock(ticket, expected_version)
    if assignee is not None and not permissions.is_agent(assignee):
        raise InvalidInput(f"{assignee} is not an active agent.", field="assignee")
    cross = (assignee is not None and assignee.tier_id not in (None, t.tier_id)) or (
        team is not None and team.tier_id != t.tier_id
    )
    if cross and not permissions.can_assign_across_tiers(actor):
        raise NotPermitted(
            "Only supervisors may assign a ticket to an agent or team of another tier; "
            "escalate it instead."
        )
    if cross:
        raise InvalidInput(
            "The agent or team works at another tier: escalate or de-escalate the ticket to "
            "that tier first.",
            field="assignee",
        )
    now = clock.now()
    changes: dict[str, Any] = {}
    if (assignee.pk if assignee else None) != t.assignee_id:
        changes["assignee"] = [t.assignee_id, assignee.pk if assignee else None]
        t.assignee = assignee
    if team is not None and team.pk != t.team_id:
        changes["team"] = [t.team_id, team.pk]
        t.team = team
    if not changes:
        return t
    old = t.status
    if t.status == Status.NEW and assignee is not None:
        _set_status(t, Status.OPEN, now)
        changes.update(_status_change(old, t.status))
    _touch(t, now)
    _save(t)
    _audit(t, "assigned", actor=actor, changes=changes, now=now)
    if old != t.status:
        sync_clocks(ticket=t, event="status_changed", old_status=old)
    publish_on_commit("ticket.updated", ticket_id=t.pk, changes=list(changes))
    _refresh(ticket, t)
    return t


def take(*, ticket: Ticket, actor: User, expected_version: int | None = None) -> Ticket:
    """The agent assigns the ticket to himself (it must be at his tier)."""
    return assign(ticket=ticket, actor=actor, assignee=actor, expected_version=expected_version)


@transaction.atomic
def reassign_across_tiers(
    *,
    ticket: Ticket,
    actor: User,
    assignee: User,
    handoff: Handoff,
    reason: str = "",
    team: Team | None = None,
    billing_override: bool = False,
    expected_version: int | None = None,
) -> Ticket:
    """A supervisor gives the ticket to an agent of another tier in one step: the move is
    recorded as an escalation (up, skip or down, with its hand-off and the same checks as
    :func:`escalate`), then the agent is assigned. Other agents escalate instead."""
    if not permissions.can_assign_across_tiers(actor):
        raise NotPermitted("Only supervisors may assign a ticket to an agent of another tier.")
    if not permissions.is_agent(assignee) or assignee.tier is None:
        raise InvalidInput(f"{assignee} is not an agent of a tier.", field="assignee")
    current = _lock(ticket, expected_version)
    if assignee.tier_id != current.tier_id:
        escalate(
            ticket=current,
            actor=actor,
            to_tier=assignee.tier,
            to_team=team,
            handoff=handoff,
            reason=reason,
            billing_override=billing_override,
        )
    result = assign(ticket=current, actor=actor, assignee=assignee, team=team)
    _refresh(ticket, result)
    return result


@transaction.atomic
def update_details(
    *,
    ticket: Ticket,
    actor: User,
    expected_version: int | None = None,
    subject: str | None = None,
    category: Category | None = None,
    device: Device | None = None,
    impact: int | None = None,
    urgency: int | None = None,
    intake_data: Mapping[str, Any] | None = None,
) -> Ticket:
    """Change what the ticket is about; entitlement and priority follow the new facts."""
    _require_agent(actor)
    t = _lock(ticket, expected_version)
    now = clock.now()
    changes: dict[str, Any] = {}
    if subject is not None:
        subject = " ".join(subject.split())[:300]
        if not subject:
            raise InvalidInput("A ticket needs a subject.", field="subject")
        if subject != t.subject:
            changes["subject"] = [t.subject, subject]
            t.subject = subject
    if category is not None and category.pk != t.category_id:
        changes["category"] = [t.category_id, category.pk]
        t.category = category
    if device is not None and device.pk != t.device_id:
        if device.organization_id not in (None, t.organization_id):
            raise InvalidInput("The device belongs to another organisation.", field="device")
        changes["device"] = [t.device_id, device.pk]
        t.device = device
    if impact is not None or urgency is not None:
        new_impact = impact if impact is not None else t.impact
        new_urgency = urgency if urgency is not None else t.urgency
        priority = priority_for(new_impact, new_urgency)
        if priority != t.priority:
            changes["priority"] = [t.priority, priority]
        t.impact, t.urgency, t.priority = new_impact, new_urgency, priority
    if intake_data is not None:
        if t.category is None:
            raise InvalidInput("Choose a category before filling its intake form.")
        merged = {**t.intake_data, **clean_intake(t.category.fields.all(), intake_data)}
        if merged != t.intake_data:
            changes["intake_data"] = {k: v for k, v in merged.items() if t.intake_data.get(k) != v}
            t.intake_data = merged
    if not changes:
        return t
    if {"category", "device"} & set(changes):
        before = t.entitlement
        _apply_entitlement(t, t.tier, now)
        if before != t.entitlement:
            changes["entitlement"] = [before, t.entitlement]
    _touch(t, now)
    _save(t)
    _audit(t, "updated", actor=actor, changes=changes, now=now)
    if "priority" in changes:
        sync_clocks(ticket=t, event="priority_changed")
    publish_on_commit("ticket.updated", ticket_id=t.pk, changes=list(changes))
    _refresh(ticket, t)
    return t


# ---------------------------------------------------------------- status


@transaction.atomic
def change_status(
    *,
    ticket: Ticket,
    actor: User | None,
    status: str,
    expected_version: int | None = None,
    reason: str = "",
    system: bool = False,
) -> Ticket:
    """Move a ticket to ``status`` along an allowed transition. Resolving needs
    :func:`resolve` (a resolution code); merging needs :func:`merge`."""
    if not system:
        _require_agent(actor)
    if status not in Status.values:
        raise InvalidInput(f"Unknown status {status!r}.", field="status")
    if status == Status.RESOLVED:
        raise InvalidInput("Use resolve: a resolved ticket needs a resolution code.")
    if status == Status.MERGED:
        raise InvalidInput("Use merge: a merged ticket needs the ticket it was merged into.")
    t = _lock(ticket, expected_version)
    now = clock.now()
    old = _set_status(t, status, now)
    if old == t.status:
        return t
    _touch(t, now)
    _save(t)
    _audit(
        t,
        "status_changed",
        actor=actor,
        changes={"status": [old, t.status], "reason": reason},
        now=now,
    )
    sync_clocks(ticket=t, event="status_changed", old_status=old)
    publish_on_commit("ticket.status_changed", ticket_id=t.pk, old=old, new=t.status)
    if t.status == Status.CLOSED:
        publish_on_commit("ticket.closed", ticket_id=t.pk)
    _refresh(ticket, t)
    return t


@transaction.atomic
def resolve(
    *,
    ticket: Ticket,
    actor: User,
    resolution_code: str,
    note: str = "",
    article: Article | None = None,
    expected_version: int | None = None,
) -> Ticket:
    _require_agent(actor)
    if resolution_code not in RESOLUTION_CODES:
        raise InvalidInput(
            f"Unknown resolution code {resolution_code!r}; use one of "
            + ", ".join(RESOLUTION_CODES),
            field="resolution_code",
        )
    t = _lock(ticket, expected_version)
    now = clock.now()
    old = _set_status(t, Status.RESOLVED, now)
    t.resolution_code = resolution_code
    t.resolution_note = note
    t.resolution_article = article
    if t.assignee_id is None:
        t.assignee = actor
    _touch(t, now)
    _save(t)
    if article is not None:
        from tierdesk.kb.models import Article as ArticleModel

        ArticleModel.objects.filter(pk=article.pk).update(resolved_count=F("resolved_count") + 1)
    _audit(
        t,
        "resolved",
        actor=actor,
        changes={
            "status": [old, t.status],
            "resolution_code": resolution_code,
            "article": article.pk if article else None,
        },
        now=now,
    )
    _system_entry(t, f"Resolved: {RESOLUTION_CODES[resolution_code]}", now, code=resolution_code)
    sync_clocks(ticket=t, event="resolved", old_status=old)
    publish_on_commit("ticket.status_changed", ticket_id=t.pk, old=old, new=t.status)
    publish_on_commit("ticket.resolved", ticket_id=t.pk)
    _refresh(ticket, t)
    return t


@transaction.atomic
def reopen(
    *,
    ticket: Ticket,
    actor: User | None = None,
    contact: Contact | None = None,
    reason: str = "",
) -> Ticket:
    """Reopen a resolved ticket (by an agent or by the customer)."""
    if actor is None and contact is None:
        raise NotPermitted("Reopening needs an agent or the customer.")
    if actor is not None:
        _require_agent(actor)
    t = _lock(ticket, None)
    if contact is not None and not permissions.contact_can_see_ticket(contact, t):
        raise NotPermitted("This is not your ticket.")
    now = clock.now()
    old = _set_status(t, Status.REOPENED, now)
    _touch(t, now)
    _save(t)
    _audit(
        t,
        "reopened",
        actor=actor,
        contact=contact,
        changes={"status": [old, t.status], "reason": reason},
        now=now,
    )
    _system_entry(t, "Reopened" + (f": {reason}" if reason else ""), now)
    sync_clocks(ticket=t, event="reopened", old_status=old)
    publish_on_commit("ticket.status_changed", ticket_id=t.pk, old=old, new=t.status)
    publish_on_commit("ticket.reopened", ticket_id=t.pk)
    _refresh(ticket, t)
    return t


@transaction.atomic
def close(
    *,
    ticket: Ticket,
    actor: User | None = None,
    contact: Contact | None = None,
    reason: str = "",
    system: bool = False,
) -> Ticket:
    """Close a resolved ticket. The customer may close his own ticket at any open status
    (it is resolved as cancelled first)."""
    if not system and actor is None and contact is None:
        raise NotPermitted("Closing needs an agent, the customer or the auto-close job.")
    if actor is not None:
        _require_agent(actor)
    t = _lock(ticket, None)
    if contact is not None and not permissions.contact_can_see_ticket(contact, t):
        raise NotPermitted("This is not your ticket.")
    now = clock.now()
    old = t.status
    if contact is not None and t.status in OPEN_STATUSES:
        _set_status(t, Status.RESOLVED, now)
        t.resolution_code = t.resolution_code or "cancelled"
    _set_status(t, Status.CLOSED, now)
    _touch(t, now)
    _save(t)
    _audit(
        t,
        "closed",
        actor=actor,
        contact=contact,
        changes={"status": [old, t.status], "reason": reason, "system": system},
        now=now,
    )
    sync_clocks(ticket=t, event="closed", old_status=old)
    publish_on_commit("ticket.status_changed", ticket_id=t.pk, old=old, new=t.status)
    publish_on_commit("ticket.closed", ticket_id=t.pk)
    _refresh(ticket, t)
    return t


def auto_close_resolved(*, days: int | None = None) -> int:
    """Close tickets resolved more than ``days`` ago (default from settings). Idempotent:
    each ticket is closed in its own transaction and a ticket reopened meanwhile is skipped."""
    after_days = int(setting("AUTO_CLOSE_DAYS")) if days is None else days
    cutoff = clock.now() - dt.timedelta(days=after_days)
    closed = 0
    ids = list(
        Ticket.objects.filter(status=Status.RESOLVED, resolved_at__lte=cutoff)
        .order_by("resolved_at")
        .values_list("pk", flat=True)[:1000]
    )
    for pk in ids:
        with transaction.atomic():
            t = Ticket.objects.select_for_update().get(pk=pk)
            if t.status != Status.RESOLVED or t.resolved_at is None or t.resolved_at > cutoff:
                continue
            close(ticket=t, system=True, reason=f"auto-closed after {after_days} days")
            closed += 1
    return closed


@transaction.atomic
def merge(*, ticket: Ticket, into: Ticket, actor: User) -> Ticket:
    _require_agent(actor)
    if ticket.pk == into.pk:
        raise InvalidInput("A ticket cannot be merged into itself.")
    t = _lock(ticket, None)
    target = Ticket.objects.select_for_update().get(pk=into.pk)
    if not target.is_open:
        raise InvalidTransition(f"Ticket {target.number} is not open; merge refused.")
    now = clock.now()
    old = _set_status(t, Status.MERGED, now)
    t.merged_into = target
    _touch(t, now)
    _save(t)
    _audit(
        t,
        "merged",
        actor=actor,
        changes={"status": [old, t.status], "into": target.number},
        now=now,
    )
    _system_entry(target, f"Ticket {t.number} was merged into this one", now, merged=t.pk)
    sync_clocks(ticket=t, event="closed", old_status=old)
    publish_on_commit("ticket.status_changed", ticket_id=t.pk, old=old, new=t.status)
    _refresh(ticket, t)
    return t


# ---------------------------------------------------------------- escalation


@transaction.atomic
def record_work_approval(
    *,
    ticket: Ticket,
    tier: Tier,
    kind: str,
    actor: User | None = None,
    contact: Contact | None = None,
    estimated_minutes: int | None = None,
    note: str = "",
) -> WorkApproval:
    """Record the customer's approval of paid work at ``tier``, or a supervisor's override."""
    if kind == ApprovalKind.OVERRIDE:
        if not permissions.can_override_billing(actor):
            raise NotPermitted("Only a supervisor may override the billing approval.")
    elif kind == ApprovalKind.CUSTOMER:
        if contact is None:
            raise InvalidInput("A customer approval needs the approving contact.")
        if not permissions.contact_can_see_ticket(contact, ticket):
            raise NotPermitted("This contact cannot approve work on this ticket.")
    else:
        raise InvalidInput(f"Unknown approval kind {kind!r}.")
    t = _lock(ticket, None)
    now = clock.now()
    approval = WorkApproval.objects.create(
        ticket=t,
        tier=tier,
        kind=kind,
        approved_by_user=actor if kind == ApprovalKind.OVERRIDE else None,
        approved_by_contact=contact,
        estimated_minutes=estimated_minutes,
        note=note,
        created_at=now,
    )
    _touch(t, now)
    _save(t)
    _audit(
        t,
        "work_approved",
        actor=actor,
        contact=contact,
        changes={"tier": tier.level, "kind": kind, "note": note},
        now=now,
    )
    _refresh(ticket, t)
    return approval


def has_work_approval(ticket: Ticket, tier: Tier, *, allow_customer: bool = True) -> bool:
    qs = WorkApproval.objects.filter(ticket=ticket, tier__level__gte=tier.level)
    if not allow_customer:
        qs = qs.filter(kind=ApprovalKind.OVERRIDE)
    return qs.exists()


@transaction.atomic
def escalate(
    *,
    ticket: Ticket,
    actor: User | None,
    to_tier: Tier,
    handoff: Handoff,
    to_team: Team | None = None,
    reason: str = "",
    expected_version: int | None = None,
    approved_by: User | None = None,
    billing_override: bool = False,
    kind: str | None = None,
) -> Escalation:
    """Move the ticket to another tier with a hand-off.

    Up one tier: ``up``; over a tier: ``skip`` (needs a supervisor as actor or ``approved_by``);
    down: ``down`` (the reason carries the instructions); ``auto_sla`` is the SLA job's own move
    (``actor`` None). By policy the category's required intake fields must be filled first.
    Work at a tier that the entitlement does not cover needs a recorded customer approval or a
    supervisor's override (``billing_override=True`` by a supervisor records one).
    """
    system = kind == EscalationKind.AUTO_SLA
    if not system:
        _require_agent(actor)
    t = _lock(ticket, expected_version)
    if not t.is_open:
        raise InvalidTransition(
            f"Ticket {t.number} is {Status(t.status).label}; only open tickets are escalated."
        )
    if to_tier is None or to_tier.pk is None:
        raise InvalidInput("Choose the tier to escalate to.", field="to_tier")
    if to_tier.pk == t.tier_id:
        raise InvalidInput(f"The ticket is already at {to_tier}.", field="to_tier")
    current = t.tier
    if to_tier.level > current.level:
        skipped = Tier.objects.filter(level__gt=current.level, level__lt=to_tier.level).exists()
        direction = EscalationKind.SKIP if skipped else EscalationKind.UP
    else:
        direction = EscalationKind.DOWN
    if kind is not None and kind != EscalationKind.AUTO_SLA:
        raise InvalidInput(f"Escalation kind {kind!r} is decided by the tiers, not given.")
    recorded_kind = EscalationKind.AUTO_SLA if system else direction
    handoff.validate(kind=direction)
    if direction == EscalationKind.DOWN and not (reason.strip() or handoff.tried.strip()):
        raise InvalidInput("A de-escalation needs instructions for the lower tier.", field="reason")
    approver = approved_by or actor
    if direction == EscalationKind.SKIP and not system and not permissions.can_skip_tier(approver):
        raise ApprovalRequired(
            f"Escalating from {current} to {to_tier} skips a tier and needs a supervisor's "
            "approval."
        )
    if (
        direction != EscalationKind.DOWN
        and not system
        and not permissions.can_enter_tier(approver, to_tier)
    ):
        raise ApprovalRequired(f"Escalating to {to_tier} needs a supervisor's approval.")
    if to_team is not None and to_team.tier_id != to_tier.pk:
        raise InvalidInput(f"Team {to_team} does not work at {to_tier}.", field="to_team")
    if (
        direction != EscalationKind.DOWN
        and not system
        and t.category is not None
        and t.category.require_intake_to_escalate
    ):
        missing = missing_required(t.category.fields.all(), t.intake_data)
        if missing:
            raise InvalidInput(
                "Fill the required intake fields before escalating: "
                + ", ".join(f.label_en or f.name for f in missing),
                fields=[f.name for f in missing],
            )
    now = clock.now()
    before = t.entitlement
    after = _apply_entitlement(t, to_tier, now)
    if direction != EscalationKind.DOWN and after not in Kind.FREE:
        if billing_override:
            if not permissions.can_override_billing(actor):
                raise NotPermitted("Only a supervisor may override the billing approval.")
            WorkApproval.objects.create(
                ticket=t,
                tier=to_tier,
                kind=ApprovalKind.OVERRIDE,
                approved_by_user=actor,
                note=reason,
                created_at=now,
            )
        elif not system and not has_work_approval(
            t, to_tier, allow_customer=after == Kind.BILLABLE
        ):
            raise ApprovalRequired(
                f"Work at {to_tier} is {after.replace('_', ' ')} ({t.entitlement_reason}). "
                "It needs the customer's approval or a supervisor's override.",
                entitlement=after,
            )
    escalation = Escalation.objects.create(
        ticket=t,
        kind=recorded_kind,
        from_tier=current,
        to_tier=to_tier,
        to_team=to_team,
        reason=reason,
        problem=handoff.problem.strip(),
        data_collected=handoff.data_collected.strip(),
        diagnostics=handoff.diagnostics.strip(),
        tried=handoff.tried.strip(),
        by_user=actor,
        approved_by=approved_by if approved_by is not None else None,
        entitlement_before=before,
        entitlement_after=after,
        created_at=now,
    )
    t.tier = to_tier
    t.team = to_team
    t.assignee = None
    t.max_tier_level = max(t.max_tier_level, to_tier.level)
    old = t.status
    if t.status in (Status.NEW, Status.REOPENED):
        _set_status(t, Status.OPEN, now)
    _touch(t, now)
    _save(t)
    _audit(
        t,
        "escalated",
        actor=actor,
        changes={
            "tier": [current.level, to_tier.level],
            "kind": recorded_kind,
            "team": to_team.pk if to_team else None,
            "entitlement": [before, after],
            **_status_change(old, t.status),
        },
        now=now,
    )
    sync_clocks(ticket=t, event="escalated", escalation_id=escalation.pk, old_status=old)
    publish_on_commit("ticket.escalated", ticket_id=t.pk, escalation_id=escalation.pk)
    _refresh(ticket, t)
    return escalation


@transaction.atomic
def accept_escalation(*, ticket: Ticket, actor: User) -> Escalation:
    """The receiving tier takes the escalated ticket: records who accepted and assigns him."""
    _require_agent(actor)
    t = _lock(ticket, None)
    esc = t.escalations.filter(accepted_at__isnull=True, to_tier=t.tier).order_by("-pk").first()
    if esc is None:
        raise InvalidTransition(f"Ticket {t.number} has no escalation waiting to be accepted.")
    if actor.tier_id != t.tier_id and not actor.is_supervisor:
        raise NotPermitted(f"Only an agent of {t.tier} may accept this escalation.")
    now = clock.now()
    esc.accepted_by = actor
    esc.accepted_at = now
    esc.save(update_fields=["accepted_by", "accepted_at"])
    t.assignee = actor
    _touch(t, now)
    _save(t)
    _audit(t, "escalation_accepted", actor=actor, changes={"escalation": esc.pk}, now=now)
    sync_clocks(ticket=t, event="escalation_accepted", escalation_id=esc.pk)
    _refresh(ticket, t)
    return esc


# ---------------------------------------------------------------- vendor hand-off


@transaction.atomic
def send_to_vendor(
    *,
    ticket: Ticket,
    actor: User,
    vendor_name: str,
    handoff: Handoff,
    expected_version: int | None = None,
) -> Escalation:
    """The ticket waits for a vendor (``pending_vendor``); the tier stays where it is so the
    vendor's answer returns to the tier that escalated. Used by the vendors module."""
    _require_agent(actor)
    t = _lock(ticket, expected_version)
    if not t.tier.can_open_vendor_cases and not actor.is_supervisor:
        raise NotPermitted(f"Vendor cases are opened from a tier that may do so, not {t.tier}.")
    handoff.validate(kind=EscalationKind.VENDOR)
    now = clock.now()
    old = _set_status(t, Status.PENDING_VENDOR, now)
    esc = Escalation.objects.create(
        ticket=t,
        kind=EscalationKind.VENDOR,
        from_tier=t.tier,
        to_tier=None,
        reason=f"Vendor: {vendor_name}",
        problem=handoff.problem.strip(),
        data_collected=handoff.data_collected,
        diagnostics=handoff.diagnostics,
        tried=handoff.tried,
        by_user=actor,
        entitlement_before=t.entitlement,
        entitlement_after=t.entitlement,
        created_at=now,
    )
    _touch(t, now)
    _save(t)
    _audit(
        t,
        "sent_to_vendor",
        actor=actor,
        changes={"status": [old, t.status], "vendor": vendor_name},
        now=now,
    )
    sync_clocks(ticket=t, event="status_changed", old_status=old)
    publish_on_commit("ticket.escalated", ticket_id=t.pk, escalation_id=esc.pk)
    publish_on_commit("ticket.status_changed", ticket_id=t.pk, old=old, new=t.status)
    _refresh(ticket, t)
    return esc


@transaction.atomic
def add_vendor_message(
    *,
    ticket: Ticket,
    body: str,
    body_html: str = "",
    vendor_name: str = "",
    email_message_id: str = "",
    email_headers: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    return_to_tier: bool = True,
) -> Entry:
    """A vendor's message lands as an agents-only entry and the ticket goes back to ``open`` at
    the tier that escalated to the vendor."""
    t = _lock(ticket, None)
    now = clock.now()
    entry = Entry.objects.create(
        ticket=t,
        kind=EntryKind.VENDOR_MESSAGE,
        is_public=False,
        body_text=body,
        body_html=body_html,
        channel="email" if email_message_id else "",
        email_message_id=email_message_id,
        email_headers=dict(email_headers or {}),
        data={"vendor": vendor_name, **dict(data or {})},
        created_at=now,
    )
    old = t.status
    if return_to_tier and t.status == Status.PENDING_VENDOR:
        _set_status(t, Status.OPEN, now)
    _touch(t, now)
    _save(t)
    _audit(
        t,
        "vendor_message",
        changes={"vendor": vendor_name, **_status_change(old, t.status)},
        now=now,
    )
    if old != t.status:
        sync_clocks(ticket=t, event="status_changed", old_status=old)
        publish_on_commit("ticket.status_changed", ticket_id=t.pk, old=old, new=t.status)
    publish_on_commit("entry.created", ticket_id=t.pk, entry_id=entry.pk)
    _refresh(ticket, t)
    return entry


@transaction.atomic
def add_vendor_outbound(
    *,
    ticket: Ticket,
    actor: User | None,
    body: str,
    vendor_name: str,
    email_message_id: str = "",
    data: Mapping[str, Any] | None = None,
) -> Entry:
    """What we wrote to a vendor (composed by an agent, or a reminder when ``actor`` is None):
    an agents-only ``vendor_message`` entry with ``data["direction"] = "out"``. The status does
    not change (``send_to_vendor`` moves the ticket to ``pending_vendor``)."""
    if actor is not None:
        _require_agent(actor)
    if not (body or "").strip():
        raise InvalidInput("A message to the vendor needs text.", field="body")
    t = _lock(ticket, None)
    now = clock.now()
    entry = Entry.objects.create(
        ticket=t,
        kind=EntryKind.VENDOR_MESSAGE,
        is_public=False,
        author_user=actor,
        body_text=body,
        channel="email" if email_message_id else "",
        email_message_id=email_message_id,
        data={"vendor": vendor_name, **dict(data or {}), "direction": "out"},
        created_at=now,
    )
    _touch(t, now)
    _save(t)
    _audit(t, "vendor_message_sent", actor=actor, changes={"vendor": vendor_name}, now=now)
    publish_on_commit("entry.created", ticket_id=t.pk, entry_id=entry.pk)
    _refresh(ticket, t)
    return entry


@transaction.atomic
def share_entry_with_customer(*, entry: Entry, actor: User) -> Entry:
    """Make an agents-only vendor message or call log visible to the customer, on purpose."""
    _require_agent(actor)
    if entry.kind == EntryKind.INTERNAL_NOTE:
        raise InvalidInput("Internal notes are never shown to customers; write a reply instead.")
    if entry.is_public:
        return entry
    t = _lock(entry.ticket_id, None)
    now = clock.now()
    Entry.objects.filter(pk=entry.pk).update(is_public=True)
    entry.is_public = True
    _touch(t, now)
    _save(t)
    _audit(t, "entry_shared", actor=actor, changes={"entry": entry.pk}, now=now)
    return entry


@transaction.atomic
def record_event(
    *,
    ticket: Ticket,
    text: str,
    actor: User | None = None,
    action: str = "event",
    data: Mapping[str, Any] | None = None,
) -> Entry:
    """A system event on the timeline (e.g. an SLA warning) with its audit record."""
    t = _lock(ticket, None)
    now = clock.now()
    entry = _system_entry(t, text, now, **dict(data or {}))
    _touch(t, now)
    _save(t)
    _audit(t, action, actor=actor, changes=dict(data or {}), now=now)
    _refresh(ticket, t)
    return entry


@transaction.atomic
def record_csat(*, ticket: Ticket, contact: Contact, score: int, comment: str = "") -> Ticket:
    if not permissions.contact_can_see_ticket(contact, ticket):
        raise NotPermitted("This is not your ticket.")
    if score not in (1, 2, 3, 4, 5):
        raise InvalidInput("Rate from 1 to 5.", field="score")
    t = _lock(ticket, None)
    if t.status not in (Status.RESOLVED, Status.CLOSED):
        raise InvalidTransition("The help can be rated once the ticket is resolved.")
    now = clock.now()
    t.csat_score = score
    t.csat_comment = comment[:5000]
    _touch(t, now)
    _save(t)
    _audit(t, "csat", contact=contact, changes={"score": score}, now=now)
    _refresh(ticket, t)
    return t
