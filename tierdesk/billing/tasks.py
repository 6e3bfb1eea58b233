"""Background jobs of billing. They take ids, reload, and are idempotent."""

from __future__ import annotations

from django_tasks import task

from tierdesk.billing import notify, services
from tierdesk.core.scheduling import periodic


@task(queue_name="mail")
def send_quote(quote_id: int) -> str:
    """E-mail the quote with its signed approval link (once: the outbox dedupes by quote)."""
    return notify.send_quote(quote_id=quote_id)


@task(queue_name="default")
def quote_decided(quote_id: int) -> str:
    """Tell the agent who made the quote (in the app) that the customer decided."""
    return notify.quote_decided(quote_id=quote_id)


@task(queue_name="default")
def expire_quotes() -> int:
    return services.expire_quotes()


@periodic(name="billing.expire_quotes", every_seconds=3600)
def schedule_expire_quotes() -> None:
    expire_quotes.enqueue()
