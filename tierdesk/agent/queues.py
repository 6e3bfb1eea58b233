"""Queue definitions of the workspace: which tickets each queue holds, filters and sorting.

Queues (DESIGN §1, issue 3): ``mine`` (assigned to me), ``team`` (my teams'), ``tier-N``
(tier N's unassigned tickets; an agent starts in his own tier's), ``all`` (all open tickets,
supervisors) and ``search`` (any ticket by number, subject or contact, every agent).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import DateTimeField, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tierdesk.agent.keyset import Sort
from tierdesk.sla import selectors as sla
from tierdesk.tickets.models import OPEN_STATUSES, Entitlement, Priority, Status, Ticket

if TYPE_CHECKING:
    from tierdesk.accounts.models import User
    from tierdesk.tiers.models import Tier

SORTS: dict[str, Sort] = {
    s.key: s
    for s in (
        Sort("-updated", "updated_at", True),
        Sort("updated", "updated_at", False),
        Sort("-created", "created_at", True),
        Sort("created", "created_at", False),
        Sort("priority", "priority", False),
        Sort("-priority", "priority", True),
        Sort("sla", "sla_key", False),
    )
}
# Tickets without a running SLA clock sort after every due time.
NO_DUE = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)
DEFAULT_SORT = "-updated"
SORT_LABELS = {
    "-updated": _("Recently updated"),
    "updated": _("Least recently updated"),
    "-created": _("Newest"),
    "created": _("Oldest"),
    "priority": _("Priority: highest first"),
    "-priority": _("Priority: lowest first"),
    "sla": _("SLA: due first"),
}

NUMBER_RE = re.compile(r"^\s*(?:[A-Za-z]{1,6}-)?0*(\d{1,12})\s*$")


@dataclasses.dataclass(frozen=True)
class QueueSpec:
    key: str
    label: str
    supervisor_only: bool = False
    tier_level: int | None = None


def tier_queue_key(level: int) -> str:
    return f"tier-{level}"


def parse_queue_key(key: str) -> tuple[str, int | None]:
    """``("tier", 2)`` for ``tier-2``; ``(key, None)`` for the others. Unknown → ValueError."""
    if key in {"mine", "team", "all", "search"}:
        return key, None
    match = re.fullmatch(r"tier-(\d{1,3})", key)
    if match:
        return "tier", int(match.group(1))
    raise ValueError(key)


def default_queue_key(user: User) -> str:
    """An agent sees his own tier's queue first; supervisors and tier-less staff see all."""
    if user.tier is not None and not user.is_supervisor:
        return tier_queue_key(user.tier.level)
    if user.is_supervisor:
        return "all"
    return "mine"


def can_see_queue(user: User, key: str) -> bool:
    kind, _level = parse_queue_key(key)
    return kind != "all" or user.is_supervisor


def base_queryset(*, user: User, key: str, team_ids: list[int]) -> QuerySet[Ticket]:
    kind, level = parse_queue_key(key)
    qs = Ticket.objects.all()
    if kind == "search":
        return qs
    qs = qs.filter(status__in=OPEN_STATUSES)
    if kind == "mine":
        return qs.filter(assignee=user)
    if kind == "team":
        return qs.filter(team_id__in=team_ids)
    if kind == "tier" and level is not None:
        return qs.filter(tier__level=level, assignee__isnull=True)
    return qs


def search_filter(q: str) -> Q:
    """Quick search: ticket number (TD-000123, 123), subject, or the requester's name/e-mail."""
    q = q.strip()
    cond = (
        Q(subject__icontains=q)
        | Q(requester__name__icontains=q)
        | Q(requester__email__icontains=q)
        | Q(number__iexact=q)
    )
    match = NUMBER_RE.match(q)
    if match:
        cond |= Q(pk=int(match.group(1)))
    return cond


class QueueFilterForm(forms.Form):
    """The filter bar. Every field optional; invalid values are reported, never guessed."""

    q = forms.CharField(
        label=pgettext_lazy("queue filter", "Search"), required=False, max_length=200
    )
    status = forms.ChoiceField(label=pgettext_lazy("ticket", "Status"), required=False)
    priority = forms.TypedChoiceField(
        label=_("Priority"), required=False, coerce=int, empty_value=None
    )
    category = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None
    )
    organization = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None
    )
    entitlement = forms.ChoiceField(label=_("Entitlement"), required=False)
    sla = forms.ChoiceField(label=_("SLA"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False)

    def __init__(
        self,
        data: Any,
        *,
        categories: list[tuple[int, str]],
        organizations: list[tuple[int, str]],
        include_closed: bool,
    ) -> None:
        super().__init__(data)
        statuses = Status.choices if include_closed else [(s.value, s.label) for s in OPEN_STATUSES]
        self.fields["status"].choices = [("", _("Any")), *statuses]  # type: ignore[attr-defined]
        self.fields["priority"].choices = [("", _("Any")), *Priority.choices]  # type: ignore[attr-defined]
        self.fields["category"].choices = [("", _("Any")), *categories]  # type: ignore[attr-defined]
        self.fields["organization"].choices = [("", _("Any")), *organizations]  # type: ignore[attr-defined]
        self.fields["entitlement"].choices = [("", _("Any")), *Entitlement.choices]  # type: ignore[attr-defined]
        self.fields["sort"].choices = list(SORT_LABELS.items())  # type: ignore[attr-defined]
        self.fields["sla"].choices = [  # type: ignore[attr-defined]
            ("", _("Any")),
            ("soon", _("Due within 2 hours")),
            ("breached", _("Breached")),
        ]

    def apply(self, qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
        data = self.cleaned_data
        if data.get("q"):
            qs = qs.filter(search_filter(data["q"]))
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        if data.get("priority"):
            qs = qs.filter(priority=data["priority"])
        if data.get("category"):
            qs = qs.filter(category_id=data["category"])
        if data.get("organization"):
            qs = qs.filter(organization_id=data["organization"])
        if data.get("entitlement"):
            qs = qs.filter(entitlement=data["entitlement"])
        if data.get("sla") == "soon":
            qs = sla.due_soon(qs)
        elif data.get("sla") == "breached":
            qs = sla.breached(qs)
        if (data.get("sort") or DEFAULT_SORT) == "sla":
            qs = sla.with_next_due(qs).annotate(
                sla_key=Coalesce("sla_next_due", Value(NO_DUE, output_field=DateTimeField()))
            )
        return qs

    def chosen_sort(self) -> Sort:
        return SORTS[self.cleaned_data.get("sort") or DEFAULT_SORT]


def queue_label(key: str, tiers: dict[int, Tier], language: str) -> str:
    kind, level = parse_queue_key(key)
    if kind == "tier" and level is not None:
        tier = tiers.get(level)
        return tier.display_name(language) if tier else f"L{level}"
    return str(
        {
            "mine": _("My tickets"),
            "team": _("My teams"),
            "all": _("All open"),
            "search": pgettext_lazy("queue filter", "Search"),
        }[kind]
    )
