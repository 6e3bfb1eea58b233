"""Reads for vendor cases: lists, a case's correspondence, the vendor turnaround report."""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
from collections import defaultdict

from django.db.models import Q, QuerySet

from tierdesk.core import clock
from tierdesk.devices.models import Vendor
from tierdesk.tickets.models import Entry
from tierdesk.vendors.models import OPEN_CASE_STATUSES, CaseStatus, VendorCase

FILTERS = ("open", "waiting", "answered", "overdue", "closed", "all")


def case_list(*, show: str = "open", vendor_id: int | None = None) -> QuerySet[VendorCase]:
    qs = VendorCase.objects.select_related("vendor", "ticket", "opened_by", "from_tier")
    if show == "open":
        qs = qs.filter(status__in=OPEN_CASE_STATUSES)
    elif show == "overdue":
        qs = qs.filter(status=CaseStatus.WAITING, due_at__lte=clock.now())
    elif show in (CaseStatus.WAITING, CaseStatus.ANSWERED, CaseStatus.CLOSED):
        qs = qs.filter(status=show)
    if vendor_id:
        qs = qs.filter(vendor_id=vendor_id)
    if show in ("open", "waiting", "overdue"):
        return qs.order_by("due_at", "pk")
    return qs.order_by("-opened_at", "-pk")


def case_entries(case: VendorCase) -> list[Entry]:
    """The case's correspondence and events, oldest first."""
    return list(
        Entry.objects.filter(ticket_id=case.ticket_id)
        .filter(Q(data__vendor_case=case.pk))
        .select_related("author_user")
        .order_by("created_at", "pk")[:500]
    )


def cases_of_ticket(ticket_id: int) -> list[VendorCase]:
    return list(
        VendorCase.objects.filter(ticket_id=ticket_id).select_related("vendor").order_by("pk")
    )


@dataclasses.dataclass
class VendorTurnaround:
    """One vendor's row of the turnaround report (DESIGN §5 "vendor turnaround")."""

    vendor: Vendor
    target_hours: int
    opened: int = 0
    answered: int = 0
    within_target: int = 0
    median_hours: float | None = None
    average_hours: float | None = None
    closed: int = 0
    average_close_hours: float | None = None
    waiting_now: int = 0
    overdue_now: int = 0
    rma_out_now: int = 0

    @property
    def within_target_pct(self) -> float | None:
        return round(100.0 * self.within_target / self.answered, 1) if self.answered else None

    @property
    def unanswered(self) -> int:
        return self.opened - self.answered


def _hours(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 3600.0


def turnaround_report(*, start: dt.date, end: dt.date) -> list[VendorTurnaround]:
    """For cases opened from ``start`` to ``end`` (inclusive): how many, how many the vendor
    answered, the time to the vendor's first answer (median and mean, wall-clock hours), how
    many answers came within the vendor's target, time to close; and, as of now, how many
    cases wait, how many of those are overdue and how many RMA units are out. Three queries."""
    if end < start:
        start, end = end, start
    now = clock.now()
    vendors = {v.pk: v for v in Vendor.objects.all()}
    rows: dict[int, VendorTurnaround] = {}

    def row(vendor_id: int) -> VendorTurnaround:
        if vendor_id not in rows:
            vendor = vendors[vendor_id]
            rows[vendor_id] = VendorTurnaround(vendor=vendor, target_hours=vendor.turnaround_hours)
        return rows[vendor_id]

    first: dict[int, list[float]] = defaultdict(list)
    close: dict[int, list[float]] = defaultdict(list)
    period = VendorCase.objects.filter(
        opened_at__date__gte=start, opened_at__date__lte=end
    ).values_list("vendor_id", "opened_at", "first_response_at", "closed_at")
    for vendor_id, opened_at, first_at, closed_at in period.iterator():
        r = row(vendor_id)
        r.opened += 1
        if first_at is not None:
            hours = _hours(first_at - opened_at)
            r.answered += 1
            first[vendor_id].append(hours)
            if hours <= r.target_hours:
                r.within_target += 1
        if closed_at is not None:
            r.closed += 1
            close[vendor_id].append(_hours(closed_at - opened_at))
    current = VendorCase.objects.filter(status__in=OPEN_CASE_STATUSES).values_list(
        "vendor_id", "status", "due_at", "rma_shipped_on", "rma_received_on"
    )
    for vendor_id, status, due_at, shipped, received in current.iterator():
        rma_out = bool(shipped and not received)
        if status != CaseStatus.WAITING and not rma_out:
            continue
        r = row(vendor_id)
        if status == CaseStatus.WAITING:
            r.waiting_now += 1
            if due_at <= now:
                r.overdue_now += 1
        if rma_out:
            r.rma_out_now += 1
    for vendor_id, r in rows.items():
        if first[vendor_id]:
            r.median_hours = round(statistics.median(first[vendor_id]), 1)
            r.average_hours = round(statistics.fmean(first[vendor_id]), 1)
        if close[vendor_id]:
            r.average_close_hours = round(statistics.fmean(close[vendor_id]), 1)
    return sorted(rows.values(), key=lambda r: r.vendor.name.lower())
