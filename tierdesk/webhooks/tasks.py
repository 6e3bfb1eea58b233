"""Webhook jobs (queue ``webhooks``). They take ids, reload, and are safe to run twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django_tasks import task
from django_tasks.exceptions import InvalidTaskError

from tierdesk.core import clock
from tierdesk.core.jobs import retry_later
from tierdesk.core.scheduling import periodic
from tierdesk.webhooks import services
from tierdesk.webhooks.models import Delivery

KEEP_DELIVERIES = dt.timedelta(days=30)


@task(queue_name="webhooks")
def dispatch_event(event: str, event_id: str, occurred_at: str, payload: dict[str, Any]) -> int:
    """Turn one domain event into deliveries and enqueue their first attempts. The deliveries
    and their jobs are written in one transaction, so none is left without a job."""
    with transaction.atomic():
        deliveries = services.fan_out(
            event=event, event_id=event_id, occurred_at=occurred_at, payload=payload
        )
        for delivery in deliveries:
            deliver_webhook.enqueue(delivery_id=delivery.pk, attempt=1)
    return len(deliveries)


@task(queue_name="webhooks")
def deliver_webhook(delivery_id: int, attempt: int = 1) -> str:
    """POST one delivery; on failure enqueue the next attempt with exponential backoff
    (30 s, 60 s, 120 s … capped at an hour) until WEBHOOK_MAX_ATTEMPTS, then give up."""
    outcome = services.attempt_delivery(delivery_id=delivery_id, attempt=attempt)
    if outcome.retry:
        try:
            retry_later(
                deliver_webhook,
                attempt=attempt,
                max_attempts=outcome.max_attempts,
                base=services.retry_base_seconds(),
                delivery_id=delivery_id,
            )
        except InvalidTaskError:
            # A backend that cannot defer (the immediate one) cannot retry later.
            services.give_up(delivery_id=delivery_id, reason="the task backend cannot retry")
            return "failed"
    return outcome.state


@task(queue_name="webhooks")
def purge_old_deliveries() -> int:
    deleted, _ = Delivery.objects.filter(created_at__lt=clock.now() - KEEP_DELIVERIES).delete()
    return deleted


@periodic(name="webhooks.purge_deliveries", every_seconds=86400)
def schedule_purge() -> None:
    purge_old_deliveries.enqueue()
