"""``{% load phone_tags %}``: ``{{ call|caller_number }}`` — the customer's number, readable."""

from __future__ import annotations

from django import template

from tierdesk.phone.models import Call, Direction
from tierdesk.phone.numbers import display

register = template.Library()


@register.filter
def caller_number(call: Call) -> str:
    """``+7 495 123-45-67`` when the number was understood, else what the PBX sent."""
    if call.customer_number:
        return display(call.customer_number)
    return call.from_number if call.direction == Direction.IN else call.to_number
