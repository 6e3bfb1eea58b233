"""Billing arithmetic as plain functions (no database): who pays for logged minutes, and how much.

Rules (docs/sla-billing.md):
  * warranty work is free;
  * work covered by a contract uses the plan's included hours of that month first; what does
    not fit is billable (a plan with 0 included hours puts no cap on covered work);
  * work that is billable needs the customer's approval (a quote) — with only a supervisor's
    override and no approval from the customer, it is done but not charged (waived);
  * work that is not covered (paid support not allowed) is not charged;
  * amount = billable minutes / 60 × the tier's billing rate at that moment, rounded half up
    to kopecks (cents); cost = all minutes / 60 × the tier's cost rate.
"""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


class Kind:  # the entitlement kinds of contracts.entitlement, repeated to stay import-free
    WARRANTY = "warranty"
    CONTRACT = "contract"
    BILLABLE = "billable"
    NOT_COVERED = "not_covered"


@dataclasses.dataclass(frozen=True)
class Split:
    basis: str
    included_minutes: int
    billable_minutes: int
    free_minutes: int


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def amount_for(minutes: int, hourly_rate: Decimal) -> Decimal:
    return money(Decimal(minutes) * Decimal(hourly_rate) / Decimal(60))


def split_minutes(
    *,
    minutes: int,
    entitlement: str,
    included_cap_minutes: int | None,
    included_used_minutes: int,
    customer_approved: bool,
    override_only: bool,
) -> Split:
    """Divide ``minutes`` into included, billable and free minutes.

    ``included_cap_minutes`` None means the contract puts no cap on covered work.
    """
    if minutes <= 0:
        raise ValueError("minutes must be positive")
    if entitlement == Kind.WARRANTY:
        return Split("warranty", 0, 0, minutes)
    if entitlement == Kind.NOT_COVERED:
        return Split("not_covered", 0, 0, minutes)
    if entitlement == Kind.CONTRACT:
        if included_cap_minutes is None:
            return Split("included", minutes, 0, 0)
        left = max(0, included_cap_minutes - included_used_minutes)
        included = min(left, minutes)
        rest = minutes - included
        if rest == 0:
            return Split("included", included, 0, 0)
        # the overflow is paid work on a contract: billed like any other paid work
        return Split("billable", included, rest, 0)
    if override_only and not customer_approved:
        return Split("waived", 0, 0, minutes)
    return Split("billable", 0, minutes, 0)
