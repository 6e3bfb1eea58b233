"""Writes of the billing app: time entries with their charge, quotes and their decisions."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from tierdesk.billing import rules
from tierdesk.billing.models import Basis, Quote, QuoteStatus, TimeCharge
from tierdesk.contracts.models import Contract
from tierdesk.contracts.selectors import decide_entitlement
from tierdesk.core import clock
from tierdesk.core.conf import setting
from tierdesk.core.errors import InvalidInput, InvalidTransition, NotPermitted
from tierdesk.core.events import publish_on_commit
from tierdesk.tickets import lifecycle, permissions
from tierdesk.tickets.models import ApprovalKind, Status, Ticket, TimeEntry, WorkApproval

if TYPE_CHECKING:
    from tierdesk.accounts.models import User
    from tierdesk.customers.models import Contact
    from tierdesk.tiers.models import Tier

MAX_MINUTES_PER_ENTRY = 24 * 60
QUOTE_VALID_DAYS = 14


def currency() -> str:
    return str(setting("CURRENCY"))


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def included_minutes_used(*, contract: Contract, month: dt.date) -> int:
    return included_minutes_used_by_id(contract.pk, month)


def included_minutes_used_by_id(contract_id: int, day: dt.date) -> int:
    """Minutes of the contract's included hours used in ``day``'s month (the reader that
    ``contracts.selectors`` uses to re-decide entitlement when the hours run out)."""
    total = TimeCharge.objects.filter(contract_id=contract_id, month=month_of(day)).aggregate(
        n=Sum("included_minutes")
    )["n"]
    return int(total or 0)


def _approvals(ticket: Ticket, tier: Tier) -> tuple[bool, bool]:
    """(customer approved, only a supervisor's override) for work at ``tier``."""
    kinds = set(
        WorkApproval.objects.filter(ticket=ticket, tier__level__gte=tier.level).values_list(
            "kind", flat=True
        )
    )
    customer = ApprovalKind.CUSTOMER in kinds
    return customer, (ApprovalKind.OVERRIDE in kinds and not customer)


def _has_been_at(ticket: Ticket, tier: Tier) -> bool:
    from tierdesk.tickets.models import Escalation

    return (
        Escalation.objects.filter(ticket=ticket)
        .filter(Q(from_tier=tier) | Q(to_tier=tier))
        .exists()
    )


@transaction.atomic
def log_time(
    *,
    ticket: Ticket,
    agent: User,
    minutes: int,
    note: str = "",
    work_date: dt.date | None = None,
    tier: Tier | None = None,
) -> TimeEntry:
    """Record ``minutes`` of work on ``ticket`` by ``agent`` and decide who pays for them.

    The entry keeps the ticket's tier (or ``tier``, one the ticket has been at, for work logged
    late) and that tier's cost and billing rates at this moment.
    Entitlement is decided for the work date and the ticket's tier; contract-covered minutes
    use the month's included hours first (the contract row is locked so two agents cannot
    both use the last included hour), the rest is billable. See :mod:`tierdesk.billing.rules`.
    """
    if not permissions.is_agent(agent):
        raise NotPermitted("Only support agents log time.")
    if not isinstance(minutes, int) or isinstance(minutes, bool):
        raise InvalidInput("Minutes must be a whole number.", field="minutes")
    if not 1 <= minutes <= MAX_MINUTES_PER_ENTRY:
        raise InvalidInput(
            f"Log between 1 and {MAX_MINUTES_PER_ENTRY} minutes per entry.", field="minutes"
        )
    today = timezone.localdate(clock.now())
    day = work_date or today
    if day > today:
        raise InvalidInput("Work cannot be logged for a future date.", field="work_date")
    fresh = Ticket.objects.select_related("tier", "organization", "device", "category").get(
        pk=ticket.pk
    )
    if fresh.status in (Status.MERGED, Status.SPAM):
        raise InvalidTransition(
            f"Ticket {fresh.number} is {Status(fresh.status).label}; time is not logged on it."
        )
    if tier is None:
        tier = fresh.tier
    elif tier.pk != fresh.tier_id and not _has_been_at(fresh, tier):
        raise InvalidInput(f"Ticket {fresh.number} has never been at {tier}.", field="tier")
    decided = decide_entitlement(
        on=day,
        tier_level=tier.level,
        channel=fresh.channel,
        organization=fresh.organization,
        device=fresh.device,
        category=fresh.category,
    )
    contract: Contract | None = None
    cap: int | None = None
    used = 0
    if decided.contract_id is not None:
        contract = (
            Contract.objects.select_for_update(of=("self",))
            .select_related("plan")
            .get(pk=decided.contract_id)
        )
    if decided.kind == rules.Kind.CONTRACT and contract is not None:
        hours = Decimal(contract.plan.included_hours_per_month or 0)
        cap = int(hours * 60) if hours > 0 else None
        used = included_minutes_used(contract=contract, month=day)
    customer_ok, override_only = _approvals(fresh, tier)
    split = rules.split_minutes(
        minutes=minutes,
        entitlement=decided.kind,
        included_cap_minutes=cap,
        included_used_minutes=used,
        customer_approved=customer_ok,
        override_only=override_only,
    )
    entry = TimeEntry.objects.create(
        ticket=fresh,
        agent=agent,
        tier=tier,
        minutes=minutes,
        billable=split.billable_minutes > 0,
        cost_rate=tier.cost_rate,
        billing_rate=tier.billing_rate,
        note=note[:500],
        work_date=day,
    )
    reason = decided.reason
    if split.basis == Basis.INCLUDED and cap is not None:
        reason = f"{reason}; included hours: {used + split.included_minutes}/{cap} min this month"
    elif split.basis == Basis.BILLABLE and split.included_minutes:
        reason = (
            f"{reason}; included hours used up: {split.included_minutes} min included, "
            f"{split.billable_minutes} min billable"
        )
    elif split.basis == Basis.BILLABLE and decided.kind == rules.Kind.CONTRACT:
        reason = f"{reason}; included hours of the month are used up"
    elif split.basis == Basis.WAIVED:
        reason = f"{reason}; waived: supervisor's override without the customer's approval"
    TimeCharge.objects.create(
        entry=entry,
        organization=fresh.organization,
        contract=contract,
        month=month_of(day),
        basis=split.basis,
        reason=reason[:300],
        included_minutes=split.included_minutes,
        billable_minutes=split.billable_minutes,
        free_minutes=split.free_minutes,
        amount=rules.amount_for(split.billable_minutes, tier.billing_rate),
        cost=rules.amount_for(minutes, tier.cost_rate),
        currency=currency(),
    )
    publish_on_commit("billing.time_logged", ticket_id=fresh.pk, entry_id=entry.pk)
    return entry


# ---------------------------------------------------------------- quotes


def _expire_if_due(quote: Quote, now: dt.datetime) -> None:
    if quote.status == QuoteStatus.PENDING and quote.expires_at <= now:
        quote.status = QuoteStatus.EXPIRED
        quote.save(update_fields=["status"])


@transaction.atomic
def create_quote(
    *,
    ticket: Ticket,
    tier: Tier,
    estimated_minutes: int,
    actor: User,
    note: str = "",
    valid_days: int = QUOTE_VALID_DAYS,
    send: bool = True,
) -> Quote:
    """Estimate paid work at ``tier`` (minutes × the tier's billing rate) and, with ``send``,
    e-mail the requester a signed link to approve or decline it. Earlier pending quotes for
    the same tier are withdrawn."""
    if not permissions.is_agent(actor):
        raise NotPermitted("Only support agents make quotes.")
    if not isinstance(estimated_minutes, int) or not 1 <= estimated_minutes <= 100_000:
        raise InvalidInput("Estimate between 1 and 100000 minutes.", field="estimated_minutes")
    if not 1 <= valid_days <= 365:
        raise InvalidInput("A quote is valid for 1 to 365 days.", field="valid_days")
    fresh = Ticket.objects.select_related("requester").get(pk=ticket.pk)
    if not fresh.is_open:
        raise InvalidTransition(f"Ticket {fresh.number} is not open; no quote is needed.")
    if tier is None or tier.pk is None:
        raise InvalidInput("Choose the tier the work is done at.", field="tier")
    now = clock.now()
    superseded = Quote.objects.filter(ticket=fresh, tier=tier, status=QuoteStatus.PENDING)
    superseded.update(status=QuoteStatus.WITHDRAWN, decided_at=now)
    quote = Quote.objects.create(
        ticket=fresh,
        tier=tier,
        estimated_minutes=estimated_minutes,
        billing_rate=tier.billing_rate,
        amount=rules.amount_for(estimated_minutes, tier.billing_rate),
        currency=currency(),
        note=note,
        token=secrets.token_urlsafe(24),
        created_by=actor,
        sent_to=fresh.requester,
        created_at=now,
        expires_at=now + dt.timedelta(days=valid_days),
    )
    lifecycle.record_event(
        ticket=fresh,
        text=f"Quote for {tier}: {quote.estimated_hours} h × {tier.billing_rate} = "
        f"{quote.amount} {quote.currency}",
        actor=actor,
        action="quote_created",
        data={"quote": quote.pk, "tier": tier.level, "amount": str(quote.amount)},
    )
    if send:
        publish_on_commit("billing.quote_created", ticket_id=fresh.pk, quote_id=quote.pk)
    return quote


def _lock_pending(quote: Quote) -> Quote:
    locked = (
        Quote.objects.select_for_update(of=("self",))
        .select_related("ticket", "tier")
        .get(pk=quote.pk)
    )
    _expire_if_due(locked, clock.now())
    if locked.status != QuoteStatus.PENDING:
        raise InvalidTransition(
            f"This quote is already {locked.status}.",
            status=locked.status,
        )
    return locked


@transaction.atomic
def approve_quote(*, quote: Quote, contact: Contact) -> Quote:
    """The customer approves the quote: recorded as a customer work approval for its tier."""
    locked = _lock_pending(quote)
    if not permissions.contact_can_see_ticket(contact, locked.ticket):
        raise NotPermitted("This quote is for another customer's ticket.")
    approval = lifecycle.record_work_approval(
        ticket=locked.ticket,
        tier=locked.tier,
        kind=ApprovalKind.CUSTOMER,
        contact=contact,
        estimated_minutes=locked.estimated_minutes,
        note=f"Quote #{locked.pk}: {locked.amount} {locked.currency}",
    )
    locked.status = QuoteStatus.APPROVED
    locked.decided_at = clock.now()
    locked.decided_by_contact = contact
    locked.approval = approval
    locked.save(update_fields=["status", "decided_at", "decided_by_contact", "approval"])
    publish_on_commit("billing.quote_decided", ticket_id=locked.ticket_id, quote_id=locked.pk)
    _refresh(quote, locked)
    return locked


@transaction.atomic
def decline_quote(*, quote: Quote, contact: Contact, reason: str = "") -> Quote:
    """The customer declines the quote; the paid work is not started."""
    locked = _lock_pending(quote)
    if not permissions.contact_can_see_ticket(contact, locked.ticket):
        raise NotPermitted("This quote is for another customer's ticket.")
    locked.status = QuoteStatus.DECLINED
    locked.decided_at = clock.now()
    locked.decided_by_contact = contact
    locked.decline_reason = reason[:2000]
    locked.save(update_fields=["status", "decided_at", "decided_by_contact", "decline_reason"])
    lifecycle.record_event(
        ticket=locked.ticket,
        text=f"Quote #{locked.pk} declined by {contact}" + (f": {reason}" if reason else ""),
        action="quote_declined",
        data={"quote": locked.pk},
    )
    publish_on_commit("billing.quote_decided", ticket_id=locked.ticket_id, quote_id=locked.pk)
    _refresh(quote, locked)
    return locked


@transaction.atomic
def override_approval(*, ticket: Ticket, tier: Tier, actor: User, note: str = "") -> WorkApproval:
    """A supervisor lets paid work at ``tier`` go ahead without the customer's approval.
    Pending quotes for that tier are withdrawn; the work is not charged (see rules)."""
    if not permissions.can_override_billing(actor):
        raise NotPermitted("Only a supervisor may override the billing approval.")
    if not note.strip():
        raise InvalidInput("Say why the approval is overridden.", field="note")
    approval = lifecycle.record_work_approval(
        ticket=ticket, tier=tier, kind=ApprovalKind.OVERRIDE, actor=actor, note=note
    )
    superseded = Quote.objects.filter(ticket=ticket, tier=tier, status=QuoteStatus.PENDING)
    superseded.update(status=QuoteStatus.WITHDRAWN, decided_at=clock.now())
    return approval


def expire_quotes() -> int:
    """Mark pending quotes past their validity as expired (the periodic job)."""
    return Quote.objects.filter(status=QuoteStatus.PENDING, expires_at__lte=clock.now()).update(
        status=QuoteStatus.EXPIRED
    )


def _refresh(target: Quote, source: Quote) -> None:
    if target is not source:
        target.__dict__.update(
            {k: v for k, v in source.__dict__.items() if not k.startswith("_state")}
        )
