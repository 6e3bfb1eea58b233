"""Webhook delivery end to end: a ticket change → domain event → job → the real worker → an
HTTP POST to a real receiver on loopback, signed, retried with backoff, logged per attempt."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.db import transaction

from tests.api.conftest import Api, token_for
from tests.factories import handoff, make_desk
from tests.webhooks.conftest import run_worker
from tierdesk.core import clock
from tierdesk.core.events import publish_on_commit
from tierdesk.tickets import lifecycle
from tierdesk.webhooks import services, signer
from tierdesk.webhooks.models import Attempt, Delivery, DeliveryStatus, Subscription


def _subscribe(desk, receiver, events, **kw):  # type: ignore[no-untyped-def]
    # The receiver listens on loopback: the test allows private targets explicitly.
    return services.create_subscription(
        actor=desk.admin,
        name="CRM",
        url=receiver.url,
        events=events,
        allow_private_network=True,
        **kw,
    )


@pytest.mark.django_db(transaction=True)
def test_ticket_created_is_delivered_signed(receiver, db_tasks):  # type: ignore[no-untyped-def]
    desk = make_desk()
    sub = _subscribe(desk, receiver, ["ticket.created"])
    api = Api(token_for(desk.agents[1]))
    created = api.post(
        "/tickets", {"subject": "Принтер", "body": "Не печатает", "requester_id": desk.contact.pk}
    )
    assert created.status_code == 201
    assert receiver.requests == []  # nothing is sent in the request: a job does it
    run_worker()
    [req] = receiver.requests
    assert req.path == "/hooks/tierdesk"
    assert req.headers["X-Tierdesk-Event"] == "ticket.created"
    assert req.headers["Content-Type"].startswith("application/json")
    assert signer.verify(
        sub.secret,
        req.body,
        req.headers["X-Tierdesk-Timestamp"],
        req.headers["X-Tierdesk-Signature"],
    )
    assert not signer.verify(
        "another-secret-value",
        req.body,
        req.headers["X-Tierdesk-Timestamp"],
        req.headers["X-Tierdesk-Signature"],
    )
    assert not signer.verify(
        sub.secret,
        req.body + b" ",
        req.headers["X-Tierdesk-Timestamp"],
        req.headers["X-Tierdesk-Signature"],
    )
    body = json.loads(req.body)
    assert body["type"] == "ticket.created"
    assert body["id"] == req.headers["X-Tierdesk-Event-Id"]
    assert body["data"]["ticket"]["number"] == created.json()["number"]
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 1
    [attempt] = Attempt.objects.filter(delivery=delivery)
    assert (
        attempt.status_code == 200
        and attempt.succeeded
        and "answer 200" in attempt.response_excerpt
    )
    # the delivery log over the API shows the attempt
    log = Api(token_for(desk.admin)).get(f"/webhooks/{sub.pk}/deliveries").json()["items"]
    assert [(d["event"], d["status"]) for d in log] == [("ticket.created", "succeeded")]
    assert [a["status_code"] for a in log[0]["attempt_log"]] == [200]


@pytest.mark.django_db(transaction=True)
def test_failing_receiver_gets_retries_with_backoff(receiver, db_tasks):  # type: ignore[no-untyped-def]
    desk = make_desk()
    _subscribe(desk, receiver, ["ticket.escalated"])
    ticket = desk.ticket(intake_data={"device_model": "LaserJet"})
    receiver.statuses = [500, 503, 200]
    start = clock.now()
    with time_machine.travel(start, tick=False) as traveller:
        lifecycle.escalate(
            ticket=ticket, actor=desk.agents[1], to_tier=desk.tiers[2], handoff=handoff()
        )
        run_worker()
        delivery = Delivery.objects.get()
        assert delivery.status == DeliveryStatus.RETRYING and delivery.attempts == 1
        assert delivery.next_attempt_at == start + dt.timedelta(seconds=30)
        run_worker()  # not due yet: nothing happens
        assert len(receiver.requests) == 1
        traveller.move_to(start + dt.timedelta(seconds=31))
        run_worker()
        delivery.refresh_from_db()
        assert delivery.attempts == 2 and delivery.status == DeliveryStatus.RETRYING
        assert delivery.next_attempt_at == start + dt.timedelta(seconds=31 + 60)
        traveller.move_to(start + dt.timedelta(seconds=31 + 61))
        run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 3
    log = list(Attempt.objects.filter(delivery=delivery).order_by("number"))
    assert [(a.number, a.status_code, a.succeeded) for a in log] == [
        (1, 500, False),
        (2, 503, False),
        (3, 200, True),
    ]
    # every attempt carried the same event and body, freshly signed
    assert len(receiver.requests) == 3
    assert len({r.body for r in receiver.requests}) == 1
    assert len({r.headers["X-Tierdesk-Event-Id"] for r in receiver.requests}) == 1
    body = json.loads(receiver.requests[0].body)
    assert body["data"]["escalation"]["to_tier"] == 2
    assert body["data"]["escalation"]["problem"] == handoff().problem


@pytest.mark.django_db(transaction=True)
def test_gives_up_after_max_attempts(receiver, db_tasks, settings):  # type: ignore[no-untyped-def]
    settings.TIERDESK = {**settings.TIERDESK, "WEBHOOK_MAX_ATTEMPTS": 3}
    desk = make_desk()
    _subscribe(desk, receiver, ["ticket.resolved"])
    ticket = desk.ticket()
    receiver.statuses = [500] * 10
    start = clock.now()
    with time_machine.travel(start, tick=False) as traveller:
        lifecycle.resolve(ticket=ticket, actor=desk.agents[1], resolution_code="solved")
        for minutes in range(0, 10):
            traveller.move_to(start + dt.timedelta(minutes=minutes))
            run_worker()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 3
    assert delivery.last_status_code == 500 and delivery.next_attempt_at is None
    assert Attempt.objects.filter(delivery=delivery).count() == 3
    assert len(receiver.requests) == 3


@pytest.mark.django_db(transaction=True)
def test_only_subscribed_events_and_sla_breach(receiver, db_tasks):  # type: ignore[no-untyped-def]
    desk = make_desk()
    _subscribe(desk, receiver, ["sla.breached"])
    ticket = desk.ticket()  # ticket.created: not subscribed
    with transaction.atomic():
        publish_on_commit("sla.breached", ticket_id=ticket.pk, clock="first_response")
    run_worker()
    [req] = receiver.requests
    body = json.loads(req.body)
    assert body["type"] == "sla.breached"
    assert body["data"]["clock"] == "first_response"
    assert body["data"]["ticket"]["id"] == ticket.pk


@pytest.mark.django_db(transaction=True)
def test_private_target_refused_at_delivery_when_no_longer_allowed(receiver, db_tasks):  # type: ignore[no-untyped-def]
    desk = make_desk()
    sub = _subscribe(desk, receiver, ["ticket.created"])
    # an admin withdraws the permission after the fact (bypassing the API's check on purpose)
    Subscription.objects.filter(pk=sub.pk).update(allow_private_network=False)
    desk.ticket()
    run_worker()
    assert receiver.requests == []
    attempt = Attempt.objects.get(number=1)
    assert attempt.status_code is None and "private" in attempt.error


@pytest.mark.django_db(transaction=True)
def test_ping_and_redeliver_over_the_api(receiver, db_tasks):  # type: ignore[no-untyped-def]
    desk = make_desk()
    sub = _subscribe(desk, receiver, ["ticket.created"])
    admin = Api(token_for(desk.admin))
    receiver.statuses = [500]
    pinged = admin.post(f"/webhooks/{sub.pk}/ping")
    assert pinged.status_code == 202 and pinged.json()["event"] == "ping"
    run_worker()
    first = admin.get(f"/webhooks/deliveries/{pinged.json()['id']}").json()
    assert first["status"] == "failed"  # a ping is tried once
    assert [a["status_code"] for a in first["attempt_log"]] == [500]
    again = admin.post(f"/webhooks/deliveries/{first['id']}/redeliver")
    assert again.status_code == 202 and again.json()["redelivery_of"] == first["id"]
    run_worker()
    second = admin.get(f"/webhooks/deliveries/{again.json()['id']}").json()
    assert second["status"] == "succeeded"
    assert second["event_id"] == first["event_id"]
    assert [json.loads(r.body)["type"] for r in receiver.requests] == ["ping", "ping"]


@pytest.mark.django_db(transaction=True)
def test_real_sla_breach_reaches_the_receiver(receiver, db_tasks):  # type: ignore[no-untyped-def]
    """The whole chain: SLA clock due → the SLA job publishes sla.breached → webhook job → POST."""
    import zoneinfo

    from django.core.management import call_command

    from tests.sla.conftest import make_policy, office_calendar

    msk = zoneinfo.ZoneInfo("Europe/Moscow")
    desk = make_desk()
    make_policy(desk, calendar=office_calendar())  # first response 4 h
    sub = _subscribe(desk, receiver, ["sla.breached", "ticket.escalated"])
    with time_machine.travel(dt.datetime(2025, 3, 4, 10, tzinfo=msk), tick=False) as travel:
        ticket = desk.ticket(intake_data={"device_model": "LaserJet"})
        travel.move_to(dt.datetime(2025, 3, 4, 14, 0, 5, tzinfo=msk))  # due
        call_command("worker", "--batch", "--no-beat", "--interval", "0")
    bodies = [json.loads(r.body) for r in receiver.requests]
    breach = next(b for b in bodies if b["type"] == "sla.breached")
    assert breach["data"]["ticket"]["id"] == ticket.pk
    assert breach["data"]["clock"]["kind"] == "first_response"
    assert breach["data"]["clock"]["breached_at"]
    req = receiver.requests[bodies.index(breach)]
    stamp = req.headers["X-Tierdesk-Timestamp"]
    assert signer.verify(
        sub.secret, req.body, stamp, req.headers["X-Tierdesk-Signature"], now=int(stamp)
    )
