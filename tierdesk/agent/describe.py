"""Readable, translated lines for audit events (timeline and the stale-form conflict display).

Audit ``changes`` hold ids and codes; :func:`describe_changes` turns a batch of them into text
with a fixed number of queries (users, teams, categories, devices are looked up in bulk).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tierdesk.categories.models import Category, IntakeField
from tierdesk.devices.models import Device
from tierdesk.tickets.lifecycle import RESOLUTION_CODES
from tierdesk.tickets.models import Entitlement, EscalationKind, Priority, Status
from tierdesk.tiers.models import Team

ACTION_LABELS: dict[str, Any] = {
    "created": gettext_lazy("created the ticket"),
    "customer_message": gettext_lazy("wrote a message"),
    "public_reply": gettext_lazy("replied to the customer"),
    "note": gettext_lazy("added an internal note"),
    "call_log": gettext_lazy("logged a call"),
    "assigned": gettext_lazy("changed the assignment"),
    "updated": gettext_lazy("changed the details"),
    "status_changed": gettext_lazy("changed the status"),
    "resolved": gettext_lazy("resolved the ticket"),
    "reopened": gettext_lazy("reopened the ticket"),
    "closed": gettext_lazy("closed the ticket"),
    "merged": gettext_lazy("merged the ticket"),
    "escalated": gettext_lazy("moved the ticket to another tier"),
    "escalation_accepted": gettext_lazy("accepted the escalation"),
    "work_approved": gettext_lazy("recorded an approval of paid work"),
    "sent_to_vendor": gettext_lazy("handed the ticket to a vendor"),
    "vendor_message": gettext_lazy("received a vendor message"),
    "entry_shared": gettext_lazy("shared an entry with the customer"),
    "csat": gettext_lazy("rated the help"),
    "event": gettext_lazy("recorded an event"),
}

# gettext_noop-style markers so the lifecycle's resolution codes are in our catalogue.
RESOLUTION_LABELS: dict[str, Any] = {
    "solved": gettext_lazy("Solved"),
    "kb_solution": gettext_lazy("Solved with a standard solution"),
    "workaround": gettext_lazy("Workaround provided"),
    "vendor_fix": gettext_lazy("Fixed by the vendor"),
    "no_fault": gettext_lazy("No fault found"),
    "duplicate": gettext_lazy("Duplicate"),
    "cancelled": gettext_lazy("Cancelled by the customer"),
    "not_reproducible": gettext_lazy("Not reproducible"),
}


def resolution_label(code: str) -> str:
    label = RESOLUTION_LABELS.get(code)
    return str(label) if label is not None else RESOLUTION_CODES.get(code, code)


def resolution_choices() -> list[tuple[str, str]]:
    return [(code, resolution_label(code)) for code in RESOLUTION_CODES]


def _label(choices: type, value: Any) -> str:
    try:
        return str(choices(value).label)  # type: ignore[operator]
    except ValueError:
        return str(value)


@dataclasses.dataclass
class Lookups:
    users: dict[int, str]
    teams: dict[int, str]
    categories: dict[int, str]
    devices: dict[int, str]
    intake_labels: dict[str, str]


def _collect(changes_list: Iterable[Mapping[str, Any]]) -> dict[str, set[int]]:
    ids: dict[str, set[int]] = {
        "users": set(),
        "teams": set(),
        "categories": set(),
        "devices": set(),
    }
    targets = {"assignee": "users", "team": "teams", "category": "categories", "device": "devices"}
    for changes in changes_list:
        for key, bucket in targets.items():
            value = changes.get(key)
            values = value if isinstance(value, list) else [value]
            ids[bucket].update(v for v in values if isinstance(v, int))
    return ids


def lookups_for(
    changes_list: list[Mapping[str, Any]], *, language: str, category_id: int | None = None
) -> Lookups:
    from tierdesk.accounts.models import User

    ids = _collect(changes_list)
    users = (
        {
            u.pk: (u.get_full_name() or u.username)
            for u in User.objects.filter(pk__in=ids["users"]).only(
                "pk", "username", "first_name", "last_name"
            )
        }
        if ids["users"]
        else {}
    )
    teams = (
        dict(Team.objects.filter(pk__in=ids["teams"]).values_list("pk", "name"))
        if ids["teams"]
        else {}
    )
    categories = (
        {c.pk: c.display_name(language) for c in Category.objects.filter(pk__in=ids["categories"])}
        if ids["categories"]
        else {}
    )
    devices = (
        {d.pk: str(d) for d in Device.objects.filter(pk__in=ids["devices"])}
        if ids["devices"]
        else {}
    )
    intake_names = {
        name
        for changes in changes_list
        if isinstance(changes.get("intake_data"), dict)
        for name in changes["intake_data"]
    }
    intake_labels: dict[str, str] = {}
    if intake_names:
        fields = IntakeField.objects.filter(name__in=intake_names)
        if category_id is not None:
            fields = fields.filter(category_id=category_id)
        for f in fields:
            intake_labels.setdefault(f.name, f.label(language))
    return Lookups(users, teams, categories, devices, intake_labels)


def _pair(value: Any, render: Any) -> str:
    if isinstance(value, list) and len(value) == 2:
        return f"{render(value[0])} → {render(value[1])}"
    return str(render(value))


def describe_changes(
    action: str, changes: Mapping[str, Any], lookups: Lookups
) -> tuple[str, list[str]]:
    """``(what happened, [detail lines])`` for one audit event, translated."""
    title = str(ACTION_LABELS.get(action, action))
    lines: list[str] = []
    nobody = _("nobody")

    def user(v: Any) -> str:
        return lookups.users.get(v, nobody) if v is not None else nobody

    for key, value in changes.items():
        if value in (None, "", [], {}):
            continue
        if key == "status":
            lines.append(_("Status: %s") % _pair(value, lambda v: _label(Status, v)))
        elif key == "assignee":
            lines.append(_("Assignee: %s") % _pair(value, user))
        elif key == "team":
            lines.append(
                _("Team: %s") % _pair(value, lambda v: lookups.teams.get(v, "—") if v else "—")
            )
        elif key == "category":
            lines.append(_("Category: %s") % _pair(value, lambda v: lookups.categories.get(v, "—")))
        elif key == "device":
            lines.append(_("Device: %s") % _pair(value, lambda v: lookups.devices.get(v, "—")))
        elif key == "priority":
            lines.append(_("Priority: %s") % _pair(value, lambda v: _label(Priority, v)))
        elif key == "entitlement":
            lines.append(
                _("Entitlement: %s") % _pair(value, lambda v: _label(Entitlement, v) if v else "—")
            )
        elif key == "tier":
            lines.append(_("Tier: %s") % _pair(value, lambda v: f"L{v}"))
        elif key == "kind" and action == "escalated":
            lines.append(_("Kind: %s") % _label(EscalationKind, value))
        elif key == "subject":
            lines.append(_("Subject: %s") % _pair(value, str))
        elif key == "intake_data" and isinstance(value, dict):
            for name, v in value.items():
                lines.append(f"{lookups.intake_labels.get(name, name)}: {v}")
        elif key == "resolution_code":
            lines.append(_("Resolution: %s") % resolution_label(str(value)))
        elif key == "reason":
            lines.append(_("Reason: %s") % value)
        elif key == "note":
            lines.append(str(value))
        elif key == "vendor":
            lines.append(_("Vendor: %s") % value)
        elif key == "into":
            lines.append(_("Merged into %s") % value)
        elif key == "score":
            lines.append(_("Score: %s") % value)
    return title, lines


def system_entry_text(text: str, data: Mapping[str, Any]) -> str:
    """The lifecycle writes system events in English; show the known ones translated."""
    code = data.get("code")
    if isinstance(code, str) and text.startswith("Resolved"):
        return _("Resolved: %s") % resolution_label(code)
    if text.startswith("Reopened"):
        reason = text.partition(": ")[2]
        return _("Reopened: %s") % reason if reason else _("Reopened")
    if data.get("merged") and text.startswith("Ticket "):
        number = text.split()[1]
        return _("Ticket %s was merged into this one") % number
    return text
