"""``tierdesk bench api``: ticket creation and ticket list throughput over real HTTP.

It starts the production server (``tierdesk serve``, gunicorn) on a free loopback port against a
throwaway database (a fresh SQLite file in a temporary folder, or ``--database-url`` for e.g. a
scratch PostgreSQL database), authenticates with a real API token, and drives
``POST /api/v1/tickets`` and ``GET /api/v1/tickets`` from 1 and 8 concurrent clients (threads
with keep-alive HTTP connections). It prints requests per second and latency percentiles as a
Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.core.management.base import BaseCommand, CommandError


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Command(BaseCommand):
    help = "Benchmark the REST API over HTTP (ticket create and list, 1 and 8 clients)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--requests", type=int, default=400, help="requests per phase")
        parser.add_argument("--clients", default="1,8", help="concurrency levels, e.g. 1,8")
        parser.add_argument("--seed", type=int, default=1000, help="tickets created beforehand")
        parser.add_argument("--page-size", type=int, default=25)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--threads", type=int, default=4, help="threads per worker")
        parser.add_argument(
            "--database-url",
            default="",
            help="a THROWAWAY database (it is migrated and filled); default: fresh SQLite",
        )
        parser.add_argument(
            "--create-database",
            action="store_true",
            help="PostgreSQL: create the --database-url database first and drop it afterwards",
        )
        parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["prepare"]:
            self._prepare(options["seed"])
            return
        clients = [int(c) for c in str(options["clients"]).split(",") if c.strip()]
        workdir = Path(tempfile.mkdtemp(prefix="tierdesk-bench-api-"))
        database_url = options["database_url"] or f"sqlite:///{workdir / 'bench.sqlite3'}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "TIERDESK_VAR_DIR": str(workdir),
            "TIERDESK_DATA_DIR": str(workdir / "data"),
            "TIERDESK_SECRET_KEY": "bench-" + os.urandom(8).hex(),
            "TIERDESK_LOG_LEVEL": "WARNING",
            "TIERDESK_EMBEDDED_WORKER": "0",
        }
        created = options["create_database"] and database_url.startswith("postgres")
        try:
            if created:
                _postgres_admin(database_url, "CREATE DATABASE {name}")
            self._run(env, workdir, clients, options)
        finally:
            if created:
                _postgres_admin(database_url, "DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            shutil.rmtree(workdir, ignore_errors=True)

    # ------------------------------------------------------------ orchestration

    def _cli(self, env: dict[str, str], *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "tierdesk.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise CommandError(f"tierdesk {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def _run(
        self, env: dict[str, str], workdir: Path, clients: list[int], options: dict[str, Any]
    ) -> None:
        self.stdout.write(f"preparing a throwaway database ({env['DATABASE_URL']}) …")
        self._cli(env, "migrate", "--noinput", "-v0")
        prepared = json.loads(
            self._cli(env, "bench_api", "--prepare", "--seed", str(options["seed"]))
            .strip()
            .splitlines()[-1]
        )
        port = free_port()
        with self._server(env, port, options["workers"], options["threads"], workdir):
            rows = []
            for n in clients:
                rows.append(self._phase("create", n, port, prepared, options))
                rows.append(self._phase("list", n, port, prepared, options))
        vendor = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
        self.stdout.write("")
        self.stdout.write(
            f"tierdesk bench api — {vendor}, gunicorn {options['workers']} workers × "
            f"{options['threads']} threads, {options['requests']} requests per phase, "
            f"{options['seed']} tickets seeded, {os.cpu_count()} CPUs"
        )
        self.stdout.write("")
        self.stdout.write(
            "| operation | clients | requests | errors | req/s | p50 ms | p95 ms | max ms "
            "| server CPU ms/req |"
        )
        self.stdout.write("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            self.stdout.write(
                f"| {r['name']} | {r['clients']} | {r['requests']} | {r['errors']} | "
                f"{r['rps']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} | "
                f"{_ms(r['cpu_ms'])} |"
            )

    @contextlib.contextmanager
    def _server(
        self, env: dict[str, str], port: int, workers: int, threads: int, workdir: Path
    ) -> Iterator[None]:
        log = (workdir / "server.log").open("w")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tierdesk.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--threads",
                str(threads),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if server.poll() is not None:
                    raise CommandError(
                        "the server did not start:\n" + (workdir / "server.log").read_text()[-3000:]
                    )
                try:
                    status, _ = _request(port, "GET", "/healthz", None, {})
                    if status in (200, 503):
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise CommandError("the server did not answer within 60 s")
                time.sleep(0.2)
            self.stdout.write(f"server up on http://127.0.0.1:{port}/ (pid {server.pid})")
            self._server_group = server.pid
            yield
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(server.pid, signal.SIGKILL)
                server.wait()
            log.close()

    def _phase(
        self, name: str, clients: int, port: int, prepared: dict[str, Any], options: dict[str, Any]
    ) -> dict[str, Any]:
        total = int(options["requests"])
        headers = {
            "Authorization": f"Bearer {prepared['token']}",
            "Content-Type": "application/json",
        }
        per_client = [total // clients + (1 if i < total % clients else 0) for i in range(clients)]

        def make_call(client: int) -> Callable[[http.client.HTTPConnection, int], int]:
            def call(conn: http.client.HTTPConnection, i: int) -> int:
                if name == "create":
                    body = json.dumps(
                        {
                            "subject": f"Bench {client}-{i}: принтер не печатает",
                            "body": "Горит оранжевый индикатор, ошибка 13.A2.",
                            "requester_id": prepared["contact_id"],
                            "category_id": prepared["category_id"],
                            "impact": 2,
                            "urgency": 1 + i % 3,
                        }
                    )
                    return _send(conn, "POST", "/api/v1/tickets", body, headers)
                path = f"/api/v1/tickets?limit={options['page_size']}&open=true"
                return _send(conn, "GET", path, None, headers)

            return call

        def worker(client: int) -> tuple[list[float], int]:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            call = make_call(client)
            latencies, errors = [], 0
            try:
                for i in range(per_client[client]):
                    started = time.perf_counter()
                    try:
                        status = call(conn, i)
                    except (OSError, http.client.HTTPException):
                        conn.close()
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                        status = 0
                    latencies.append((time.perf_counter() - started) * 1000)
                    if not 200 <= status < 300:
                        errors += 1
            finally:
                conn.close()
            return latencies, errors

        cpu_before = group_cpu_seconds(self._server_group)
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=clients) as pool:
            results = list(pool.map(worker, range(clients)))
        elapsed = time.perf_counter() - started
        cpu_after = group_cpu_seconds(self._server_group)
        latencies = sorted(x for lat, _ in results for x in lat)
        errors = sum(e for _, e in results)
        row: dict[str, Any] = {
            "name": "create ticket (POST /tickets)"
            if name == "create"
            else f"list tickets (GET /tickets, {options['page_size']}/page)",
            "clients": clients,
            "requests": len(latencies),
            "errors": errors,
            "rps": len(latencies) / elapsed if elapsed else 0.0,
            "p50": statistics.median(latencies) if latencies else 0.0,
            "p95": latencies[int(len(latencies) * 0.95) - 1] if latencies else 0.0,
            "max": latencies[-1] if latencies else 0.0,
            # server CPU per request (all gunicorn processes): independent of other load
            "cpu_ms": (
                (cpu_after - cpu_before) * 1000 / len(latencies)
                if latencies and cpu_before is not None and cpu_after is not None
                else None
            ),
        }
        self.stdout.write(
            f"  {row['name']:45} clients={clients}: {row['rps']:.1f} req/s, "
            f"p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms, errors {errors}, "
            f"server CPU {_ms(row['cpu_ms'])} ms/request"
        )
        return row

    # ------------------------------------------------------------ --prepare (in the child env)

    def _prepare(self, seed: int) -> None:
        """Minimal desk in the throwaway database: tiers, an agent with a write token, a
        contact, a category, and ``seed`` tickets for the list to page through."""
        from tierdesk.accounts.models import Role, User
        from tierdesk.api import tokens
        from tierdesk.categories.models import Category
        from tierdesk.customers.models import Contact, ContactEmail, Organization
        from tierdesk.tickets import lifecycle
        from tierdesk.tiers.models import Team, Tier

        tiers = [
            Tier.objects.get_or_create(level=level, defaults={"name": f"L{level}"})[0]
            for level in (1, 2, 3, 4)
        ]
        team = Team.objects.get_or_create(name="Bench L1", defaults={"tier": tiers[0]})[0]
        agent = User.objects.filter(username="bench").first() or User.objects.create_user(
            username="bench", password=None, role=Role.AGENT, tier=tiers[0]
        )
        org = Organization.objects.get_or_create(name="Bench Org")[0]
        contact = Contact.objects.filter(email="bench@bench.example").first()
        if contact is None:
            contact = Contact.objects.create(
                name="Bench", email="bench@bench.example", organization=org
            )
            ContactEmail.objects.create(contact=contact, email=contact.email)
        category = Category.objects.get_or_create(
            name="Bench", defaults={"default_tier": tiers[0], "default_team": team}
        )[0]
        for i in range(seed):
            lifecycle.create_ticket(
                subject=f"Seed {i}",
                body="seed",
                requester=contact,
                channel="api",
                actor=agent,
                category=category,
            )
        _row, raw = tokens.create_token(user=agent, scope="write", name="bench")
        self.stdout.write(
            json.dumps({"token": raw, "contact_id": contact.pk, "category_id": category.pk})
        )


def group_cpu_seconds(pgid: int) -> float | None:
    """User + system CPU seconds of every live process in process group ``pgid`` (Linux
    /proc; None elsewhere). Gunicorn's workers live as long as the server, so the difference
    over a phase is the server's CPU for that phase."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # after "pid (comm)": state ppid pgrp … utime(12) stime(13), 0-based from state
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _send(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    body: str | None,
    headers: dict[str, str],
) -> int:
    conn.request(method, path, body=body.encode() if body else None, headers=headers)
    response = conn.getresponse()
    response.read()
    return int(response.status)


def _request(
    port: int, method: str, path: str, body: str | None, headers: dict[str, str]
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return int(response.status), response.read()
    finally:
        conn.close()


def _postgres_admin(database_url: str, statement: str) -> None:
    """Run CREATE/DROP DATABASE for the database named in ``database_url`` (connected to the
    server's ``postgres`` database)."""
    import psycopg
    from psycopg import sql

    parsed = urlsplit(database_url)
    name = parsed.path.lstrip("/")
    if not name:
        raise CommandError("--database-url names no database")
    admin_url = urlunsplit(parsed._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(name=sql.Identifier(name)))
