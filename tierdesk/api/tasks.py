"""Background jobs of the API app."""

from __future__ import annotations

from django_tasks import task

from tierdesk.api import idempotency
from tierdesk.core.scheduling import periodic


@task(queue_name="default")
def purge_idempotency_records() -> int:
    """Forget Idempotency-Key answers older than a day. Safe to run twice."""
    return idempotency.purge_expired()


@periodic(name="api.idempotency_cleanup", every_seconds=3600)
def schedule_purge() -> None:
    purge_idempotency_records.enqueue()
