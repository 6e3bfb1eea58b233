"""The queue page and the ticket page run a fixed number of queries, whatever the number of
tickets on the page or entries on the ticket."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests import factories
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import Ticket

QUEUE_MAX_QUERIES = 12
TICKET_MAX_QUERIES = 22


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _tickets(desk, n: int) -> list[Ticket]:  # type: ignore[no-untyped-def]
    orgs = [desk.contact, desk.other_contact, desk.manager]
    out = []
    for i in range(n):
        t = desk.ticket(subject=f"Ticket {i}", requester=orgs[i % 3])
        if i % 4 == 0:
            lifecycle.take(ticket=t, actor=desk.agents[1])
        out.append(t)
    return out


@pytest.mark.django_db
def test_queue_page_query_count_does_not_grow(
    desk, client: Client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(desk.supervisor)
    _tickets(desk, 10)
    small = _count(client, "/agent/queues/all/")
    _tickets(desk, 40)
    assert Ticket.objects.count() == 50
    with django_assert_max_num_queries(QUEUE_MAX_QUERIES):
        response = client.get("/agent/queues/all/")
    assert response.content.decode().count('data-ticket="') == 50
    assert _count(client, "/agent/queues/all/") == small
    # with filters and a search and the second page it stays the same
    assert _count(client, "/agent/queues/all/?q=Ticket&status=new&sort=priority") == small


@pytest.mark.django_db
def test_ticket_page_query_count_does_not_grow(
    desk, client: Client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    l1 = desk.agents[1]
    ticket = desk.ticket(intake_data={"device_model": "LJ"})
    client.force_login(l1)
    url = f"/agent/tickets/{ticket.pk}/"

    def add_entries(n: int) -> None:
        for i in range(n):
            if i % 3 == 0:
                lifecycle.add_note(ticket=ticket, actor=l1, body=f"note {i}")
            elif i % 3 == 1:
                lifecycle.reply(ticket=ticket, actor=l1, body=f"reply {i}")
            else:
                lifecycle.add_customer_message(
                    ticket=ticket, contact=desk.contact, body=f"message {i}", channel="email"
                )
        lifecycle.update_details(ticket=ticket, actor=l1, intake_data={"error_text": str(n)})

    add_entries(9)
    lifecycle.escalate(ticket=ticket, actor=l1, to_tier=desk.tiers[2], handoff=factories.handoff())
    small = _count(client, url)
    add_entries(90)
    assert ticket.entries.count() >= 100
    with django_assert_max_num_queries(TICKET_MAX_QUERIES):
        response = client.get(url)
    assert response.content.decode().count('class="entry entry-') >= 100
    assert _count(client, url) == small
