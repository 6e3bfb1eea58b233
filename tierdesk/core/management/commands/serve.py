"""``tierdesk serve``: the production web server (gunicorn) on 127.0.0.1:${PORT:-8000}.

``--with-worker`` also starts ``tierdesk worker`` as a child process (the embedded mode that
``make run`` uses) and stops it when the server stops.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server (gunicorn); --with-worker also runs the background worker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("TIERDESK_WEB_WORKERS", "2"))
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("TIERDESK_WEB_THREADS", "4"))
        )
        parser.add_argument("--with-worker", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        child = None
        if options["with_worker"]:
            child = subprocess.Popen([sys.executable, "-m", "tierdesk.cli", "worker"])
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "tierdesk.wsgi:application",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--access-logfile",
            "-",
            "--timeout",
            "60",
        ]
        server = subprocess.Popen(argv)

        def forward(signum: int, frame: Any) -> None:
            server.send_signal(signum)

        signal.signal(signal.SIGTERM, forward)
        signal.signal(signal.SIGINT, forward)
        try:
            code = server.wait()
        finally:
            if child is not None:
                child.terminate()
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
        if code:
            sys.exit(code)
