"""Customer-facing wording of refusals raised by lower layers (ticket lifecycle, billing),
whose messages are written for agents in English. A known message is translated; an unknown
one is replaced by the view's own plain sentence in the customer's language."""

from __future__ import annotations

import re

from django.utils.translation import get_language, gettext, gettext_noop

from tierdesk.core.errors import DomainError

_CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)

# Listed so that makemessages extracts them into the portal catalogue.
KNOWN = (
    gettext_noop("This is not your ticket."),
    gettext_noop("The help can be rated once the ticket is resolved."),
    gettext_noop("Rate from 1 to 5."),
    gettext_noop("This quote is for another customer's ticket."),
    # tierdesk.core.ratelimit (the core app has no catalogue of its own)
    gettext_noop("Too many attempts. Please wait %(minutes)d min and try again."),
    gettext_noop("Too many requests"),
)


def user_message(exc: DomainError, fallback: str) -> str:
    translated = gettext(exc.message)
    if translated != exc.message:
        return translated
    if (get_language() or "ru").startswith("ru") and not _CYRILLIC.search(exc.message):
        return fallback  # an agent-facing English message in a Russian page
    return exc.message
