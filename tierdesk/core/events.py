"""Domain events published after commit, for side effects in higher layers.

The lifecycle (a low layer) must not import notifications, webhooks or channels (higher layers),
yet its changes must trigger mail and webhooks. It publishes a named event; higher layers
subscribe in their ``AppConfig.ready``. Handlers run only after the transaction commits and
should do nothing but enqueue background jobs (STYLE rule 5), so a failed send never rolls back
a ticket change.

Events: ticket.created, ticket.updated, ticket.status_changed, ticket.escalated,
ticket.resolved, ticket.closed, ticket.reopened, entry.created, sla.warning, sla.breached.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)

Handler = Callable[..., None]
_subscribers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(event: str, handler: Handler) -> None:
    if handler not in _subscribers[event]:
        _subscribers[event].append(handler)


def unsubscribe(event: str, handler: Handler) -> None:
    if handler in _subscribers[event]:
        _subscribers[event].remove(handler)


def _dispatch(event: str, payload: dict[str, Any]) -> None:
    for handler in list(_subscribers.get(event, ())) + list(_subscribers.get("*", ())):
        try:
            handler(event=event, **payload)
        except Exception:  # one failing subscriber must not stop the others
            log.exception("event handler %r failed for %s", handler, event)


def publish_on_commit(event: str, **payload: Any) -> None:
    transaction.on_commit(lambda: _dispatch(event, payload))
