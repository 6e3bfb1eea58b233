"""Template helpers shared by the portal, the public knowledge base and the forum."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.utils import timezone

from tierdesk.portal.access import contact_of

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_contact(context: dict[str, Any]) -> Any:
    request: HttpRequest | None = context.get("request")
    return contact_of(getattr(request, "user", None))


@register.simple_tag(takes_context=True)
def active(context: dict[str, Any], prefix: str, exact: bool = False) -> str:
    request: HttpRequest | None = context.get("request")
    if request is None:
        return ""
    if exact:
        return "active" if request.path == prefix else ""
    return "active" if request.path.startswith(prefix) else ""


@register.filter
def person(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


@register.filter
def initials(name: Any) -> str:
    parts = str(name or "?").split()
    return "".join(p[0] for p in parts[:2]).upper() or "?"


@register.filter
def warranty_state(device: Any) -> str:
    """ "active", "expired" or "unknown" for a device's warranty today."""
    if device is None or device.warranty_end is None:
        return "unknown"
    return "active" if device.under_warranty(timezone.localdate()) else "expired"


@register.filter
def lines(text: Any) -> list[str]:
    """Non-empty lines of a text (resolution steps are written one per line)."""
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (pagination, filters)."""
    request: HttpRequest | None = context.get("request")
    params = request.GET.copy() if request is not None else None
    if params is None:
        return ""
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def cat_name(category: Any) -> str:
    """A category's name in the current language."""
    from django.utils.translation import get_language

    if category is None:
        return ""
    return str(category.display_name(get_language() or "ru"))
