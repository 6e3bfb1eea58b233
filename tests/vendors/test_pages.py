"""Vendor pages through HTTP: compose and open, the case page (send, record an answer, RMA,
share, close), the list with bounded queries, the turnaround report and its CSV."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tests.vendors.helpers import at_tier
from tierdesk.devices.models import Vendor
from tierdesk.mail.models import OutboundMessage
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import Entry, Status, Ticket
from tierdesk.vendors import services
from tierdesk.vendors.models import CaseStatus, VendorCase
from tierdesk.vendors.selectors import turnaround_report


@pytest.fixture
def l3(desk):  # type: ignore[no-untyped-def]
    return at_tier(desk, 3)


@pytest.mark.django_db
def test_open_form_suggests_vendor_and_never_prefills_notes(client, desk, l3):  # type: ignore[no-untyped-def]
    lifecycle.add_note(ticket=l3, actor=desk.agents[3], body="СЕКРЕТНАЯ заметка")
    client.force_login(desk.agents[3])
    r = client.get(f"/vendors/open/{l3.pk}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert f'<option value="{desk.vendor.pk}" selected>' in html
    body = html.split('name="body"', 1)[1].split("</textarea>", 1)[0]
    assert "LaserJet" in body and "A1" in body  # device facts
    assert "СЕКРЕТНАЯ" not in body
    assert "badge-internal" in html  # the note is offered for quoting, marked internal


@pytest.mark.django_db
def test_open_a_case_through_the_page(client, desk, l3):  # type: ignore[no-untyped-def]
    note = lifecycle.add_note(ticket=l3, actor=desk.agents[3], body="Quoted on purpose")
    client.force_login(desk.agents[3])
    r = client.post(
        f"/vendors/open/{l3.pk}/",
        {
            "vendor": desk.vendor.pk,
            "subject": "Error 13.A2",
            "vendor_reference": "",
            "body": "Please help.",
            "quote": [note.pk],
            "version": Ticket.objects.get(pk=l3.pk).version,
        },
    )
    case = VendorCase.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/vendors/{case.pk}/"
    assert Ticket.objects.get(pk=l3.pk).status == Status.PENDING_VENDOR
    assert "> Quoted on purpose" in OutboundMessage.objects.get(kind="vendor").text
    page = client.get(f"/vendors/{case.pk}/").content.decode()
    assert case.number in page and "Please help." in page


@pytest.mark.django_db
def test_stale_form_is_a_conflict_and_writes_nothing(client, desk, l3):  # type: ignore[no-untyped-def]
    client.force_login(desk.agents[3])
    stale = Ticket.objects.get(pk=l3.pk).version
    lifecycle.add_note(ticket=l3, actor=desk.agents[3], body="meanwhile")
    r = client.post(
        f"/vendors/open/{l3.pk}/",
        {"vendor": desk.vendor.pk, "subject": "S", "body": "B", "version": stale},
    )
    assert r.status_code == 400
    assert VendorCase.objects.count() == 0
    assert Ticket.objects.get(pk=l3.pk).status == Status.OPEN


@pytest.mark.django_db
def test_l1_sees_why_and_cannot_open(client, desk):  # type: ignore[no-untyped-def]
    ticket = at_tier(desk, 1)
    client.force_login(desk.agents[1])
    page = client.get(f"/vendors/open/{ticket.pk}/").content.decode()
    assert 'data-testid="not-allowed"' in page
    r = client.post(
        f"/vendors/open/{ticket.pk}/", {"vendor": desk.vendor.pk, "subject": "S", "body": "B"}
    )
    assert r.status_code == 400 and VendorCase.objects.count() == 0


@pytest.mark.django_db
def test_case_page_actions(client, desk, l3):  # type: ignore[no-untyped-def]
    case = services.open_vendor_case(
        ticket=l3, actor=desk.agents[3], vendor=desk.vendor, body="First"
    )
    client.force_login(desk.agents[3])
    # the vendor answered by phone: recorded by hand, the ticket is back at L3
    r = client.post(f"/vendors/{case.pk}/answer/", {"body": "Replace the fuser (by phone)"})
    assert r.status_code == 302
    ticket = Ticket.objects.get(pk=l3.pk)
    assert ticket.status == Status.OPEN and ticket.tier == desk.tiers[3]
    answer = Entry.objects.get(body_text="Replace the fuser (by phone)")
    assert answer.is_public is False
    # RMA
    today = timezone.localdate()
    r = client.post(
        f"/vendors/{case.pk}/update/",
        {"vendor_reference": "HP-1", "rma_number": "RMA-5", "rma_shipped_on": today.isoformat()},
    )
    assert r.status_code == 302
    bad = client.post(
        f"/vendors/{case.pk}/update/",
        {"rma_number": "", "rma_shipped_on": today.isoformat()},
    )
    assert bad.status_code == 400 and "RMA number" in bad.content.decode()
    case.refresh_from_db()
    assert (case.vendor_reference, case.rma_number, case.rma_shipped_on) == ("HP-1", "RMA-5", today)
    # a follow-up message; the ticket waits again
    r = client.post(f"/vendors/{case.pk}/send/", {"body": "Unit shipped.", "wait": "on"})
    assert r.status_code == 302
    assert Ticket.objects.get(pk=l3.pk).status == Status.PENDING_VENDOR
    assert "HP-1" in OutboundMessage.objects.filter(kind="vendor").latest("pk").subject
    # share the answer with the customer
    r = client.post(f"/vendors/entries/{answer.pk}/share/", {"next": f"/vendors/{case.pk}/"})
    assert r.status_code == 302 and r["Location"] == f"/vendors/{case.pk}/"
    assert Entry.objects.get(pk=answer.pk).is_public is True
    # close
    r = client.post(f"/vendors/{case.pk}/close/", {"note": "Fixed"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert Ticket.objects.get(pk=l3.pk).status == Status.OPEN
    again = client.post(f"/vendors/{case.pk}/close/", {})
    assert again.status_code == 400


@pytest.mark.django_db
def test_share_refuses_internal_notes(client, desk, l3):  # type: ignore[no-untyped-def]
    note = lifecycle.add_note(ticket=l3, actor=desk.agents[3], body="internal")
    client.force_login(desk.agents[3])
    client.post(f"/vendors/entries/{note.pk}/share/")
    assert Entry.objects.get(pk=note.pk).is_public is False


@pytest.mark.django_db
def test_case_list_pages_with_bounded_queries(client, desk, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    for _ in range(30):
        t = at_tier(desk, 3)
        services.open_vendor_case(ticket=t, actor=desk.agents[3], vendor=desk.vendor, body="x")
    client.force_login(desk.agents[3])
    with django_assert_max_num_queries(12):
        r = client.get("/vendors/")
    assert r.status_code == 200
    assert r.content.decode().count("data-case=") == 25
    assert client.get("/vendors/?page=2").content.decode().count("data-case=") == 5
    with time_machine.travel(timezone.now() + dt.timedelta(days=10), tick=False):
        overdue = client.get("/vendors/?show=overdue").content.decode()
    assert 'data-testid="overdue"' in overdue


@pytest.mark.django_db
def test_turnaround_report(client, desk, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    desk.vendor.turnaround_hours = 24
    desk.vendor.save()
    fast = Vendor.objects.create(name="Acme", email="help@acme.example", turnaround_hours=8)
    start = timezone.now() - dt.timedelta(days=5)
    cases = []
    for vendor, answer_after in [
        (desk.vendor, 10),
        (desk.vendor, 30),
        (desk.vendor, None),
        (fast, 4),
    ]:
        t = at_tier(desk, 3)
        with time_machine.travel(start, tick=False):
            case = services.open_vendor_case(
                ticket=t, actor=desk.agents[3], vendor=vendor, body="?"
            )
        if answer_after is not None:
            with time_machine.travel(start + dt.timedelta(hours=answer_after), tick=False):
                services.receive_vendor_reply(case=case, body="answer")
        cases.append(case)
    services.update_case(
        case=cases[2],
        actor=desk.agents[3],
        rma_number="R1",
        rma_shipped_on=timezone.localdate() - dt.timedelta(days=1),
    )
    with django_assert_max_num_queries(3):
        rows = turnaround_report(
            start=timezone.localdate() - dt.timedelta(days=30), end=timezone.localdate()
        )
    by = {r.vendor.name: r for r in rows}
    hp = by["HP"]
    assert (hp.opened, hp.answered, hp.within_target, hp.unanswered) == (3, 2, 1, 1)
    assert hp.median_hours == 20.0 and hp.within_target_pct == 50.0
    assert (hp.waiting_now, hp.overdue_now, hp.rma_out_now) == (1, 1, 1)
    assert (by["Acme"].answered, by["Acme"].within_target_pct) == (1, 100.0)
    client.force_login(desk.supervisor)
    page = client.get("/vendors/report/").content.decode()
    assert 'data-testid="turnaround"' in page and "Acme" in page
    csv_text = client.get("/vendors/report/?format=csv").content.decode()
    assert csv_text.splitlines()[0].startswith("vendor,target_hours,opened,answered")
    assert any(line.startswith("HP,24,3,2,1,50.0,20.0") for line in csv_text.splitlines())
    empty = turnaround_report(start=dt.date(2000, 1, 1), end=dt.date(2000, 1, 2))
    assert {r.vendor.name for r in empty} == {"HP"}  # only current open work shows
