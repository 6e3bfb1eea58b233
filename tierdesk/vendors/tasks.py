"""Background jobs of vendor cases. Jobs take ids or nothing, reload and are idempotent."""

from __future__ import annotations

from django_tasks import task

from tierdesk.core.scheduling import periodic
from tierdesk.vendors import reminders


@task(queue_name="default")
def remind_overdue_vendor_cases() -> int:
    """Remind about vendor cases past their turnaround target. Safe to run twice: a case
    reminded within VENDOR_REMINDER_HOURS is skipped; a failure is retried next period."""
    return reminders.remind_overdue()


@periodic(name="vendors.remind_overdue", every_seconds=900)
def schedule_vendor_reminders() -> None:
    remind_overdue_vendor_cases.enqueue()
