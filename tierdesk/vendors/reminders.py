"""Reminders when a vendor is late (past ``Vendor.turnaround_hours``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tierdesk.core import clock
from tierdesk.tickets import lifecycle
from tierdesk.vendors.models import CaseStatus, VendorCase
from tierdesk.vendors.services import notify_watchers, send_to_case


def reminder_interval() -> dt.timedelta:
    hours = int(getattr(settings, "TIERDESK", {}).get("VENDOR_REMINDER_HOURS", 24))
    return dt.timedelta(hours=max(1, hours))


def overdue_cases(now: dt.datetime | None = None) -> list[int]:
    now = now or clock.now()
    return list(
        VendorCase.objects.filter(status=CaseStatus.WAITING, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:500]
    )


def remind_overdue(*, now: dt.datetime | None = None) -> int:
    """Remind about every case whose vendor is late: a note on the ticket, a notification to
    the agent who opened it (and the ticket's assignee and team supervisor), and a polite
    reminder to the vendor in the case's mail thread. Once per ``VENDOR_REMINDER_HOURS``
    (default 24) per case; safe to run twice (each case is locked and re-checked)."""
    now = now or clock.now()
    every = reminder_interval()
    sent = 0
    for pk in overdue_cases(now):
        with transaction.atomic():
            case = (
                VendorCase.objects.select_for_update(of=("self",))
                .select_related("ticket", "vendor", "opened_by")
                .get(pk=pk)
            )
            if case.status != CaseStatus.WAITING or case.due_at > now:
                continue
            if case.last_reminded_at is not None and case.last_reminded_at > now - every:
                continue
            case.reminder_count += 1
            case.last_reminded_at = now
            late = now - case.due_at
            hours = int(late.total_seconds() // 3600)
            case.save(update_fields=["reminder_count", "last_reminded_at", "updated_at"])
            lifecycle.record_event(
                ticket=case.ticket,
                text=(
                    f"{case.vendor.name} has not answered vendor case {case.number} "
                    f"({hours} h past the {case.vendor.turnaround_hours} h target); "
                    f"reminder {case.reminder_count}."
                ),
                action="vendor_overdue",
                data={"vendor_case": case.pk, "reminder": case.reminder_count},
            )
            notify_watchers(case, f"{case.vendor.name} is late on {case.number}", "vendor_overdue")
            if case.vendor.email:
                ref = f" (your reference {case.vendor_reference})" if case.vendor_reference else ""
                send_to_case(
                    case=case,
                    actor=None,
                    text=(
                        f"Hello,\n\nwe have not yet received an answer to our case {case.number}"
                        f"{ref}, opened on "
                        f"{timezone.localtime(case.opened_at):%Y-%m-%d %H:%M}. "
                        "Could you please let us know the status?\n\nThank you."
                    ),
                    kind=f"reminder-{case.reminder_count}",
                    auto=True,
                )
                case.save(update_fields=["last_sent_at"])
            sent += 1
    return sent
