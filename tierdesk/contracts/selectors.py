from __future__ import annotations

import datetime as dt

from tierdesk.categories.models import Category
from tierdesk.contracts import entitlement
from tierdesk.contracts.models import Contract
from tierdesk.customers.models import Organization
from tierdesk.devices.models import Device


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
