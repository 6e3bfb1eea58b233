"""Moves between tiers: escalate (up, skip, down, auto_sla), acceptance, paid-work approvals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from tierdesk.categories.intake import missing_required
from tierdesk.contracts.entitlement import Kind
from tierdesk.core import clock
from tierdesk.core.errors import (
    ApprovalRequired,
    InvalidInput,
    InvalidTransition,
    NotPermitted,
)
from tierdesk.core.events import publish_on_commit
from tierdesk.sla.clocks import sync_clocks
from tierdesk.tickets import permissions
from tierdesk.tickets.models import (
    ApprovalKind,
    Escalation,
    EscalationKind,
    Status,
    Ticket,
    WorkApproval,
)
from tierdesk.tiers.models import Team, Tier

if TYPE_CHECKING:
    from tierdesk.accounts.models import User
    from tierdesk.customers.models import Contact


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
)

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
