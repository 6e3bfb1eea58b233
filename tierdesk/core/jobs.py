"""Helpers for background jobs: retries with backoff on top of the Django Tasks API.

django-tasks records a failed run but does not retry it; jobs that talk to the outside world
(SMTP, webhooks) call :func:`retry_later` from their own ``except`` branch, which enqueues the
same task again with ``run_after`` set by exponential backoff.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from tierdesk.core import clock

log = logging.getLogger(__name__)


def backoff_seconds(attempt: int, *, base: int = 30, cap: int = 3600) -> int:
    """30 s, 60 s, 120 s … capped at an hour (attempt counts from 1)."""
    return int(min(cap, base * 2 ** max(0, attempt - 1)))


def retry_later(
    task: Any, *, attempt: int, max_attempts: int, base: int = 30, **kwargs: Any
) -> bool:
    """Enqueue ``task`` again with ``attempt + 1``; False when the attempts are used up."""
    if attempt >= max_attempts:
        log.warning("%s gave up after %d attempts (%r)", task.name, attempt, kwargs)
        return False
    run_after = clock.now() + dt.timedelta(seconds=backoff_seconds(attempt, base=base))
    task.using(run_after=run_after).enqueue(attempt=attempt + 1, **kwargs)
    return True
