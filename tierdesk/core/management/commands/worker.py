"""``tierdesk worker``: runs background jobs and the periodic scheduler.

Several workers may run on several machines against one database: each claims jobs with row
locks (django-tasks-db) and each period of a periodic job is claimed by exactly one of them
(``core.scheduling``).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

from tierdesk.core import clock
from tierdesk.core.models import WorkerHeartbeat
from tierdesk.core.scheduling import tick, worker_name

log = logging.getLogger("tierdesk.worker")


def beat(stop: threading.Event, *, interval: float, name: str) -> None:
    started = clock.now()
    while not stop.is_set():
        try:
            close_old_connections()
            WorkerHeartbeat.objects.update_or_create(
                worker=name, defaults={"seen_at": clock.now(), "started_at": started}
            )
            started_jobs = tick(worker=name)
            if started_jobs:
                log.info("periodic jobs enqueued: %s", ", ".join(started_jobs))
        except Exception:  # keep beating; the database may be briefly unavailable
            log.exception("scheduler tick failed")
        finally:
            close_old_connections()
        stop.wait(interval)


class Command(BaseCommand):
    help = "Run background jobs (mail, SLA, webhooks) and the periodic scheduler."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--queue", action="append", dest="queues", default=None)
        parser.add_argument("--interval", type=float, default=0.5, help="poll interval, s")
        parser.add_argument("--beat-interval", type=float, default=5.0)
        parser.add_argument("--no-beat", action="store_true", help="do not schedule periodic jobs")
        parser.add_argument("--batch", action="store_true", help="exit when no job is ready")
        parser.add_argument("--max-tasks", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        name = worker_name()
        stop = threading.Event()
        if not options["no_beat"]:
            threading.Thread(
                target=beat,
                args=(stop,),
                kwargs={"interval": options["beat_interval"], "name": name},
                daemon=True,
                name="tierdesk-beat",
            ).start()
        worker = Worker(
            queue_names=options["queues"] or ["*"],
            interval=options["interval"],
            batch=options["batch"],
            backend_name="default",
            startup_delay=not options["batch"],
            max_tasks=options["max_tasks"],
            worker_id=name[:64],
            excluded_queue_names=[],
        )
        self.stdout.write(f"tierdesk worker {name} started")
        try:
            if not options["batch"]:
                worker.configure_signals()
            worker.run()
        finally:
            stop.set()
