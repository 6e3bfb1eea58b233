"""Warning → breach → notifications → auto-escalation, run by the real ``tierdesk worker``
(django-tasks-db database backend, batch mode) against the test database, with time moved by
time-machine. Jobs are scheduled with ``run_after``; nothing scans the open tickets."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tests.factories import make_desk
from tests.sla.conftest import make_policy, office_calendar
from tierdesk.escalation.models import SlaAlert
from tierdesk.notifications.models import Notification
from tierdesk.sla.models import SlaClock
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import Escalation, EscalationKind, Ticket

MSK = zoneinfo.ZoneInfo("Europe/Moscow")

DB_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "mail", "sla", "webhooks"],
    }
}


def msk(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=MSK)


def run_worker() -> None:
    call_command("worker", "--batch", "--no-beat", "--interval", "0")


@pytest.fixture
def db_tasks(settings):  # type: ignore[no-untyped-def]
    # tests default to the immediate backend (conftest); this one needs the durable one
    settings.TASKS = DB_TASKS
    return DB_TASKS


@pytest.mark.django_db(transaction=True)
def test_breach_notifies_and_auto_escalates_through_the_worker(db_tasks):  # type: ignore[no-untyped-def]
    from tierdesk.sla.scheduling import backend_defers

    assert backend_defers(), "the test must run on the database task backend"
    desk = make_desk()
    make_policy(desk, calendar=office_calendar())  # first response 4 h, warn 75 %, grace 30 min
    supervisor = desk.supervisor
    with time_machine.travel(msk(2025, 3, 4, 10), tick=False) as travel:
        ticket = desk.ticket(intake_data={"device_model": "LaserJet"})
        lifecycle.take(ticket=ticket, actor=desk.agents[1])
        first = SlaClock.objects.get(ticket=ticket, kind="first_response")
        # the jobs sit in the database with run_after = the clock's moments
        pending = DBTaskResult.objects.filter(task_path__endswith="check_clock")
        assert pending.exists()
        assert min(p.run_after for p in pending) == msk(2025, 3, 4, 13)

        run_worker()  # nothing is due yet
        assert not Notification.objects.filter(ticket=ticket).exists()

        travel.move_to(msk(2025, 3, 4, 13, 0, 5))  # 75 % of 4 h
        run_worker()
        warning = Notification.objects.get(ticket=ticket, kind="sla_warning")
        assert warning.user == desk.agents[1]

        travel.move_to(msk(2025, 3, 4, 14, 0, 5))  # due
        run_worker()
        breach = Notification.objects.get(ticket=ticket, kind="sla_breach")
        assert breach.user == supervisor
        assert "TD-" in breach.text
        sent = [m for m in mail.outbox if supervisor.email in m.to]
        assert len(sent) == 1 and "SLA" in sent[0].subject
        assert Ticket.objects.get(pk=ticket.pk).tier == desk.tiers[1]

        travel.move_to(msk(2025, 3, 4, 14, 30, 5))  # breach + 30 min grace
        run_worker()
        fresh = Ticket.objects.get(pk=ticket.pk)
        assert fresh.tier == desk.tiers[2]
        esc = Escalation.objects.get(ticket=ticket, kind=EscalationKind.AUTO_SLA)
        assert esc.by_user is None and esc.from_tier == desk.tiers[1]
        assert "SLA" in esc.reason and esc.diagnostics
        assert SlaAlert.objects.filter(clock=first).count() == 3
        # the new tier has its own response clock, scheduled for its own moments
        l2 = SlaClock.objects.get(ticket=ticket, kind="tier_response", tier=desk.tiers[2])
        assert l2.due_at == msk(2025, 3, 4, 16, 30, 5)  # L2 target 2 h from the escalation

        # running the worker again changes nothing (jobs are idempotent / stale)
        run_worker()
        assert Escalation.objects.filter(ticket=ticket).count() == 1
        assert Notification.objects.filter(ticket=ticket, kind="sla_breach").count() == 1
        failed = DBTaskResult.objects.filter(status="FAILED")
        assert not failed.exists(), [f.exception_class_path for f in failed]


@pytest.mark.django_db(transaction=True)
def test_answered_ticket_is_not_escalated_and_old_jobs_do_nothing(db_tasks):  # type: ignore[no-untyped-def]
    desk = make_desk()
    make_policy(desk, calendar=office_calendar())
    with time_machine.travel(msk(2025, 3, 4, 10), tick=False) as travel:
        ticket = desk.ticket(intake_data={"device_model": "LaserJet"})
        travel.move_to(msk(2025, 3, 4, 11))
        lifecycle.reply(ticket=ticket, actor=desk.agents[1], body="Working on it")
        travel.move_to(msk(2025, 3, 4, 15))  # past the old first-response moments
        run_worker()
        assert not Notification.objects.filter(ticket=ticket).exists()
        assert Ticket.objects.get(pk=ticket.pk).tier == desk.tiers[1]
        assert not DBTaskResult.objects.filter(status="FAILED").exists()
