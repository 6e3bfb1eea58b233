"""The billing statement of one organisation for one month (a read model: page, CSV, PDF)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from tierdesk.billing.models import Basis, TimeCharge
from tierdesk.billing.services import currency
from tierdesk.customers.models import Organization

ZERO = Decimal("0.00")


@dataclasses.dataclass
class Line:
    """One time entry."""

    work_date: dt.date
    agent: str
    tier: str
    minutes: int
    included_minutes: int
    free_minutes: int
    billable_minutes: int
    billing_rate: Decimal
    amount: Decimal
    basis: str
    reason: str
    note: str


@dataclasses.dataclass
class TicketBlock:
    number: str
    subject: str
    lines: list[Line] = dataclasses.field(default_factory=list)

    @property
    def tiers(self) -> str:
        return ", ".join(sorted({line.tier for line in self.lines}))

    @property
    def minutes(self) -> int:
        return sum(line.minutes for line in self.lines)

    @property
    def included_minutes(self) -> int:
        return sum(line.included_minutes for line in self.lines)

    @property
    def free_minutes(self) -> int:
        return sum(line.free_minutes for line in self.lines)

    @property
    def billable_minutes(self) -> int:
        return sum(line.billable_minutes for line in self.lines)

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


@dataclasses.dataclass
class Statement:
    organization: Organization
    month: dt.date
    currency: str
    tickets: list[TicketBlock]
    included_hours: Decimal | None  # the plan's monthly allowance, when a contract applies
    cost: Decimal

    @property
    def minutes(self) -> int:
        return sum(t.minutes for t in self.tickets)

    @property
    def included_minutes(self) -> int:
        return sum(t.included_minutes for t in self.tickets)

    @property
    def free_minutes(self) -> int:
        return sum(t.free_minutes for t in self.tickets)

    @property
    def billable_minutes(self) -> int:
        return sum(t.billable_minutes for t in self.tickets)

    @property
    def amount(self) -> Decimal:
        return sum((t.amount for t in self.tickets), ZERO)

    @property
    def period_label(self) -> str:
        return self.month.strftime("%Y-%m")


def parse_month(value: str) -> dt.date:
    """``"2026-05"`` → 1 May 2026; ValueError on anything else."""
    try:
        year, month = value.split("-")
        return dt.date(int(year), int(month), 1)
    except (ValueError, TypeError):
        raise ValueError(f"{value!r} is not a month like 2026-05.") from None


def build_statement(*, organization: Organization, month: dt.date) -> Statement:
    """All time logged on the organisation's tickets in ``month``, grouped by ticket.

    Three queries whatever the number of entries: charges with entries, tickets, agents and
    tiers in one join; the plan's allowance; nothing per row.
    """
    month = month.replace(day=1)
    charges = (
        TimeCharge.objects.filter(organization=organization, month=month)
        .select_related("entry__ticket", "entry__tier", "entry__agent", "contract__plan")
        .order_by("entry__ticket__created_at", "entry__ticket_id", "entry__work_date", "pk")
    )
    blocks: dict[int, TicketBlock] = {}
    included_hours: Decimal | None = None
    cost = ZERO
    for charge in charges:
        entry = charge.entry
        ticket = entry.ticket
        block = blocks.get(ticket.pk)
        if block is None:
            block = blocks[ticket.pk] = TicketBlock(
                number=ticket.number or "", subject=ticket.subject
            )
        if charge.contract is not None and charge.basis in (Basis.INCLUDED, Basis.BILLABLE):
            included_hours = charge.contract.plan.included_hours_per_month
        cost += charge.cost
        block.lines.append(
            Line(
                work_date=entry.work_date,
                agent=entry.agent.get_full_name() or entry.agent.username,
                tier=entry.tier.code,
                minutes=entry.minutes,
                included_minutes=charge.included_minutes,
                free_minutes=charge.free_minutes,
                billable_minutes=charge.billable_minutes,
                billing_rate=entry.billing_rate,
                amount=charge.amount,
                basis=charge.basis,
                reason=charge.reason,
                note=entry.note,
            )
        )
    return Statement(
        organization=organization,
        month=month,
        currency=currency(),
        tickets=list(blocks.values()),
        included_hours=included_hours,
        cost=cost,
    )
