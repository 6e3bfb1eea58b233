"""Inbound routers: other apps claim inbound mail before it is threaded as customer mail.

A router is ``fn(message, inbound, mailbox) -> bool``. The importer calls every registered
router, in registration order, after parsing and de-duplication and BEFORE threading the message
onto a customer ticket. The first router that returns True consumes the message: no customer
ticket entry is made and the inbound message is recorded as processed by that router.

Routers run inside the import transaction, so what they write commits (or rolls back) together
with the inbound record, and exactly once per message. A router must not swallow database
errors (they make the pipe command exit 75 so the MTA retries); a router that raises a
``DomainError`` marks the message unprocessable with that message shown to admins.

Register in your ``AppConfig.ready``::

    from tierdesk.mail.routing import register_inbound_router
    register_inbound_router(route_vendor_reply)

and recognise replies to your own mails with :func:`find_outbound_for_reply`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tierdesk.mail.parsing.types import ParsedMessage

if TYPE_CHECKING:
    from tierdesk.mail.models import InboundMessage, Mailbox, OutboundMessage

InboundRouter = Callable[[ParsedMessage, "InboundMessage", "Mailbox | None"], bool]

_routers: list[InboundRouter] = []


def register_inbound_router(fn: InboundRouter) -> InboundRouter:
    """Add ``fn`` to the routers (idempotent; usable as a decorator)."""
    if fn not in _routers:
        _routers.append(fn)
    return fn


def unregister_inbound_router(fn: InboundRouter) -> None:
    if fn in _routers:
        _routers.remove(fn)


def inbound_routers() -> list[InboundRouter]:
    return list(_routers)


def router_name(fn: InboundRouter) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"[:200]


def find_outbound_for_reply(
    message: ParsedMessage, *, kind: str | None = None
) -> OutboundMessage | None:
    """The OutboundMessage that ``message`` answers, found by its In-Reply-To and References
    (nearest reference first), optionally only of ``kind`` (e.g. "vendor"). None when the
    message is not a reply to anything we sent."""
    from tierdesk.mail.models import OutboundMessage

    ids = message.thread_ids + message.returned_message_ids
    if not ids:
        return None
    qs = OutboundMessage.objects.filter(message_id__in=ids)
    if kind is not None:
        qs = qs.filter(kind=kind)
    found = {o.message_id: o for o in qs}
    for mid in ids:
        if mid in found:
            return found[mid]
    return None
