"""Durable jobs for the moments clocks fall due (no periodic scan of all open tickets).

When a clock's next check moves, a ``check_clock`` job is enqueued after commit with
``run_after`` = that moment and the clock's generation. A job whose generation is no longer the
clock's does nothing. Backends that cannot defer (the immediate backend of the tests) get no
job; the reconciliation pass over the indexed ``next_check_at`` column catches those, and
anything missed while the workers were down.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from tierdesk.sla.models import SlaClock

log = logging.getLogger(__name__)


def backend_defers() -> bool:
    from django_tasks import default_task_backend

    return bool(getattr(default_task_backend, "supports_defer", False))


def schedule_check(clk: SlaClock) -> None:
    """Enqueue the check of ``clk`` at its ``next_check_at`` once the transaction commits."""
    if clk.next_check_at is None or clk.pk is None:
        return
    clock_id, generation, when = clk.pk, clk.generation, clk.next_check_at

    def enqueue() -> None:
        if not backend_defers():
            return
        from tierdesk.sla.tasks import check_clock

        try:
            check_clock.using(run_after=when).enqueue(clock_id=clock_id, generation=generation)
        except Exception:  # the reconciliation pass is the safety net
            log.exception("could not schedule the SLA check of clock %s", clock_id)

    transaction.on_commit(enqueue)
