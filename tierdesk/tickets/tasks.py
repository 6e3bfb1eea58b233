"""Background jobs of the ticket lifecycle. Jobs take ids, reload and are idempotent."""

from __future__ import annotations

from django_tasks import task

from tierdesk.core.scheduling import periodic
from tierdesk.tickets import lifecycle


@task(queue_name="default")
def auto_close_resolved_tickets() -> int:
    """Close tickets resolved more than AUTO_CLOSE_DAYS ago. Safe to run twice: a ticket
    that is already closed (or was reopened) is skipped. A failure is retried next period."""
    return lifecycle.auto_close_resolved()


@periodic(name="tickets.auto_close", every_seconds=600)
def schedule_auto_close() -> None:
    auto_close_resolved_tickets.enqueue()
