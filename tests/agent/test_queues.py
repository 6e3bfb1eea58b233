from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from tests import factories
from tierdesk.agent.keyset import decode_cursor, encode_cursor
from tierdesk.core.errors import InvalidInput
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import Priority, Ticket


def _numbers(response) -> list[str]:  # type: ignore[no-untyped-def]
    import re

    return re.findall(r'data-ticket="([A-Z]+-\d+)"', response.content.decode())


@pytest.mark.django_db
def test_agent_starts_in_his_own_tier_queue(desk, client: Client) -> None:
    client.force_login(desk.agents[2])
    response = client.get("/agent/")
    assert response["Location"] == "/agent/queues/tier-2/"
    client.force_login(desk.supervisor)
    assert client.get("/agent/")["Location"] == "/agent/queues/all/"


@pytest.mark.django_db
def test_queues_hold_the_right_tickets(desk, client: Client) -> None:
    l1, l2 = desk.agents[1], desk.agents[2]
    mine = desk.ticket(subject="Mine")
    lifecycle.take(ticket=mine, actor=l1)
    unassigned = desk.ticket(subject="Unassigned L1")
    escalated = desk.ticket(subject="Up at L2", intake_data={"device_model": "LJ"})
    lifecycle.escalate(
        ticket=escalated, actor=l1, to_tier=desk.tiers[2], handoff=factories.handoff()
    )
    done = desk.ticket(subject="Resolved one")
    lifecycle.resolve(ticket=done, actor=l1, resolution_code="solved")

    client.force_login(l1)
    tier1 = _numbers(client.get("/agent/queues/tier-1/"))
    assert unassigned.number in tier1
    assert mine.number not in tier1  # assigned: not in the unassigned queue
    assert done.number not in tier1  # resolved: not open
    assert escalated.number not in tier1
    assert _numbers(client.get("/agent/queues/mine/")) == [mine.number]
    assert set(_numbers(client.get("/agent/queues/team/"))) == {mine.number, unassigned.number}
    assert _numbers(client.get("/agent/queues/tier-2/")) == [escalated.number]
    # "all open" is for supervisors
    assert client.get("/agent/queues/all/").status_code == 403
    client.force_login(l2)
    assert _numbers(client.get("/agent/queues/tier-2/")) == [escalated.number]
    client.force_login(desk.supervisor)
    assert set(_numbers(client.get("/agent/queues/all/"))) == {
        mine.number,
        unassigned.number,
        escalated.number,
    }
    assert client.get("/agent/queues/tier-9/").status_code == 404
    assert client.get("/agent/queues/bogus/").status_code == 404


@pytest.mark.django_db
def test_filters_search_and_sorting(desk, client: Client) -> None:
    urgent = desk.ticket(subject="Сервер упал", impact=1, urgency=1)
    other_org = desk.ticket(
        subject="Printer jam", requester=desk.other_contact, impact=3, urgency=3
    )
    plain = desk.ticket(subject="Mouse broken")
    client.force_login(desk.agents[1])
    url = "/agent/queues/tier-1/"
    assert _numbers(client.get(url, {"priority": Priority.P1})) == [urgent.number]
    assert _numbers(client.get(url, {"organization": desk.other_org.pk})) == [other_org.number]
    assert _numbers(client.get(url, {"q": "mouse"})) == [plain.number]
    assert _numbers(client.get(url, {"q": "Пётр"})) == [other_org.number]  # contact name
    assert _numbers(client.get(url, {"q": "petr@vector"})) == [other_org.number]
    assert _numbers(client.get(url, {"sort": "priority"}))[0] == urgent.number
    assert _numbers(client.get(url, {"sort": "-priority"}))[0] == other_org.number
    assert _numbers(client.get(url, {"sort": "created"}))[0] == urgent.number
    # a bad filter value is reported, not guessed
    response = client.get(url, {"priority": "9"})
    assert response.status_code == 200
    assert _numbers(response) == []
    assert b"alert-error" in response.content


@pytest.mark.django_db
def test_quick_search_by_number_opens_the_ticket(desk, client: Client) -> None:
    ticket = desk.ticket(subject="Find me")
    lifecycle.resolve(ticket=ticket, actor=desk.agents[1], resolution_code="solved")
    client.force_login(desk.agents[3])
    response = client.get("/agent/search/", {"q": ticket.number})
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response["Location"] == f"/agent/tickets/{ticket.pk}/"
    # search covers closed and resolved tickets too, by subject
    response = client.get("/agent/queues/search/", {"q": "find"})
    assert _numbers(response) == [ticket.number]
    # the empty search shows nothing rather than every ticket
    assert _numbers(client.get("/agent/queues/search/")) == []


@pytest.mark.django_db
def test_keyset_pagination_walks_forward_and_back(desk, client: Client) -> None:
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        created = []
        for i in range(7):
            created.append(desk.ticket(subject=f"Ticket {i}"))
            traveller.shift(dt.timedelta(minutes=1))
    client.force_login(desk.agents[1])
    import tierdesk.agent.selectors as sel

    old = sel.QUEUE_PAGE_SIZE
    sel.QUEUE_PAGE_SIZE = 3
    try:
        newest_first = [t.number for t in reversed(created)]
        page1 = client.get("/agent/queues/tier-1/")
        assert _numbers(page1) == newest_first[:3]
        next_url = _link(page1, "after")
        page2 = client.get(next_url)
        assert _numbers(page2) == newest_first[3:6]
        page3 = client.get(_link(page2, "after"))
        assert _numbers(page3) == newest_first[6:]
        assert _link(page3, "after") is None
        back = client.get(_link(page3, "before"))
        assert _numbers(back) == newest_first[3:6]
        # a ticket updated meanwhile moves to the top without shifting page 2
        lifecycle.add_note(ticket=created[0], actor=desk.agents[1], body="bump")
        again = client.get(next_url)
        assert _numbers(again) == newest_first[3:6]
        # a damaged cursor is a clear error
        response = client.get("/agent/queues/tier-1/", {"after": "!!garbage"})
        assert b"damaged" in response.content
    finally:
        sel.QUEUE_PAGE_SIZE = old


def _link(response, name: str) -> str | None:  # type: ignore[no-untyped-def]
    import html
    import re

    match = re.search(
        rf'href="(/agent/queues/[^"]*[?&](?:amp;)?{name}=[^"]+)"', response.content.decode()
    )
    return html.unescape(match.group(1)) if match else None


def test_cursor_round_trip() -> None:
    when = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert decode_cursor(encode_cursor(when, 42)) == (when, 42)
    assert decode_cursor(encode_cursor(3, 7)) == (3, 7)
    with pytest.raises(InvalidInput):
        decode_cursor("bm90IGpzb24")


@pytest.mark.django_db
def test_htmx_refresh_returns_only_the_table(desk, client: Client) -> None:
    ticket = desk.ticket(subject="Polled")
    client.force_login(desk.agents[1])
    response = client.get(
        "/agent/queues/tier-1/", {"fragment": "table"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="queue-table"')
    assert "every 30s" in body
    assert ticket.number in body
    assert "<html" not in body


@pytest.mark.django_db
def test_queue_counts_in_the_side_bar(desk, client: Client) -> None:
    for _ in range(3):
        desk.ticket()
    client.force_login(desk.agents[1])
    body = client.get("/agent/queues/tier-1/").content.decode()
    assert 'data-testid="queue-tier-1"' in body
    import re

    block = re.search(r'data-testid="queue-tier-1".*?<span class="count">(\d+)</span>', body, re.S)
    assert block is not None and block.group(1) == "3"
    assert Ticket.objects.count() == 3


@pytest.mark.django_db
def test_sla_filters_column_and_sort(desk, client: Client) -> None:
    from tierdesk.sla.models import SlaPolicy

    # 24x7 (no calendar): first response within 60 min for P3, 30 min for P2
    SlaPolicy.objects.create(plan=desk.plan, priority=3, first_response_minutes=60)
    SlaPolicy.objects.create(plan=desk.plan, priority=2, first_response_minutes=30)
    # within the desk's contract (it runs around today)
    start = dt.datetime.now(dt.UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    with time_machine.travel(start, tick=False) as traveller:
        late = desk.ticket(subject="Late one")  # P3, due 10:00
        traveller.shift(dt.timedelta(minutes=50))
        soon = desk.ticket(subject="Soon one", impact=1, urgency=3)  # P2, due 10:20
        answered = desk.ticket(subject="Answered one")  # due 10:50, then answered
        lifecycle.reply(ticket=answered, actor=desk.agents[1], body="On it")
        traveller.shift(dt.timedelta(minutes=15))  # now 10:05
        client.force_login(desk.agents[1])
        url = "/agent/queues/tier-1/"
        assert _numbers(client.get(url, {"sla": "breached"})) == [late.number]
        assert _numbers(client.get(url, {"sla": "soon"})) == [soon.number]
        # SLA sort: earliest due first; tickets with no running clock last
        assert _numbers(client.get("/agent/queues/team/", {"sort": "sla"})) == [
            late.number,
            soon.number,
            answered.number,
        ]
        # keyset pages over the SLA order (tickets without a due time included)
        import tierdesk.agent.selectors as sel

        old, sel.QUEUE_PAGE_SIZE = sel.QUEUE_PAGE_SIZE, 1
        try:
            seen = []
            response = client.get("/agent/queues/team/", {"sort": "sla"})
            while True:
                seen += _numbers(response)
                link = _link(response, "after")
                if link is None:
                    break
                response = client.get(link)
            assert seen == [late.number, soon.number, answered.number]
        finally:
            sel.QUEUE_PAGE_SIZE = old
        body = client.get(url).content.decode()
        row = re.search(rf'data-ticket="{late.number}".*?</tr>', body, re.S)
        assert row and "badge-danger" in row.group(0)  # overdue
        row = re.search(rf'data-ticket="{soon.number}".*?</tr>', body, re.S)
        assert row and "badge-warning" in row.group(0)  # due within 2 h
        # the ticket page shows the clocks
        page = client.get(f"/agent/tickets/{late.pk}/").content.decode()
        sla = re.search(r'data-testid="sla".*?</div>', page, re.S)
        assert sla and "badge-danger" in sla.group(0)
