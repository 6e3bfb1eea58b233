"""Writes for vendor cases. Ticket status changes go through ``tickets.lifecycle``:
``send_to_vendor`` (→ ``pending_vendor``), ``add_vendor_message`` (→ back to ``open`` at the
tier that escalated), ``add_vendor_outbound`` and ``share_entry_with_customer``.

What is sent to a vendor is what the agent composed; internal notes (and any other entry) are
included only when the agent quotes them on purpose (``quote_entry_ids``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from tierdesk.core import clock
from tierdesk.core.errors import InvalidInput, InvalidTransition, NotPermitted
from tierdesk.devices.models import Vendor
from tierdesk.tickets import lifecycle, permissions
from tierdesk.tickets.models import Entry, EntryKind, Status, Ticket
from tierdesk.vendors import outbox
from tierdesk.vendors.compose import compose
from tierdesk.vendors.models import CaseStatus, VendorCase

if TYPE_CHECKING:
    from tierdesk.accounts.models import User


# ---------------------------------------------------------------- guards and suggestions


def can_open_vendor_case(user: User | None, ticket: Ticket) -> bool:
    """From a tier that may open vendor cases (L3 by default; ``Tier.can_open_vendor_cases``
    names the tiers), or a supervisor; the ticket must still be open."""
    if not permissions.is_agent(user):
        return False
    assert user is not None
    return ticket.is_open and (ticket.tier.can_open_vendor_cases or user.is_supervisor)


def suggest_vendor(ticket: Ticket) -> Vendor | None:
    """The device's manufacturer, else the vendor of this ticket's last case."""
    if ticket.device_id:
        maker = Vendor.objects.filter(devices__pk=ticket.device_id).first()
        if maker is not None:
            return maker
    last = VendorCase.objects.filter(ticket=ticket).select_related("vendor").first()
    return last.vendor if last else None


def due_from(vendor: Vendor, start: dt.datetime) -> dt.datetime:
    """The vendor's turnaround target (wall-clock hours: vendors keep their own calendars)."""
    return start + dt.timedelta(hours=max(1, vendor.turnaround_hours))


# ---------------------------------------------------------------- opening and messaging


@dataclasses.dataclass(frozen=True)
class Sent:
    entry: Entry
    mailed: bool


def _require_agent(actor: User | None) -> User:
    if not permissions.is_agent(actor):
        raise NotPermitted("Only support agents may do this.")
    assert actor is not None
    return actor


def send_to_case(
    *, case: VendorCase, actor: User | None, text: str, kind: str = "message", auto: bool = False
) -> Sent:
    """Record what goes to the vendor on the timeline and put it in the outbox (when the
    vendor has an e-mail address). Threads with the case's earlier mail."""
    row = outbox.queue_case_mail(case=case, text=text, auto=auto, kind=kind)
    entry = lifecycle.add_vendor_outbound(
        ticket=case.ticket,
        actor=actor,
        body=text,
        vendor_name=case.vendor.name,
        email_message_id=row.message_id if row else "",
        data={
            "vendor_case": case.pk,
            "vendor_case_number": case.number,
            "kind": kind,
            "mailed_to": list(row.to) if row else [],
        },
    )
    case.last_sent_at = entry.created_at
    return Sent(entry=entry, mailed=row is not None)


@transaction.atomic
def open_vendor_case(
    *,
    ticket: Ticket,
    actor: User,
    vendor: Vendor,
    body: str,
    subject: str = "",
    vendor_reference: str = "",
    quote_entry_ids: Iterable[int] = (),
    expected_version: int | None = None,
) -> VendorCase:
    """Open a vendor case: the ticket goes to ``pending_vendor`` (an escalation of kind
    ``vendor``), the composed message is recorded and mailed to the vendor, and the answer is
    due after the vendor's turnaround target."""
    _require_agent(actor)
    if vendor is None or vendor.pk is None:
        raise InvalidInput("Choose the vendor.", field="vendor")
    fresh = Ticket.objects.select_related("tier").get(pk=ticket.pk)
    if not fresh.is_open:
        raise InvalidTransition(
            f"Ticket {fresh.number} is {Status(fresh.status).label}; vendor cases are opened "
            "for open tickets."
        )
    if not can_open_vendor_case(actor, fresh):
        raise NotPermitted(
            f"Vendor cases are opened from a tier that may do so (not {fresh.tier}); "
            "escalate the ticket first or ask a supervisor."
        )
    text = compose(ticket=fresh, body=body, quote_entry_ids=quote_entry_ids)
    if not text:
        raise InvalidInput("Write what the vendor should know.", field="body")
    subject = " ".join((subject or fresh.subject).split())[:300]
    reference = " ".join((vendor_reference or "").split())[:100]
    escalation = lifecycle.send_to_vendor(
        ticket=ticket,
        actor=actor,
        vendor_name=vendor.name,
        handoff=lifecycle.Handoff(problem=subject, tried=text[:4000]),
        expected_version=expected_version,
    )
    now = clock.now()
    case = VendorCase.objects.create(
        ticket=ticket,
        vendor=vendor,
        escalation=escalation,
        from_tier=fresh.tier,
        subject=subject,
        vendor_reference=reference,
        status=CaseStatus.WAITING,
        opened_by=actor,
        opened_at=now,
        due_at=due_from(vendor, now),
    )
    send_to_case(case=case, actor=actor, text=text, kind="open")
    case.save(update_fields=["last_sent_at", "updated_at"])
    return case


def _lock_case(case: VendorCase) -> VendorCase:
    return (
        VendorCase.objects.select_for_update(of=("self",))
        .select_related("ticket", "vendor", "ticket__tier")
        .get(pk=case.pk)
    )


@transaction.atomic
def send_case_message(
    *,
    case: VendorCase,
    actor: User,
    body: str,
    quote_entry_ids: Iterable[int] = (),
    wait_for_vendor: bool = True,
) -> Sent:
    """A further message to the vendor on an open case. By default the ticket waits for the
    vendor again and the next answer is due after the turnaround target."""
    _require_agent(actor)
    locked = _lock_case(case)
    if not locked.is_open:
        raise InvalidTransition(f"Vendor case {locked.number} is closed.")
    text = compose(ticket=locked.ticket, body=body, quote_entry_ids=quote_entry_ids)
    if not text:
        raise InvalidInput("Write the message to the vendor.", field="body")
    sent = send_to_case(case=locked, actor=actor, text=text)
    if wait_for_vendor:
        now = clock.now()
        locked.status = CaseStatus.WAITING
        locked.due_at = due_from(locked.vendor, now)
        ticket = Ticket.objects.get(pk=locked.ticket_id)
        if ticket.status in (Status.OPEN, Status.PENDING_CUSTOMER, Status.NEW):
            lifecycle.change_status(
                ticket=ticket,
                actor=actor,
                status=Status.PENDING_VENDOR,
                reason=f"Waiting for {locked.vendor.name} ({locked.number})",
            )
    locked.save()
    _refresh(case, locked)
    return sent


def _refresh(target: VendorCase, source: VendorCase) -> None:
    if target is not source:
        target.refresh_from_db()


def find_case_for_reference(vendor: Vendor, text: str) -> VendorCase | None:
    """An open case of ``vendor`` whose vendor reference appears in ``text``."""
    for case in VendorCase.objects.filter(vendor=vendor, status__in=["waiting", "answered"])[:200]:
        if case.vendor_reference and case.vendor_reference in text:
            return case
    return None


@transaction.atomic
def receive_vendor_reply(
    *,
    case: VendorCase,
    body: str,
    body_html: str = "",
    actor: User | None = None,
    sender: str = "",
    email_message_id: str = "",
    email_headers: dict[str, str] | None = None,
    automatic: bool = False,
) -> Entry:
    """The vendor answered (by e-mail, or an agent records an answer given by phone or on the
    vendor's portal). The answer lands as an agents-only vendor entry and the ticket returns
    to ``open`` at the tier that escalated. An automatic reply (an acknowledgement, an
    out-of-office) is recorded but does not count as the vendor's answer."""
    if actor is not None:
        _require_agent(actor)
    if not (body or "").strip():
        raise InvalidInput("The vendor's answer needs text.", field="body")
    locked = _lock_case(case)
    reopened = locked.status == CaseStatus.CLOSED
    entry = lifecycle.add_vendor_message(
        ticket=locked.ticket,
        body=body,
        body_html=body_html,
        vendor_name=locked.vendor.name,
        email_message_id=email_message_id,
        email_headers=email_headers,
        data={
            "vendor_case": locked.pk,
            "vendor_case_number": locked.number,
            "direction": "in",
            "from": sender,
            "automatic": automatic,
            "recorded_by": actor.pk if actor else None,
        },
        return_to_tier=not automatic and not reopened,
    )
    if automatic:
        return entry
    now = entry.created_at
    if locked.first_response_at is None:
        locked.first_response_at = now
    locked.last_vendor_reply_at = now
    if not reopened:
        locked.status = CaseStatus.ANSWERED
    locked.save()
    notify_watchers(
        locked, f"{locked.vendor.name} answered vendor case {locked.number}", "vendor_reply"
    )
    return entry


def notify_watchers(case: VendorCase, text: str, kind: str) -> None:
    from tierdesk.notifications.services import notify_users

    ticket = case.ticket
    users = [u for u in (case.opened_by, ticket.assignee) if u is not None]
    if ticket.team_id and ticket.team and ticket.team.supervisor:
        users.append(ticket.team.supervisor)
    notify_users(users=users, kind=kind, text=text, ticket=ticket)


@transaction.atomic
def update_case(
    *,
    case: VendorCase,
    actor: User,
    vendor_reference: str | None = None,
    rma_number: str | None = None,
    rma_tracking: str | None = None,
    rma_shipped_on: dt.date | None = None,
    rma_received_on: dt.date | None = None,
    clear_rma_dates: bool = False,
) -> VendorCase:
    """The vendor's own case number and the RMA fields (return number, tracking, shipped,
    received). Each change is written to the ticket's timeline."""
    _require_agent(actor)
    locked = _lock_case(case)
    changes: dict[str, list[str]] = {}

    def put(field: str, value: object) -> None:
        old = getattr(locked, field)
        if value != old:
            changes[field] = [str(old or ""), str(value or "")]
            setattr(locked, field, value)

    if vendor_reference is not None:
        put("vendor_reference", " ".join(vendor_reference.split())[:100])
    if rma_number is not None:
        put("rma_number", " ".join(rma_number.split())[:100])
    if rma_tracking is not None:
        put("rma_tracking", " ".join(rma_tracking.split())[:100])
    if rma_shipped_on is not None or clear_rma_dates:
        put("rma_shipped_on", rma_shipped_on)
    if rma_received_on is not None or clear_rma_dates:
        put("rma_received_on", rma_received_on)
    today = timezone.localdate()
    for field in ("rma_shipped_on", "rma_received_on"):
        day = getattr(locked, field)
        if day is not None and day > today:
            raise InvalidInput("RMA dates cannot be in the future.", field=field)
    if locked.rma_received_on and not locked.rma_shipped_on:
        raise InvalidInput(
            "Enter the date the unit was shipped before the date it came back.",
            field="rma_shipped_on",
        )
    if (
        locked.rma_received_on
        and locked.rma_shipped_on
        and locked.rma_received_on < locked.rma_shipped_on
    ):
        raise InvalidInput(
            "The unit cannot come back before it was shipped.", field="rma_received_on"
        )
    if (locked.rma_shipped_on or locked.rma_received_on) and not locked.rma_number:
        raise InvalidInput("Enter the vendor's RMA number first.", field="rma_number")
    if not changes:
        return locked
    locked.save()
    text = f"Vendor case {locked.number} updated: " + "; ".join(
        f"{field.replace('_', ' ')} {old or '—'} → {new or '—'}"
        for field, (old, new) in changes.items()
    )
    lifecycle.record_event(
        ticket=locked.ticket,
        text=text,
        actor=actor,
        action="vendor_case_updated",
        data={"vendor_case": locked.pk, "changes": changes},
    )
    _refresh(case, locked)
    return locked


@transaction.atomic
def close_vendor_case(*, case: VendorCase, actor: User, note: str = "") -> VendorCase:
    """Close the case. A ticket still waiting for this vendor (and no other open case)
    goes back to ``open``."""
    _require_agent(actor)
    locked = _lock_case(case)
    if not locked.is_open:
        raise InvalidTransition(f"Vendor case {locked.number} is closed already.")
    now = clock.now()
    locked.status = CaseStatus.CLOSED
    locked.closed_at = now
    locked.closed_by = actor
    locked.close_note = (note or "").strip()
    locked.save()
    lifecycle.record_event(
        ticket=locked.ticket,
        text=f"Vendor case {locked.number} closed" + (f": {locked.close_note}" if note else ""),
        actor=actor,
        action="vendor_case_closed",
        data={"vendor_case": locked.pk},
    )
    others_waiting = (
        VendorCase.objects.filter(ticket_id=locked.ticket_id, status=CaseStatus.WAITING)
        .exclude(pk=locked.pk)
        .exists()
    )
    ticket = Ticket.objects.get(pk=locked.ticket_id)
    if ticket.status == Status.PENDING_VENDOR and not others_waiting:
        lifecycle.change_status(
            ticket=ticket,
            actor=actor,
            status=Status.OPEN,
            reason=f"Vendor case {locked.number} closed",
        )
    _refresh(case, locked)
    return locked


def share_with_customer(*, entry: Entry, actor: User) -> Entry:
    """Show a vendor's answer to the customer, on purpose."""
    if entry.kind != EntryKind.VENDOR_MESSAGE:
        raise InvalidInput("Only vendor messages are shared from here.")
    return lifecycle.share_entry_with_customer(entry=entry, actor=actor)
