from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from tierdesk.categories.models import Category
from tierdesk.contracts import entitlement
from tierdesk.contracts.models import Contract
from tierdesk.customers.models import Organization
from tierdesk.devices.models import Device

# Included-hours usage is recorded by billing, a higher layer; it registers its reader here
# (contract id, a day) → minutes of included hours used in that day's month.
IncludedUsageReader = Callable[[int, dt.date], int]
_included_usage: IncludedUsageReader | None = None


def register_included_usage(reader: IncludedUsageReader | None) -> None:
    global _included_usage
    _included_usage = reader


def _included_left(contract: Contract, on: dt.date) -> int | None:
    hours = contract.plan.included_hours_per_month
    if _included_usage is None or not hours or hours <= 0:
        return None  # no monthly allowance: covered work is not capped
    return int(hours * 60) - _included_usage(contract.pk, on)


def decide_entitlement(
    *,
    on: dt.date,
    tier_level: int,
    channel: str,
    organization: Organization | None,
    device: Device | None,
    category: Category | None,
) -> entitlement.Entitlement:
    """Gather the facts from the database and apply :func:`entitlement.decide`."""
    contracts: list[entitlement.ContractFacts] = []
    if organization is not None:
        for c in Contract.objects.filter(organization=organization).select_related(
            "plan__covered_up_to"
        ):
            contracts.append(
                entitlement.ContractFacts(
                    id=c.pk,
                    label=c.number or str(c.plan),
                    starts_on=c.starts_on,
                    ends_on=c.ends_on,
                    covered_up_to_level=(
                        c.plan.covered_up_to.level if c.plan.covered_up_to is not None else None
                    ),
                    channels=list(c.plan.channels or []),
                    included_left_minutes=(_included_left(c, on) if c.is_valid_on(on) else None),
                )
            )
    device_facts = (
        entitlement.DeviceFacts(id=device.pk, label=str(device), warranty_end=device.warranty_end)
        if device is not None
        else None
    )
    return entitlement.decide(
        on=on,
        tier_level=tier_level,
        channel=channel,
        device=device_facts,
        category_covered_by_warranty=category.covered_by_warranty if category else True,
        contracts=contracts,
        billing_allowed=organization.billing_allowed if organization else True,
    )
