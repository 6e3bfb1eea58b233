"""Knowledge base, time entries, quotes, vendor cases and calls over the REST API: the same
services as the web pages, the same rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.api.conftest import assert_problem
from tests.factories import handoff
from tierdesk.billing.models import Quote
from tierdesk.kb.models import Article, Deflection, Visibility
from tierdesk.phone.models import Call, Callback, CallState, Source
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import EntryKind, Status, Ticket, TimeEntry
from tierdesk.vendors.models import VendorCase

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(desk):  # type: ignore[no-untyped-def]
    public = Article.objects.create(
        title="Принтер перестал печатать",
        symptoms="Задания висят в очереди печати",
        resolution="Очистите очередь печати",
        language="ru",
    )
    public.categories.add(desk.category)
    internal = Article.objects.create(
        title="Принтер: сервисный режим",
        resolution="Зажмите кнопку питания",
        language="ru",
        visibility=Visibility.INTERNAL,
    )
    return public, internal


def test_kb_search_in_word_forms_and_visibility(roles, articles):  # type: ignore[no-untyped-def]
    public, internal = articles
    found = roles["customer_a"].get("/kb/search", {"q": "принтер не печатает"}).json()["items"]
    assert [a["id"] for a in found] == [public.pk]
    assert found[0]["categories"][0]["name"] == "Принтеры"
    agent_found = roles["l1"].get("/kb/search", {"q": "принтер"}).json()["items"]
    assert {a["id"] for a in agent_found} == {public.pk, internal.pk}
    assert_problem(roles["customer_a"].get(f"/kb/articles/{internal.pk}"), 404)
    assert roles["l1"].get(f"/kb/articles/{internal.pk}").json()["visibility"] == "internal"
    listed = roles["customer_b"].get("/kb/articles").json()["items"]
    assert [a["id"] for a in listed] == [public.pk]
    assert_problem(roles["customer_a"].get("/kb/search", {"q": ""}), 422)


def test_kb_deflection(roles, articles, desk):  # type: ignore[no-untyped-def]
    public, internal = articles
    solved = roles["customer_a"].post(
        f"/kb/articles/{public.pk}/solved", {"query": "принтер", "category_id": desk.category.pk}
    )
    assert solved.status_code == 201
    deflection = Deflection.objects.get()
    assert deflection.contact == desk.contact and deflection.channel == "api"
    assert_problem(roles["customer_a"].post(f"/kb/articles/{internal.pk}/solved", {}), 404)


def test_time_entries(roles, desk):  # type: ignore[no-untyped-def]
    ticket = desk.ticket()
    logged = roles["l1"].post(
        f"/tickets/{ticket.pk}/time-entries", {"minutes": 25, "note": "диагностика"}
    )
    assert logged.status_code == 201, logged.content
    body = logged.json()
    assert body["minutes"] == 25 and body["tier"] == 1 and body["agent"]["username"] == "l1"
    assert body["basis"] and body["currency"]
    assert TimeEntry.objects.get().minutes == 25
    listed = roles["l1"].get(f"/tickets/{ticket.pk}/time-entries").json()["items"]
    assert [e["id"] for e in listed] == [body["id"]]
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    assert_problem(
        roles["l1"].post(f"/tickets/{ticket.pk}/time-entries", {"minutes": 5, "work_date": future}),
        422,
    )
    assert_problem(roles["l1"].post(f"/tickets/{ticket.pk}/time-entries", {"minutes": 0}), 422)
    assert_problem(roles["customer_a"].get(f"/tickets/{ticket.pk}/time-entries"), 403)
    assert_problem(
        roles["customer_a"].post(f"/tickets/{ticket.pk}/time-entries", {"minutes": 5}), 403
    )
    assert TimeEntry.objects.count() == 1


def test_quote_approved_by_the_customer_opens_paid_work(roles, desk):  # type: ignore[no-untyped-def]
    ticket = desk.ticket(intake_data={"device_model": "LaserJet"})
    lifecycle.escalate(
        ticket=ticket, actor=desk.agents[1], to_tier=desk.tiers[2], handoff=handoff()
    )
    paid = {"to_tier": 3, "handoff": {"problem": "p", "tried": "t"}}
    assert_problem(
        roles["l2"].post(f"/tickets/{ticket.pk}/escalate", paid), 409, "approval_required"
    )
    quote = roles["l2"].post(
        f"/tickets/{ticket.pk}/quotes", {"tier": 3, "estimated_minutes": 90, "send": False}
    )
    assert quote.status_code == 201, quote.content
    q = quote.json()
    assert q["status"] == "pending" and q["tier"] == 3 and float(q["amount"]) > 0
    assert (
        roles["customer_a"].get(f"/tickets/{ticket.pk}/quotes").json()["items"][0]["id"] == q["id"]
    )
    assert_problem(roles["customer_b"].post(f"/quotes/{q['id']}/approve"), 404)
    assert_problem(roles["l2"].post(f"/quotes/{q['id']}/approve"), 403)
    approved = roles["customer_a"].post(f"/quotes/{q['id']}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert_problem(roles["customer_a"].post(f"/quotes/{q['id']}/decline", {}), 409)
    done = roles["l2"].post(f"/tickets/{ticket.pk}/escalate", paid)
    assert done.status_code == 200, done.content
    assert Ticket.objects.get(pk=ticket.pk).tier.level == 3


def test_quote_declined_and_supervisor_override(roles, desk):  # type: ignore[no-untyped-def]
    ticket = desk.ticket()
    q = (
        roles["l1"]
        .post(f"/tickets/{ticket.pk}/quotes", {"tier": 3, "estimated_minutes": 60, "send": False})
        .json()
    )
    declined = roles["customer_a"].post(f"/quotes/{q['id']}/decline", {"reason": "дорого"})
    assert declined.json()["status"] == "declined"
    assert_problem(
        roles["l1"].post(f"/tickets/{ticket.pk}/approvals", {"tier": 3, "note": "x"}), 403
    )
    assert_problem(roles["supervisor"].post(f"/tickets/{ticket.pk}/approvals", {"tier": 3}), 422)
    override = roles["supervisor"].post(
        f"/tickets/{ticket.pk}/approvals", {"tier": 3, "note": "critical customer"}
    )
    assert override.status_code == 201 and override.json()["kind"] == "override"
    assert Quote.objects.get().status == "declined"


def test_vendor_case_round_trip(roles, desk):  # type: ignore[no-untyped-def]
    ticket = desk.ticket(intake_data={"device_model": "LaserJet"}, device=desk.device_in_warranty)
    body = {"vendor_id": desk.vendor.pk, "body": "Error 13.A2 persists after a firmware update"}
    # L1 does not hand tickets to vendors; the customer never does
    assert_problem(roles["l1"].post(f"/tickets/{ticket.pk}/vendor-cases", body), 403)
    assert_problem(roles["customer_a"].post(f"/tickets/{ticket.pk}/vendor-cases", body), 403)
    lifecycle.escalate(
        ticket=ticket,
        actor=desk.supervisor,
        to_tier=desk.tiers[3],
        handoff=handoff(),
        billing_override=True,
    )
    l3 = roles["l3"]
    opened = l3.post(f"/tickets/{ticket.pk}/vendor-cases", body)
    assert opened.status_code == 201, opened.content
    case = opened.json()
    assert case["number"].startswith("VC-") and case["status"] == "waiting"
    assert case["vendor"]["id"] == desk.vendor.pk and case["from_tier"] == 3
    assert Ticket.objects.get(pk=ticket.pk).status == Status.PENDING_VENDOR
    listed = l3.get("/vendor-cases", {"show": "open"}).json()["items"]
    assert [c["id"] for c in listed] == [case["id"]]
    message = l3.post(f"/vendor-cases/{case['id']}/messages", {"body": "Any news?"})
    assert message.status_code == 201 and message.json()["kind"] == "vendor_message"
    assert message.json()["is_public"] is False
    patched = l3.patch(
        f"/vendor-cases/{case['id']}", {"vendor_reference": "HP-4711", "rma_number": "RMA-1"}
    )
    assert (
        patched.json()["vendor_reference"] == "HP-4711" and patched.json()["rma_number"] == "RMA-1"
    )
    bad = l3.patch(
        f"/vendor-cases/{case['id']}", {"rma_received_on": timezone.localdate().isoformat()}
    )
    assert_problem(bad, 422)
    closed = l3.post(f"/vendor-cases/{case['id']}/close", {"note": "fixed by firmware 2.1"})
    assert closed.json()["status"] == "closed"
    assert Ticket.objects.get(pk=ticket.pk).status == Status.OPEN
    assert_problem(roles["customer_a"].get(f"/vendor-cases/{case['id']}"), 403)
    assert_problem(l3.post(f"/tickets/{ticket.pk}/vendor-cases", {**body, "vendor_id": 99999}), 422)
    assert VendorCase.objects.count() == 1
    assert roles["l1"].get("/vendors").json()["items"][0]["name"] == "HP"


def test_calls(roles, desk):  # type: ignore[no-untyped-def]
    desk.contact.phone = "+74951234567"
    desk.contact.save()
    logged = roles["l1"].post(
        "/calls", {"number": "8 (495) 123-45-67", "notes": "Не печатает", "duration_seconds": 120}
    )
    assert logged.status_code == 201, logged.content
    call = logged.json()
    assert call["customer_number"] == "+74951234567" and call["contact"]["id"] == desk.contact.pk
    assert call["duration_seconds"] == 120 and call["source"] == "manual"
    filed = roles["l1"].post(
        f"/calls/{call['id']}/file", {"outcome": "new", "subject": "Принтер по телефону"}
    )
    assert filed.status_code == 200, filed.content
    ticket = Ticket.objects.get(pk=filed.json()["ticket_id"])
    assert ticket.channel == "phone" and ticket.requester == desk.contact
    assert ticket.entries.filter(kind=EntryKind.CALL_LOG).count() == 1
    assert_problem(
        roles["l1"].post(f"/calls/{call['id']}/file", {"outcome": "new", "subject": "again"}), 409
    )
    assert_problem(roles["l1"].post("/calls", {"number": "not a phone"}), 422)
    missed = Call.objects.create(
        call_id="pbx-1",
        source=Source.CTI,
        direction="in",
        state=CallState.ENDED,
        customer_number="+74951234567",
        started_at=timezone.now(),
        callback=Callback.PENDING,
        cause="noAnswer",
    )
    queue = roles["l1"].get("/calls", {"callback": "pending"}).json()["items"]
    assert [c["id"] for c in queue] == [missed.pk]
    done = roles["l1"].post(f"/calls/{missed.pk}/callback-done", {"note": "перезвонил"})
    assert done.json() == {"completed": 1}
    assert roles["l1"].get("/calls", {"callback": "pending"}).json()["items"] == []
    by_number = roles["l1"].get("/calls", {"number": "+7 495 123 45 67"}).json()["items"]
    assert {c["id"] for c in by_number} == {call["id"], missed.pk}
    for path in ("/calls", f"/calls/{call['id']}"):
        assert_problem(roles["customer_a"].get(path), 403)
