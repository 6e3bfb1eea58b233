"""Periodic jobs that run exactly once per period across every worker.

A job registers with :func:`periodic`. Each worker's scheduler loop calls :func:`tick`; for every
job whose period has started it tries to insert ``PeriodicRun(job, period_key)``. The unique
constraint lets exactly one insert win, and only the winner enqueues the task. No lock server is
needed: the shared database is the arbiter.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction

from tierdesk.core import clock
from tierdesk.core.models import PeriodicRun

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_seconds: int
    enqueue: Callable[[], Any]


_REGISTRY: dict[str, PeriodicJob] = {}


def periodic(*, name: str, every_seconds: int) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Register ``fn`` (which enqueues a task) to be called once per ``every_seconds``."""

    def decorator(fn: Callable[[], Any]) -> Callable[[], Any]:
        _REGISTRY[name] = PeriodicJob(name=name, every_seconds=every_seconds, enqueue=fn)
        return fn

    return decorator


def registered_jobs() -> list[PeriodicJob]:
    return sorted(_REGISTRY.values(), key=lambda j: j.name)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_period(job: PeriodicJob, *, worker: str) -> bool:
    """Claim the current period of ``job``; True for exactly one caller per period."""
    period = int(clock.now().timestamp()) // job.every_seconds
    try:
        with transaction.atomic():
            PeriodicRun.objects.create(job=job.name, period_key=str(period), worker=worker)
    except IntegrityError:
        return False
    return True


def tick(*, worker: str | None = None) -> list[str]:
    """Enqueue every periodic job whose current period nobody has claimed yet."""
    worker = worker or worker_name()
    started = []
    for job in registered_jobs():
        if claim_period(job, worker=worker):
            try:
                job.enqueue()
            except Exception:  # the next period retries; one bad job must not stop the others
                log.exception("periodic job %s failed to enqueue", job.name)
                continue
            started.append(job.name)
    return started
