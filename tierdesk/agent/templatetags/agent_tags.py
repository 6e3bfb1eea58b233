"""Template helpers for the agent workspace layout and pages (badges, bell, initials)."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from tierdesk.agent import selectors

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
