"""Healthz, the periodic scheduler, background jobs and the command line."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from tierdesk.core import scheduling
from tierdesk.core.models import PeriodicRun, WorkerHeartbeat
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import Status, Ticket


@pytest.mark.django_db
def test_healthz_reports_database_and_worker(client):  # type: ignore[no-untyped-def]
    body = client.get("/healthz").json()
    assert body["database"]["ok"] is True
    assert body["worker"]["ok"] is False
    assert body["status"] == "degraded"
    WorkerHeartbeat.objects.create(worker="w1", seen_at=timezone.now(), started_at=timezone.now())
    body = client.get("/healthz").json()
    assert body == {**body, "status": "ok"}
    assert body["worker"]["alive"] == 1


@pytest.mark.django_db
def test_admin_login_page_answers(client):  # type: ignore[no-untyped-def]
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content


@pytest.mark.django_db
def test_periodic_job_runs_once_per_period_across_workers():  # type: ignore[no-untyped-def]
    calls: list[int] = []
    job = scheduling.PeriodicJob(name="test.job", every_seconds=60, enqueue=lambda: calls.append(1))
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, 0, 5, tzinfo=dt.UTC), tick=False):
        winners = [scheduling.claim_period(job, worker=f"w{i}") for i in range(5)]
    assert winners.count(True) == 1
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, 1, 5, tzinfo=dt.UTC), tick=False):
        assert scheduling.claim_period(job, worker="w9") is True
        assert scheduling.claim_period(job, worker="w1") is False
    assert PeriodicRun.objects.filter(job="test.job").count() == 2


@pytest.mark.django_db
def test_auto_close_job_closes_only_old_resolved_tickets(desk, settings):  # type: ignore[no-untyped-def]
    settings.TIERDESK = {**settings.TIERDESK, "AUTO_CLOSE_DAYS": 7}
    old, recent, reopened = desk.ticket(), desk.ticket(), desk.ticket()
    with time_machine.travel(timezone.now() - dt.timedelta(days=8), tick=False):
        lifecycle.resolve(ticket=old, actor=desk.agents[1], resolution_code="solved")
        lifecycle.resolve(ticket=reopened, actor=desk.agents[1], resolution_code="solved")
        lifecycle.reopen(ticket=reopened, contact=desk.contact)
    lifecycle.resolve(ticket=recent, actor=desk.agents[1], resolution_code="solved")
    from tierdesk.tickets.tasks import auto_close_resolved_tickets

    result = auto_close_resolved_tickets.enqueue()
    assert result.return_value == 1
    assert Ticket.objects.get(pk=old.pk).status == Status.CLOSED
    assert Ticket.objects.get(pk=recent.pk).status == Status.RESOLVED
    assert Ticket.objects.get(pk=reopened.pk).status == Status.REOPENED
    assert auto_close_resolved_tickets.enqueue().return_value == 0


@pytest.mark.django_db
def test_demo_is_idempotent():  # type: ignore[no-untyped-def]
    call_command("demo")
    counts = Ticket.objects.count()
    assert 150 <= counts <= 250
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert set(Status.values) - {"merged"} <= statuses
    assert Ticket.objects.filter(tier__level=4).exists()
    assert Ticket.objects.filter(status=Status.PENDING_VENDOR).exists()
    call_command("demo")
    assert Ticket.objects.count() == counts


def test_console_script_lists_the_commands():
    out = subprocess.run(
        [sys.executable, "-m", "tierdesk.cli", "help"], capture_output=True, text=True, check=True
    ).stdout
    for command in ("serve", "worker", "demo", "migrate"):
        assert command in out
