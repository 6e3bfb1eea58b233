"""Shared pieces of the lifecycle: the transition table, the hand-off, and the helpers every
change uses (lock and version check, audit, status transition, entitlement)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tierdesk.contracts.selectors import decide_entitlement
from tierdesk.core.conf import setting
from tierdesk.core.errors import (
    ConflictError,
    InvalidInput,
    InvalidTransition,
    NotPermitted,
)
from tierdesk.core.events import publish_on_commit
from tierdesk.sla.clocks import sync_clocks
from tierdesk.tickets import permissions
from tierdesk.tickets.models import (
    AuditEvent,
    Entry,
    EntryKind,
    EscalationKind,
    Status,
    Ticket,
)
from tierdesk.tiers.models import Tier

if TYPE_CHECKING:
    from tierdesk.accounts.models import User
    from tierdesk.customers.models import Contact


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


def _status_change(old: str, new: str) -> dict[str, Any]:
    return {"status": [old, new]} if old != new else {}


def _refresh(target: Ticket, source: Ticket) -> None:
    """Let the caller's object see the committed state (version, status, tier …)."""
    if target is not source:
        target.__dict__.update(
            {k: v for k, v in source.__dict__.items() if not k.startswith("_state")}
        )


def _status_moved(ticket: Ticket, old: str) -> None:
    """After a change that may also have moved the status: move the clocks and tell the
    subscribers, once, only when the status really changed."""
    if old != ticket.status:
        sync_clocks(ticket=ticket, event="status_changed", old_status=old)
        publish_on_commit("ticket.status_changed", ticket_id=ticket.pk, old=old, new=ticket.status)
