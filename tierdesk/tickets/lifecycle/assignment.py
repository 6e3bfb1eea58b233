"""Who works the ticket, and what it is about: assign, take, cross-tier reassignment, details."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction

from tierdesk.categories.intake import clean_intake
from tierdesk.core import clock
from tierdesk.core.errors import (
    InvalidInput,
    NotPermitted,
)
from tierdesk.core.events import publish_on_commit
from tierdesk.sla.clocks import sync_clocks
from tierdesk.tickets import permissions
from tierdesk.tickets.models import (
    Status,
    Ticket,
)
from tierdesk.tiers.models import Team

if TYPE_CHECKING:
    from tierdesk.accounts.models import User
    from tierdesk.categories.models import Category
    from tierdesk.devices.models import Device


from tierdesk.tickets.lifecycle._base import (
    Handoff,
    _apply_entitlement,
    _audit,
    _lock,
    _refresh,
    _require_agent,
    _save,
    _set_status,
    _status_change,
    _touch,
    priority_for,
)
from tierdesk.tickets.lifecycle.escalation import escalate

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
