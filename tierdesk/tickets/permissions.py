"""Guards (``can_*``) shared by the lifecycle, the agent workspace and the API."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tierdesk.accounts.models import User
    from tierdesk.customers.models import Contact
    from tierdesk.tickets.models import Ticket
    from tierdesk.tiers.models import Tier


def is_agent(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_staff_member)


def can_work_ticket(user: User | None, ticket: Ticket) -> bool:
    """Any active agent may read a ticket and write replies and notes on it."""
    return is_agent(user)


def can_assign_across_tiers(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_supervisor)


def can_skip_tier(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_supervisor)


def can_override_billing(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_supervisor)


def can_enter_tier(user: User | None, tier: Tier) -> bool:
    """A tier flagged ``requires_approval`` (e.g. L4) is entered only with a supervisor."""
    return not tier.requires_approval or can_skip_tier(user)


def contact_can_see_ticket(contact: Contact | None, ticket: Ticket) -> bool:
    if contact is None:
        return False
    if ticket.requester_id == contact.pk:
        return True
    return bool(
        contact.is_org_manager
        and contact.organization_id is not None
        and ticket.organization_id == contact.organization_id
    )
