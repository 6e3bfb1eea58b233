"""The vendor hand-off: waiting for a vendor, its messages, what was sent to it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction

from tierdesk.core import clock
from tierdesk.core.errors import (
    InvalidInput,
    NotPermitted,
)
from tierdesk.core.events import publish_on_commit
from tierdesk.sla.clocks import sync_clocks
from tierdesk.tickets.models import (
    Entry,
    EntryKind,
    Escalation,
    EscalationKind,
    Status,
    Ticket,
)

if TYPE_CHECKING:
    from tierdesk.accounts.models import User


from tierdesk.tickets.lifecycle._base import (
    Handoff,
    _audit,
    _lock,
    _refresh,
    _require_agent,
    _save,
    _set_status,
    _status_change,
    _status_moved,
    _touch,
)

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
    _status_moved(t, old)
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
