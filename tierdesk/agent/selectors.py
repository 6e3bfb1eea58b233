"""Reads for the agent workspace: queues, the ticket page, the notification bell.

Every function runs a fixed number of queries whatever the number of tickets or entries
(tests/agent/test_query_counts.py holds them to it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from tierdesk.agent import queues
from tierdesk.categories.intake import missing_required
from tierdesk.categories.models import Category, IntakeField
from tierdesk.core import clock
from tierdesk.customers.models import Organization
from tierdesk.kb.models import Article
from tierdesk.kb.selectors import search_articles
from tierdesk.notifications.models import Notification
from tierdesk.sla import selectors as sla_selectors
from tierdesk.tickets.models import (
    OPEN_STATUSES,
    Attachment,
    AuditEvent,
    Entry,
    EntryKind,
    Escalation,
    Ticket,
)
from tierdesk.tiers.models import Team, Tier

if TYPE_CHECKING:
    from tierdesk.accounts.models import User

QUEUE_PAGE_SIZE = 50
ORGANIZATION_FILTER_LIMIT = 500


def unread_notification_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(*, user: User, limit: int = 100) -> list[Notification]:
    return list(
        Notification.objects.filter(user=user)
        .select_related("ticket")
        .order_by("-created_at", "-pk")[:limit]
    )


def all_tiers() -> list[Tier]:
    return list(Tier.objects.order_by("level"))


def user_team_ids(user: User) -> list[int]:
    return list(user.teams.values_list("pk", flat=True))


def queue_counts(*, user: User, tiers: list[Tier], team_ids: list[int]) -> dict[str, int]:
    """Open-ticket counts of every queue in the side bar, in one query."""
    aggregates: dict[str, Any] = {
        "mine": Count("pk", filter=Q(assignee=user)),
        "team": Count("pk", filter=Q(team_id__in=team_ids)),
        "all": Count("pk"),
    }
    for tier in tiers:
        aggregates[queues.tier_queue_key(tier.level)] = Count(
            "pk", filter=Q(tier_id=tier.pk, assignee__isnull=True)
        )
    return Ticket.objects.filter(status__in=OPEN_STATUSES).aggregate(**aggregates)


def filter_choices(language: str) -> dict[str, list[tuple[int, str]]]:
    categories = [
        (c.pk, c.display_name(language))
        for c in Category.objects.filter(is_active=True).order_by("name")
    ]
    organizations = list(
        Organization.objects.order_by("name").values_list("pk", "name")[:ORGANIZATION_FILTER_LIMIT]
    )
    return {"categories": categories, "organizations": organizations}


def queue_rows(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """What a queue row shows, fetched with the ticket in one query."""
    return qs.select_related(
        "requester", "organization", "category", "tier", "team", "assignee"
    ).only(
        "pk",
        "number",
        "subject",
        "status",
        "priority",
        "entitlement",
        "entitlement_reason",
        "channel",
        "created_at",
        "updated_at",
        "version",
        "requester__name",
        "requester__email",
        "organization__name",
        "category__name",
        "category__name_en",
        "tier__level",
        "tier__name",
        "tier__name_en",
        "team__name",
        "assignee__username",
        "assignee__first_name",
        "assignee__last_name",
    )


def sla_due_for(tickets: list[Ticket]) -> dict[int, dt.datetime]:
    """The earliest running SLA due time of each ticket on a queue page (one query)."""
    if not tickets:
        return {}
    return sla_selectors.next_due_by_ticket([t.pk for t in tickets])


# ---------------------------------------------------------------- ticket page


@dataclasses.dataclass
class TimelineItem:
    """One row of the timeline: an entry, an escalation (with hand-off) or an audit event."""

    kind: str  # "entry", "escalation", "audit"
    at: dt.datetime
    order: int
    obj: Any


@dataclasses.dataclass
class IntakeRow:
    field: IntakeField
    value: Any
    missing: bool


@dataclasses.dataclass
class TicketPage:
    ticket: Ticket
    timeline: list[TimelineItem]
    intake: list[IntakeRow]
    missing_required: list[IntakeField]
    pending_escalation: Escalation | None
    tiers: list[Tier]
    teams: list[Team]
    assignable_agents: list[User]
    minutes_logged: int
    warranty_active: bool | None
    sla_clocks: list[sla_selectors.ClockRow]


# Audit actions shown as compact lines on the timeline; the others already have an entry
# (replies, notes, resolution, reopening) or an escalation card.
TIMELINE_AUDIT_ACTIONS = (
    "status_changed",
    "assigned",
    "updated",
    "escalation_accepted",
    "work_approved",
    "closed",
    "merged",
    "sent_to_vendor",
)


def ticket_for_page(pk: int) -> Ticket:
    return Ticket.objects.select_related(
        "requester",
        "organization",
        "category",
        "device__manufacturer",
        "tier",
        "team",
        "assignee",
        "contract__plan",
        "resolution_article",
        "merged_into",
        "follow_up_of",
    ).get(pk=pk)


def ticket_page(*, ticket: Ticket, viewer: User | None = None) -> TicketPage:
    """Everything the ticket page shows; a supervising ``viewer`` may assign agents of every
    tier, others only agents of the ticket's tier."""
    entries = list(
        Entry.objects.filter(ticket=ticket)
        .select_related("author_user", "author_contact")
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=Attachment.objects.order_by("pk").only(
                    "pk", "entry_id", "filename", "size", "content_type", "is_inline"
                ),
            )
        )
        .order_by("created_at", "pk")
    )
    escalations = list(
        Escalation.objects.filter(ticket=ticket)
        .select_related("from_tier", "to_tier", "to_team", "by_user", "approved_by", "accepted_by")
        .order_by("created_at", "pk")
    )
    audits = list(
        AuditEvent.objects.filter(ticket=ticket, action__in=TIMELINE_AUDIT_ACTIONS)
        .select_related("actor", "actor_contact")
        .order_by("created_at", "pk")
    )
    timeline = (
        [TimelineItem("entry", e.created_at, 1, e) for e in entries]
        + [TimelineItem("escalation", e.created_at, 0, e) for e in escalations]
        + [TimelineItem("audit", a.created_at, 2, a) for a in audits]
    )
    timeline.sort(key=lambda item: (item.at, item.order, item.obj.pk))

    fields = list(ticket.category.fields.order_by("position", "pk")) if ticket.category else []
    intake = [
        IntakeRow(
            field=f,
            value=ticket.intake_data.get(f.name, ""),
            missing=f.required and ticket.intake_data.get(f.name) in (None, ""),
        )
        for f in fields
    ]
    pending = next(
        (
            e
            for e in reversed(escalations)
            if e.accepted_at is None and e.to_tier_id == ticket.tier_id
        ),
        None,
    )
    tiers = all_tiers()
    teams = list(Team.objects.select_related("tier").order_by("tier__level", "name"))
    from tierdesk.accounts.models import Role, User

    staff = User.objects.filter(
        is_active=True, tier__isnull=False, role__in=[Role.AGENT, Role.SUPERVISOR, Role.ADMIN]
    ).select_related("tier")
    if not (viewer is not None and viewer.is_supervisor):
        staff = staff.filter(tier_id=ticket.tier_id)
    agents = list(staff.order_by("tier__level", "first_name", "last_name", "username"))
    minutes = ticket.time_entries.aggregate(total=Sum("minutes"))["total"] or 0
    warranty: bool | None = None
    if ticket.device is not None and ticket.device.warranty_end is not None:
        warranty = ticket.device.under_warranty(clock.now().date())
    return TicketPage(
        ticket=ticket,
        timeline=timeline,
        intake=intake,
        missing_required=missing_required(fields, ticket.intake_data),
        pending_escalation=pending,
        tiers=tiers,
        teams=teams,
        assignable_agents=agents,
        minutes_logged=minutes,
        warranty_active=warranty,
        sla_clocks=sla_selectors.clocks_for_ticket(ticket),
    )


def changes_since(*, ticket: Ticket, version: int) -> list[AuditEvent]:
    """What others changed after the agent loaded ``version`` (the stale-form display)."""
    return list(
        AuditEvent.objects.filter(ticket=ticket, version__gt=version)
        .select_related("actor", "actor_contact")
        .order_by("version", "pk")
    )


def article_titles(ids: set[int]) -> list[tuple[int, str]]:
    if not ids:
        return []
    return list(Article.objects.filter(pk__in=ids).order_by("title").values_list("pk", "title"))


def handoff_prefill(page: TicketPage, language: str) -> dict[str, str]:
    """The escalation dialog starts from what L1 already knows: the customer's first message,
    the intake data, the device and contract, and the internal notes."""
    ticket = page.ticket
    entries = [item.obj for item in page.timeline if item.kind == "entry"]
    first_message = next((e for e in entries if e.kind == EntryKind.CUSTOMER_MESSAGE), None)
    problem = ticket.subject
    if first_message is not None and first_message.body_text.strip():
        problem += "\n\n" + first_message.body_text.strip()[:1500]
    data_lines = [
        f"{row.field.label(language)}: {row.value}" for row in page.intake if row.value != ""
    ]
    if ticket.device is not None:
        data_lines.append(f"{ticket.device}")
    if ticket.organization is not None:
        data_lines.append(f"{ticket.organization.name}")
    notes = [
        e.body_text.strip()
        for e in entries
        if e.kind in (EntryKind.INTERNAL_NOTE, EntryKind.CALL_LOG) and e.body_text.strip()
    ]
    return {
        "problem": problem,
        "data_collected": "\n".join(data_lines),
        "tried": "\n".join(f"- {n[:1000]}" for n in notes[-10:]),
    }


# ---------------------------------------------------------------- knowledge base


def search_solutions(
    *, query: str, language: str | None, category_id: int | None = None, limit: int = 10
) -> list[Article]:
    """Standard solutions for the composer (agents also see internal articles), best first.
    Articles of the ticket's category come first; the rest of the knowledge base follows."""
    query = query.strip()
    if not query:
        return []
    found: list[Article] = []
    if category_id is not None:
        found = search_articles(
            query,
            language=language,
            include_internal=True,
            category=category_id,
            limit=limit,
            prefix=True,
        )
    if len(found) < limit:
        seen = {a.pk for a in found}
        more = search_articles(
            query, language=language, include_internal=True, limit=limit, prefix=True
        )
        found += [a for a in more if a.pk not in seen][: limit - len(found)]
    return found


def ticket_pk_by_number(q: str) -> int | None:
    """The ticket whose number (TD-000123, 000123 or 123) is exactly ``q``, if any."""
    match = queues.NUMBER_RE.match(q)
    if not match:
        return None
    pk = int(match.group(1))
    return pk if Ticket.objects.filter(pk=pk).exists() else None
