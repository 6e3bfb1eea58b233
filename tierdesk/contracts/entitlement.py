"""Entitlement: who pays for work on a ticket at a given tier (DESIGN §2).

Pure rules over plain values, so they are tested without a database:
  1. a device under warranty, in a category the warranty covers  → ``warranty``
  2. a valid contract whose plan covers the target tier (and the channel), with included
     hours left this month (when the plan has a monthly allowance)  → ``contract``
  3. otherwise, when the organisation allows paid support           → ``billable``
  4. otherwise                                                      → ``not_covered``
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence


class Kind:
    WARRANTY = "warranty"
    CONTRACT = "contract"
    BILLABLE = "billable"
    NOT_COVERED = "not_covered"

    CHOICES = (
        (WARRANTY, "warranty"),
        (CONTRACT, "contract"),
        (BILLABLE, "billable"),
        (NOT_COVERED, "not_covered"),
    )
    FREE = frozenset({WARRANTY, CONTRACT})


@dataclasses.dataclass(frozen=True)
class DeviceFacts:
    id: int
    label: str
    warranty_end: dt.date | None


@dataclasses.dataclass(frozen=True)
class ContractFacts:
    id: int
    label: str
    starts_on: dt.date
    ends_on: dt.date | None
    covered_up_to_level: int | None
    channels: Sequence[str]
    # minutes of the plan's included hours left in the month of the decision; None: no cap
    included_left_minutes: int | None = None


@dataclasses.dataclass(frozen=True)
class Entitlement:
    kind: str
    reason: str
    contract_id: int | None = None
    device_id: int | None = None

    @property
    def is_free(self) -> bool:
        return self.kind in Kind.FREE


def decide(
    *,
    on: dt.date,
    tier_level: int,
    channel: str,
    device: DeviceFacts | None,
    category_covered_by_warranty: bool,
    contracts: Sequence[ContractFacts],
    billing_allowed: bool,
) -> Entitlement:
    if (
        device is not None
        and device.warranty_end is not None
        and on <= device.warranty_end
        and category_covered_by_warranty
    ):
        return Entitlement(
            Kind.WARRANTY,
            f"Device {device.label} is under warranty until {device.warranty_end.isoformat()}",
            device_id=device.id,
        )
    valid = [c for c in contracts if c.starts_on <= on and (c.ends_on is None or on <= c.ends_on)]
    covering = [
        c
        for c in valid
        if c.covered_up_to_level is not None
        and tier_level <= c.covered_up_to_level
        and (not c.channels or channel in c.channels)
        and (c.included_left_minutes is None or c.included_left_minutes > 0)
    ]
    if covering:
        best = max(covering, key=lambda c: (c.covered_up_to_level or 0, c.starts_on))
        return Entitlement(
            Kind.CONTRACT,
            f"Contract {best.label} covers L{tier_level} (free up to L{best.covered_up_to_level})",
            contract_id=best.id,
        )
    if valid:
        best = max(valid, key=lambda c: (c.covered_up_to_level or 0, c.starts_on))
        why = (
            f"Contract {best.label} covers up to L{best.covered_up_to_level}, not L{tier_level}"
            if best.covered_up_to_level is not None
            else f"Contract {best.label} covers no tier free"
        )
        if (
            best.channels
            and channel not in best.channels
            and (best.covered_up_to_level or 0) >= tier_level
        ):
            why = f"Contract {best.label} does not cover the {channel} channel"
        elif (
            best.included_left_minutes is not None
            and best.included_left_minutes <= 0
            and (best.covered_up_to_level or 0) >= tier_level
        ):
            why = f"Contract {best.label}: the included hours of {on:%Y-%m} are used up"
        if not billing_allowed:
            return Entitlement(
                Kind.NOT_COVERED, f"{why}; paid support is not allowed", contract_id=best.id
            )
        return Entitlement(Kind.BILLABLE, why, contract_id=best.id)
    if billing_allowed:
        return Entitlement(Kind.BILLABLE, "No warranty or valid contract: paid support")
    return Entitlement(
        Kind.NOT_COVERED, "No warranty or valid contract, and paid support is not allowed"
    )
