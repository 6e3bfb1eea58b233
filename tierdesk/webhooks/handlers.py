"""Domain events → webhook jobs. Handlers run after the ticket change committed and only
enqueue a job (never do network work in the request)."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from tierdesk.core import clock, events
from tierdesk.webhooks.models import Event

log = logging.getLogger(__name__)


def _jsonable(payload: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(json.dumps(payload, default=str)))


def on_domain_event(event: str, **payload: Any) -> None:
    from tierdesk.webhooks import services, tasks

    if not services.wanted_by_any(event):
        return
    tasks.dispatch_event.enqueue(
        event=event,
        event_id=str(uuid.uuid4()),
        occurred_at=clock.now().isoformat(),
        payload=_jsonable(payload),
    )


def connect() -> None:
    for event in Event.values:
        events.subscribe(event, on_domain_event)
