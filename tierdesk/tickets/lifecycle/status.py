"""Status changes: change_status, resolve, reopen, close, auto-close, merge."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F

from tierdesk.core import clock
from tierdesk.core.conf import setting
from tierdesk.core.errors import (
    InvalidInput,
    InvalidTransition,
    NotPermitted,
)
from tierdesk.core.events import publish_on_commit
from tierdesk.sla.clocks import sync_clocks
from tierdesk.tickets import permissions
from tierdesk.tickets.models import (
    OPEN_STATUSES,
    Status,
    Ticket,
)

if TYPE_CHECKING:
    from tierdesk.accounts.models import User
    from tierdesk.customers.models import Contact
    from tierdesk.kb.models import Article


from tierdesk.tickets.lifecycle._base import (
    RESOLUTION_CODES,
    _audit,
    _lock,
    _refresh,
    _require_agent,
    _save,
    _set_status,
    _system_entry,
    _touch,
)

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
