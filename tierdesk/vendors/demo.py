"""Demo vendor cases: every ticket the foundation demo handed to a vendor gets its case —
waiting (some overdue, one with an RMA unit out), answered, or closed after the answer — so the
case list, the turnaround report and the reminders have something to show. No mail is sent.

Idempotent: a ticket that has a case already is skipped.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tierdesk.core import clock
from tierdesk.devices.models import Vendor
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import Entry, EntryKind, Escalation, EscalationKind, Status
from tierdesk.vendors.models import CaseStatus, VendorCase

# hours from opening to the vendor's answer in the demo (some within, some past the target)
ANSWER_HOURS = (6, 20, 30, 52, 75, 9)


def _vendor_for(escalation: Escalation, vendors: list[Vendor]) -> Vendor:
    device = escalation.ticket.device
    if device is not None and device.manufacturer_id:
        return device.manufacturer  # type: ignore[return-value]
    name = escalation.reason.removeprefix("Vendor: ").strip()
    by_name = {v.name: v for v in vendors}
    return by_name.get(name) or vendors[escalation.pk % len(vendors)]


def load(ctx: dict[str, Any]) -> None:
    vendors = list(Vendor.objects.order_by("pk"))
    if not vendors:
        return
    escalations = list(
        Escalation.objects.filter(kind=EscalationKind.VENDOR)
        .exclude(ticket__vendor_cases__isnull=False)
        .select_related("ticket", "ticket__device", "from_tier", "by_user")
        .order_by("pk")
    )
    now = timezone.now()
    for n, esc in enumerate(escalations):
        ticket = esc.ticket
        vendor = _vendor_for(esc, vendors)
        answers = [
            e
            for e in Entry.objects.filter(
                ticket=ticket, kind=EntryKind.VENDOR_MESSAGE, created_at__gte=esc.created_at
            ).order_by("created_at", "pk")
            if e.data.get("direction") != "out"
        ]
        opened = esc.created_at
        if answers:
            # The foundation demo answers at the moment it escalates: open the case earlier
            # (after the ticket's previous move) so the vendor took a realistic time.
            before = (
                Escalation.objects.filter(ticket=ticket, created_at__lt=esc.created_at)
                .order_by("-created_at")
                .values_list("created_at", flat=True)
                .first()
            ) or ticket.created_at
            wanted = dt.timedelta(hours=ANSWER_HOURS[n % len(ANSWER_HOURS)])
            opened = esc.created_at - min(wanted, (esc.created_at - before) * 0.8)
            Escalation.objects.filter(pk=esc.pk).update(created_at=opened)
        case = VendorCase.objects.create(
            ticket=ticket,
            vendor=vendor,
            escalation=esc,
            from_tier=esc.from_tier or ticket.tier,
            subject=ticket.subject,
            vendor_reference=f"{vendor.name.split()[0].upper()}-{55800 + n}" if n % 3 else "",
            opened_by=esc.by_user,
            opened_at=opened,
            due_at=opened + dt.timedelta(hours=vendor.turnaround_hours),
            last_sent_at=opened,
        )
        with clock.as_of(opened):
            lifecycle.add_vendor_outbound(
                ticket=ticket,
                actor=None,
                body=(
                    f"Our reference: {ticket.number}\n\n{esc.problem}\n\n"
                    "Could you please check this on your side and advise?"
                ),
                vendor_name=vendor.name,
                data={"vendor_case": case.pk, "vendor_case_number": case.number, "demo": True},
            )
        if answers:
            for entry in answers:
                Entry.objects.filter(pk=entry.pk).update(
                    data={**entry.data, "vendor_case": case.pk, "direction": "in"}
                )
            case.first_response_at = answers[0].created_at
            case.last_vendor_reply_at = answers[-1].created_at
            if ticket.status in (Status.RESOLVED, Status.CLOSED):
                case.status = CaseStatus.CLOSED
                case.closed_at = ticket.resolved_at or answers[-1].created_at
                case.close_note = "Fixed by the vendor"
            else:
                case.status = CaseStatus.ANSWERED
        elif n % 4 == 1 and vendor.turnaround_hours:
            # a hardware unit went back to the vendor and has not come back yet
            case.rma_number = f"RMA-{700100 + n}"
            case.rma_shipped_on = (opened + dt.timedelta(days=1)).date()
            case.rma_tracking = f"CDEK {1040000 + n}"
        if case.status == CaseStatus.WAITING and case.due_at < now and n % 2 == 0:
            case.reminder_count = 1
            case.last_reminded_at = case.due_at + dt.timedelta(hours=1)
        case.save()
    ctx["vendor_cases"] = VendorCase.objects.count()
