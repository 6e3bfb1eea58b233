"""Which SLA policy measures a ticket: the plan of the organisation's contract × priority."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from tierdesk.contracts.models import Contract, SupportPlan
from tierdesk.sla.models import SlaPolicy

if TYPE_CHECKING:
    import datetime as dt

    from tierdesk.tickets.models import Ticket


def plan_for(ticket: Ticket, *, on: dt.date) -> SupportPlan | None:
    """The ticket's contract plan, else the plan of the organisation's contract valid ``on``."""
    if ticket.contract_id is not None:
        contract = (
            Contract.objects.select_related("plan__calendar").filter(pk=ticket.contract_id).first()
        )
        if contract is not None:
            return contract.plan
    if ticket.organization_id is None:
        return None
    contract = (
        Contract.objects.filter(organization_id=ticket.organization_id, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("plan__calendar")
        .order_by("-starts_on", "-pk")
        .first()
    )
    return contract.plan if contract is not None else None


def policy_for(ticket: Ticket, *, on: dt.date) -> SlaPolicy | None:
    """The plan's policy for the ticket's priority, else the default policy (no plan)."""
    plan = plan_for(ticket, on=on)
    candidates = SlaPolicy.objects.filter(priority=ticket.priority).select_related("plan__calendar")
    if plan is not None:
        found = candidates.filter(plan=plan).first()
        if found is not None:
            return found
    return candidates.filter(plan__isnull=True).first()
