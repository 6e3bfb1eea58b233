"""Template helpers for the agent workspace layout and pages (badges, bell, initials)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tierdesk.agent import describe, selectors

register = template.Library()


@register.inclusion_tag("agent/_bell.html", takes_context=True)
def notification_bell(context: dict[str, Any]) -> dict[str, Any]:
    """The bell in the top bar with the signed-in user's unread count (one query)."""
    request: HttpRequest | None = context.get("request")
    user = getattr(request, "user", None)
    count = 0
    if user is not None and user.is_authenticated:
        count = selectors.unread_notification_count(user=user)
    return {"unread_count": count}


@register.simple_tag(takes_context=True)
def nav_active(context: dict[str, Any], prefix: str) -> str:
    """``"active"`` when the current path starts with ``prefix`` (for nav links)."""
    request: HttpRequest | None = context.get("request")
    if request is not None and request.path.startswith(prefix):
        return "active"
    return ""


@register.filter
def initials(user: Any) -> str:
    name = (user.get_full_name() or user.get_username() or "?").split()
    return "".join(part[0] for part in name[:2]).upper()


@register.filter
def display_name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


@register.filter
def loc(obj: Any) -> str:
    """A tier's or category's name in the current language."""
    if obj is None:
        return ""
    if hasattr(obj, "display_name"):
        return str(obj.display_name(get_language() or "ru"))
    return str(obj)


@register.simple_tag
def status_badge(ticket: Any) -> str:
    return format_html(
        '<span class="badge badge-status-{}">{}</span>', ticket.status, ticket.get_status_display()
    )


@register.simple_tag
def priority_badge(ticket: Any) -> str:
    return format_html(
        '<span class="badge badge-p{}" title="{}">{}</span>',
        ticket.priority,
        _("Priority"),
        ticket.get_priority_display(),
    )


@register.simple_tag
def tier_badge(tier: Any) -> str:
    if tier is None:
        return ""
    return format_html(
        '<span class="badge badge-tier" title="{}">{}</span>',
        tier.display_name(get_language() or "ru"),
        tier.code,
    )


@register.simple_tag
def entitlement_badge(ticket: Any) -> str:
    if not ticket.entitlement:
        return ""
    return format_html(
        '<span class="badge badge-ent-{}" title="{}">{}</span>',
        ticket.entitlement,
        getattr(ticket, "entitlement_reason", "") or "",
        ticket.get_entitlement_display(),
    )


@register.filter
def filesize(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


@register.filter
def intake_label(field: Any) -> str:
    """An intake field's label in the current language."""
    return str(field.label(get_language() or "ru"))


@register.filter
def system_text(entry: Any) -> str:
    """A system event of the timeline in the reader's language where we know its kind."""
    return describe.system_entry_text(entry.body_text, entry.data or {})


@register.filter
def ago(value: Any) -> str:
    """ "5 minutes", "3 days": the largest unit only, for compact queue columns."""
    if not value:
        return ""
    return timesince(value, depth=1)


@register.filter
def duration(value: dt.timedelta | None) -> str:
    """A business-time span as "2 d 3 h", "1 h 20 min" or "5 min" (sign dropped)."""
    if value is None:
        return ""
    seconds = abs(int(value.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    return _("%(m)d min") % {"m": minutes}


@register.simple_tag
def sla_due_badge(due: dt.datetime | None, now: dt.datetime) -> str:
    """The queue's SLA column: time left until the earliest running target, or overdue."""
    if due is None:
        return ""
    left = due - now
    if left < dt.timedelta(0):
        return format_html(
            '<span class="badge badge-danger sla-chip" title="{}">{}</span>',
            _("SLA breached"),
            _("overdue %(t)s") % {"t": duration(left)},
        )
    tone = "badge-warning" if left <= dt.timedelta(hours=2) else "badge-outline"
    return format_html(
        '<span class="badge {} sla-chip" title="{}">{}</span>',
        tone,
        _("Next SLA target"),
        _("in %(t)s") % {"t": duration(left)},
    )


SLA_TONES = {
    "breached": "badge-danger",
    "warning": "badge-warning",
    "running": "badge-info",
    "paused": "badge-outline",
    "met": "badge-success",
    "cancelled": "badge-outline",
}


@register.filter
def sla_tone(outcome: str) -> str:
    return SLA_TONES.get(outcome, "")


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None
