"""What an SLA moment leads to: notifications, and the automatic escalation one tier up.

The SLA module (a lower layer) only records that a clock reached its warning, due or
escalation point and publishes an event; these services decide who hears about it and move
the ticket through ``tickets.lifecycle.escalate(..., kind="auto_sla")``.
Every service runs at most once per clock and kind (``SlaAlert``'s unique key).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tierdesk.accounts.models import Role, User
from tierdesk.core import clock as core_clock
from tierdesk.core.errors import DomainError
from tierdesk.escalation.models import AlertKind, SlaAlert
from tierdesk.notifications.services import notify_users
from tierdesk.sla.models import ClockKind, ClockState, SlaClock
from tierdesk.sla.selectors import clocks_for_ticket
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import EntryKind, EscalationKind, Ticket
from tierdesk.tiers.models import Team, Tier
from tierdesk.tiers.selectors import next_tier

log = logging.getLogger(__name__)


def format_duration(value: dt.timedelta) -> str:
    minutes = max(0, int(abs(value).total_seconds()) // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    if hours:
        return _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": minutes}


def supervisors_for(ticket: Ticket) -> list[User]:
    """The ticket team's supervisor; else supervisors of the tier's teams; else all."""
    if ticket.team_id is not None and ticket.team is not None and ticket.team.supervisor_id:
        sup = ticket.team.supervisor
        if sup is not None and sup.is_active:
            return [sup]
    found = list(
        User.objects.filter(supervised_teams__tier_id=ticket.tier_id, is_active=True).distinct()
    )
    if found:
        return found
    return list(User.objects.filter(role__in=[Role.SUPERVISOR, Role.ADMIN], is_active=True))


def _claim(clk: SlaClock, kind: str) -> SlaAlert | None:
    """Record that ``kind`` is being handled for ``clk``; None when it already was."""
    try:
        with transaction.atomic():
            return SlaAlert.objects.create(clock=clk, kind=kind, created_at=core_clock.now())
    except IntegrityError:
        return None


def _clock_text(clk: SlaClock) -> str:
    label = str(ClockKind(clk.kind).label)
    if clk.kind == ClockKind.TIER_RESPONSE and clk.tier is not None:
        label = f"{label} {clk.tier.code}"
    return label


def _row(ticket: Ticket, clk: SlaClock):  # type: ignore[no-untyped-def]
    for row in clocks_for_ticket(ticket, include_cancelled=True):
        if row.id == clk.pk:
            return row
    return None


def _local(moment: dt.datetime | None, user: User | None = None) -> str:
    if moment is None:
        return "—"
    tz = None
    if user is not None and user.timezone:
        import zoneinfo

        try:
            tz = zoneinfo.ZoneInfo(user.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            tz = None
    return timezone.localtime(moment, tz).strftime("%Y-%m-%d %H:%M")


def _mail(users: Iterable[User], *, ticket: Ticket, subject: str, text: str, key: str) -> None:
    from tierdesk.mail.outbound import queue_mail, ticket_subject

    for user in users:
        if not user.email:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            queue_mail(
                to=[user.email],
                subject=ticket_subject(ticket, str(subject)),
                text=str(text),
                ticket=ticket,
                kind="sla",
                auto_submitted=True,
                dedupe_key=f"{key}-u{user.pk}",
            )


def _load(clock_id: int) -> SlaClock | None:
    return (
        SlaClock.objects.select_related("ticket__team__supervisor", "ticket__assignee", "tier")
        .filter(pk=clock_id)
        .first()
    )


def notify_warning(*, clock_id: int) -> str:
    clk = _load(clock_id)
    if clk is None or clk.state != ClockState.RUNNING:
        return "clock stopped"
    if _claim(clk, AlertKind.WARNING) is None:
        return "already notified"
    ticket = clk.ticket
    users: list[User] = [ticket.assignee] if ticket.assignee is not None else []
    if not users and ticket.team_id is not None:
        users = list(User.objects.filter(teams=ticket.team_id, is_active=True))
    row = _row(ticket, clk)
    left = format_duration(row.remaining) if row else "?"
    text = _("SLA warning on %(number)s: %(clock)s is due at %(due)s (%(left)s left).") % {
        "number": ticket.number,
        "clock": _clock_text(clk),
        "due": _local(clk.due_at),
        "left": left,
    }
    notify_users(users=users, kind="sla_warning", text=text, ticket=ticket)
    return f"warned {len(users)}"


def notify_breach(*, clock_id: int) -> str:
    clk = _load(clock_id)
    if clk is None:
        return "clock gone"
    if _claim(clk, AlertKind.BREACH) is None:
        return "already notified"
    ticket = clk.ticket
    users = supervisors_for(ticket)
    row = _row(ticket, clk)
    over = format_duration(row.overdue_by) if row else "?"
    text = _("SLA breached on %(number)s: %(clock)s was due at %(due)s (overdue by %(over)s).") % {
        "number": ticket.number,
        "clock": _clock_text(clk),
        "due": _local(clk.due_at),
        "over": over,
    }
    notify_users(users=users, kind="sla_breach", text=text, ticket=ticket)
    link = f"{settings.SITE_URL}/agent/tickets/{ticket.pk}/"
    _mail(
        users,
        ticket=ticket,
        subject=_("SLA breached: %(clock)s") % {"clock": _clock_text(clk)},
        text=f"{text}\n\n{ticket.subject}\n{link}\n",
        key=f"sla-breach-{clk.pk}",
    )
    return f"notified {len(users)}"


def _handoff(ticket: Ticket, clk: SlaClock) -> lifecycle.Handoff:
    """The hand-off of an automatic escalation, in the desk's language."""
    last = ticket.entries.filter(kind=EntryKind.CUSTOMER_MESSAGE).order_by("-created_at").first()
    data = "; ".join(f"{k}: {v}" for k, v in (ticket.intake_data or {}).items() if v)
    with translation.override(settings.LANGUAGE_CODE):
        diagnostics = _(
            "Automatic escalation: the target “%(clock)s” of %(tier)s was due at %(due)s and "
            "stayed breached past the grace period."
        ) % {"clock": _clock_text(clk), "tier": ticket.tier, "due": _local(clk.due_at)}
        tried = _("See the ticket's timeline: nobody at %(tier)s answered in time.") % {
            "tier": ticket.tier
        }
    return lifecycle.Handoff(
        problem=f"{ticket.subject}\n\n{(last.body_text if last else '')[:2000]}".strip(),
        data_collected=data,
        diagnostics=diagnostics,
        tried=tried,
    )


def _team_at(tier: Tier, ticket: Ticket) -> Team | None:
    category = ticket.category
    if category is not None and category.default_team_id is not None:
        team = category.default_team
        if team is not None and team.tier_id == tier.pk:
            return team
    return Team.objects.filter(tier=tier).order_by("name").first()


def auto_escalate(*, clock_id: int) -> str:
    """Escalate the ticket of ``clock_id`` one tier up (kind ``auto_sla``) if its response
    target is still breached at the tier where the clock ran. Runs at most once per clock."""
    peek = SlaClock.objects.filter(pk=clock_id).values("ticket_id").first()
    if peek is None:
        return "clock gone"
    with transaction.atomic():
        # lock order as in the lifecycle: ticket first, then its clocks
        ticket = Ticket.objects.select_for_update().get(pk=peek["ticket_id"])
        clk = (
            SlaClock.objects.select_for_update(of=("self",)).select_related("tier").get(pk=clock_id)
        )
        if clk.kind not in (ClockKind.FIRST_RESPONSE, ClockKind.TIER_RESPONSE):
            return "not a response clock"
        alert = _claim(clk, AlertKind.AUTO_ESCALATION)
        if alert is None:
            return "already handled"
        if clk.state != ClockState.RUNNING:
            alert.outcome = "answered or paused meanwhile: not escalated"
        elif not ticket.is_open:
            alert.outcome = "ticket no longer open: not escalated"
        elif clk.tier_id is not None and ticket.tier_id != clk.tier_id:
            alert.outcome = "ticket moved to another tier meanwhile: not escalated"
        else:
            upper = next_tier(ticket.tier)
            if upper is None:
                alert.outcome = f"{ticket.tier} is the top tier: nothing to escalate to"
            else:
                try:
                    esc = lifecycle.escalate(
                        ticket=ticket,
                        actor=None,
                        to_tier=upper,
                        to_team=_team_at(upper, ticket),
                        handoff=_handoff(ticket, clk),
                        reason=f"SLA breach: {_clock_text(clk)}",
                        kind=EscalationKind.AUTO_SLA,
                    )
                except DomainError as exc:  # recorded and told to the supervisor, not retried
                    alert.outcome = f"not escalated: {exc.message}"[:300]
                else:
                    alert.escalation = esc
                    alert.outcome = f"escalated to {upper}"
        alert.save(update_fields=["escalation", "outcome"])
        outcome = alert.outcome
        if alert.escalation_id is None and ("top tier" in outcome or "not escalated:" in outcome):
            users = supervisors_for(ticket)
            transaction.on_commit(
                lambda: notify_users(
                    users=users,
                    kind="sla_escalation",
                    text=f"{ticket.number}: {outcome}",
                    ticket=ticket,
                )
            )
    log.info("auto-escalation of clock %s: %s", clock_id, outcome)
    return outcome
