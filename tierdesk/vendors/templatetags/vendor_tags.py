"""``{% load vendor_tags %}{% vendor_panel ticket %}`` — the vendor cases of a ticket and an
"Open vendor case" button, for the agent's ticket page (one query)."""

from __future__ import annotations

from typing import Any

from django import template

from tierdesk.vendors import selectors, services

register = template.Library()


@register.inclusion_tag("vendors/_ticket_panel.html", takes_context=True)
def vendor_panel(context: dict[str, Any], ticket: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "ticket": ticket,
        "cases": selectors.cases_of_ticket(ticket.pk),
        "can_open": services.can_open_vendor_case(user, ticket),
    }
