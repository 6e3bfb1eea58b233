"""Periodic clean-up jobs of the API and webhooks apps, and their registration."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tierdesk.api.models import IdempotencyRecord
from tierdesk.api.tasks import purge_idempotency_records
from tierdesk.core.scheduling import registered_jobs
from tierdesk.webhooks import services as webhooks
from tierdesk.webhooks.models import Delivery
from tierdesk.webhooks.tasks import purge_old_deliveries

pytestmark = pytest.mark.django_db


def test_jobs_are_registered():  # type: ignore[no-untyped-def]
    names = {job.name for job in registered_jobs()}
    assert {"api.idempotency_cleanup", "webhooks.purge_deliveries"} <= names


def test_idempotency_records_expire_after_a_day(roles, desk):  # type: ignore[no-untyped-def]
    start = timezone.now()
    with time_machine.travel(start, tick=False) as travel:
        body = {"subject": "x", "requester_id": desk.contact.pk}
        roles["l1"].post("/tickets", body, headers={"Idempotency-Key": "k1"})
        travel.move_to(start + dt.timedelta(hours=23))
        assert purge_idempotency_records.enqueue().return_value == 0
        travel.move_to(start + dt.timedelta(hours=25))
        assert purge_idempotency_records.enqueue().return_value == 1
    assert not IdempotencyRecord.objects.exists()


def test_old_deliveries_are_purged(desk):  # type: ignore[no-untyped-def]
    sub = webhooks.create_subscription(
        actor=desk.admin,
        name="x",
        url="http://127.0.0.1:9/",
        events=["ticket.created"],
        allow_private_network=True,
    )
    start = timezone.now()
    with time_machine.travel(start - dt.timedelta(days=31), tick=False):
        webhooks.ping(actor=desk.admin, subscription=sub)
    webhooks.ping(actor=desk.admin, subscription=sub)
    assert purge_old_deliveries.enqueue().return_value == 1
    assert Delivery.objects.count() == 1


def test_no_job_without_subscribers(desk, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        desk.ticket()
    assert not Delivery.objects.exists()
    assert webhooks.wanted_by_any("ticket.created") is False
