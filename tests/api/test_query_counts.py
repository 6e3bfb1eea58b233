"""List endpoints run a bounded number of queries that does not grow with the page size or
with the number of rows (no N+1), and cursor pages walk the whole list exactly once."""

from __future__ import annotations

import base64

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_contact
from tierdesk.categories.models import Category, IntakeField
from tierdesk.devices.models import Device
from tierdesk.tickets import lifecycle
from tierdesk.tickets.attachments import store_attachment
from tierdesk.webhooks import services as webhooks
from tierdesk.webhooks.models import Attempt, Delivery

pytestmark = pytest.mark.django_db

# auth (token + user + contact in one query) and at most one last_used_at update
AUTH_QUERIES = 2


def _count(api, path, params=None):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(path, params)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()


def _grow(desk, n):  # type: ignore[no-untyped-def]
    for i in range(n):
        t = desk.ticket(
            subject=f"Ticket {i}", requester=desk.contact, device=desk.device_in_warranty
        )
        lifecycle.assign(ticket=t, actor=desk.agents[1], assignee=desk.agents[1])


def test_ticket_list_is_bounded(roles, desk, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    _grow(desk, 3)
    roles["l1"].get("/me")  # settle last_used_at
    small, _ = _count(roles["l1"], "/tickets", {"limit": 50})
    _grow(desk, 60)
    large, page = _count(roles["l1"], "/tickets", {"limit": 50})
    assert len(page["items"]) == 50 and page["next_cursor"]
    assert large == small
    with django_assert_max_num_queries(AUTH_QUERIES + 1):
        roles["customer_a"].get("/tickets", {"limit": 50})
    with django_assert_max_num_queries(AUTH_QUERIES + 1):
        roles["manager_a"].get("/tickets", {"limit": 50, "status": ["new", "open"], "tier": 1})


def test_cursor_pages_walk_everything_once(roles, desk):  # type: ignore[no-untyped-def]
    _grow(desk, 23)
    for order in ("-updated_at", "created_at"):
        seen, cursor = [], None
        while True:
            params = {"limit": 5, "order": order, **({"cursor": cursor} if cursor else {})}
            page = roles["l1"].get("/tickets", params).json()
            seen += [t["id"] for t in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert len(seen) == len(set(seen)) == 23
    # a cursor of one ordering is refused for another
    first = roles["l1"].get("/tickets", {"limit": 5}).json()["next_cursor"]
    response = roles["l1"].get("/tickets", {"limit": 5, "order": "created_at", "cursor": first})
    assert response.status_code == 422


def test_timeline_is_bounded(roles, desk):  # type: ignore[no-untyped-def]
    ticket = desk.ticket()
    roles["l1"].get("/me")

    def add(n):  # type: ignore[no-untyped-def]
        for i in range(n):
            entry = lifecycle.reply(ticket=ticket, actor=desk.agents[1], body=f"reply {i}")
            store_attachment(ticket=ticket, entry=entry, filename=f"f{i}.txt", content=b"x")
            lifecycle.add_note(ticket=ticket, actor=desk.agents[2], body=f"note {i}")

    add(2)
    small, _ = _count(roles["l1"], f"/tickets/{ticket.pk}/entries", {"limit": 100})
    add(50)
    large, page = _count(roles["l1"], f"/tickets/{ticket.pk}/entries", {"limit": 100})
    assert len(page["items"]) == 100 and large == small
    assert large <= AUTH_QUERIES + 5
    attachments, _ = _count(roles["l1"], f"/tickets/{ticket.pk}/attachments", {"limit": 100})
    assert attachments <= AUTH_QUERIES + 3


def test_directory_lists_are_bounded(roles, desk):  # type: ignore[no-untyped-def]
    roles["l1"].get("/me")
    before = {
        path: _count(roles["l1"], path, {"limit": 100})[0]
        for path in ("/contacts", "/devices", "/categories", "/agents", "/organizations")
    }
    for i in range(30):
        make_contact(f"c{i}@romashka.example", desk.org)
        Device.objects.create(model=f"M{i}", organization=desk.org, manufacturer=desk.vendor)
        category = Category.objects.create(name=f"Cat {i}", default_tier=desk.tiers[1])
        IntakeField.objects.create(category=category, name="f", label_ru="f", label_en="f")
    after = {path: _count(roles["l1"], path, {"limit": 100})[0] for path in before}
    assert after == before
    assert max(after.values()) <= AUTH_QUERIES + 4


def test_delivery_log_is_bounded(roles, desk):  # type: ignore[no-untyped-def]
    sub = webhooks.create_subscription(
        actor=desk.admin,
        name="x",
        url="http://127.0.0.1:9/",
        events=["ticket.created"],
        allow_private_network=True,
    )
    roles["admin"].get("/me")

    def add(n):  # type: ignore[no-untyped-def]
        for _ in range(n):
            d = webhooks.ping(actor=desk.admin, subscription=sub)
            for number in (1, 2):
                Attempt.objects.create(delivery=d, number=number, started_at=d.created_at)

    add(2)
    small, _ = _count(roles["admin"], f"/webhooks/{sub.pk}/deliveries", {"limit": 50})
    add(40)
    large, page = _count(roles["admin"], f"/webhooks/{sub.pk}/deliveries", {"limit": 50})
    assert len(page["items"]) == 42 == Delivery.objects.count()
    assert large == small <= AUTH_QUERIES + 4


def test_attachment_upload_is_not_a_query_per_byte(roles, desk):  # type: ignore[no-untyped-def]
    files = [
        {"filename": f"f{i}.bin", "content_base64": base64.b64encode(b"y" * 1000).decode()}
        for i in range(5)
    ]
    response = roles["l1"].post(
        "/tickets", {"subject": "files", "requester_id": desk.contact.pk, "attachments": files}
    )
    assert response.status_code == 201
    assert (
        len(roles["l1"].get(f"/tickets/{response.json()['id']}/attachments").json()["items"]) == 5
    )
