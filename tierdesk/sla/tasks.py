"""Background jobs of the SLA module. They take ids, reload, and are idempotent."""

from __future__ import annotations

from django_tasks import task

from tierdesk.core.scheduling import periodic
from tierdesk.sla import checks


@task(queue_name="sla")
def check_clock(clock_id: int, generation: int) -> list[str]:
    """Run at a clock's warning/due/escalation moment; does nothing when the clock moved
    since (another generation) or stopped. A failure is repaired by the reconciliation pass."""
    return checks.check_clock(clock_id=clock_id, generation=generation).events


@task(queue_name="sla")
def reconcile_clocks() -> int:
    """Handle every clock whose moment passed without its job (downtime, lost job)."""
    return len(checks.reconcile())


@periodic(name="sla.reconcile", every_seconds=60)
def schedule_reconcile() -> None:
    reconcile_clocks.enqueue()
