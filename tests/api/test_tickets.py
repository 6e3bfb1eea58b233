"""Tickets over the REST API: the same lifecycle as the web pages, errors as problem details."""

from __future__ import annotations

import base64

import pytest

from tests.api.conftest import assert_problem
from tierdesk.tickets.models import Attachment, AuditEvent, Entry, EntryKind, Status, Ticket

pytestmark = pytest.mark.django_db


def _new(api, desk, **extra):  # type: ignore[no-untyped-def]
    body = {
        "subject": "Сканер не сканирует",
        "body": "Ошибка 52 на экране",
        "requester_id": desk.contact.pk,
        "category_id": desk.category.pk,
        **extra,
    }
    response = api.post("/tickets", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_agent_creates_a_ticket_through_the_lifecycle(roles, desk):  # type: ignore[no-untyped-def]
    data = _new(roles["l1"], desk, impact=1, urgency=1, intake_data={"device_model": "MFP 3"})
    ticket = Ticket.objects.get(pk=data["id"])
    assert data["number"] == ticket.number and ticket.number.startswith("TD-")
    assert ticket.channel == "api" and data["channel"] == "api"
    assert data["status"] == "new" and data["tier"]["level"] == 1
    assert data["priority"] == 1 and data["requester"]["id"] == desk.contact.pk
    assert data["intake_data"] == {"device_model": "MFP 3"}
    assert AuditEvent.objects.filter(ticket=ticket, action="created").count() == 1
    first = Entry.objects.get(ticket=ticket)
    assert first.kind == EntryKind.CUSTOMER_MESSAGE and first.body_text == "Ошибка 52 на экране"


def test_agent_creates_for_an_unknown_email(roles, desk):  # type: ignore[no-untyped-def]
    data = _new(roles["l1"], desk, requester_id=None, requester_email="new.person@romashka.example")
    assert data["requester"]["email"] == "new.person@romashka.example"
    assert data["organization"]["id"] == desk.org.pk


def test_refused_ticket_leaves_no_new_contact(roles, desk):  # type: ignore[no-untyped-def]
    from tierdesk.customers.models import Contact

    before = Contact.objects.count()
    body = {"subject": "s", "requester_email": "someone.new@romashka.example", "impact": 1}
    body["intake_data"] = {"no_such_field": "x"}
    assert_problem(roles["l1"].post("/tickets", {**body, "category_id": desk.category.pk}), 422)
    assert Contact.objects.count() == before
    assert_problem(roles["l1"].post("/tickets", {"subject": "s", "requester_email": "nope"}), 422)
    assert Contact.objects.count() == before


def test_customer_creates_only_for_himself(roles, desk):  # type: ignore[no-untyped-def]
    api = roles["customer_a"]
    response = api.post("/tickets", {"subject": "Не печатает", "body": "..."})
    assert response.status_code == 201, response.content
    assert response.json()["requester"]["id"] == desk.contact.pk
    before = Ticket.objects.count()
    response = api.post("/tickets", {"subject": "x", "requester_id": desk.other_contact.pk})
    assert_problem(response, 403, "not_permitted")
    assert Ticket.objects.count() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": "ok", "impact": 7}, "impact"),
        ({"subject": "ok", "category_id": 999999}, "category_id"),
        ({"subject": "ok", "device_id": 999999}, "device_id"),
        ({"subject": "ok", "intake_data": {"no_such_field": "1"}}, "no_such_field"),
        ({"subject": "ok", "surprise": 1}, "surprise"),
        ({"subject": "ok", "attachments": [{"filename": "a", "content_base64": "%%%"}]}, "attach"),
    ],
)
def test_bad_input_is_a_problem_and_writes_nothing(roles, desk, body, field):  # type: ignore[no-untyped-def]
    body = {"requester_id": desk.contact.pk, "category_id": desk.category.pk, **body}
    before = (Ticket.objects.count(), Entry.objects.count(), AuditEvent.objects.count())
    problem = assert_problem(roles["l1"].post("/tickets", body), 422)
    assert field in problem["detail"] or any(field in e["field"] for e in problem["errors"])
    assert (Ticket.objects.count(), Entry.objects.count(), AuditEvent.objects.count()) == before


def test_malformed_json_is_400(roles):  # type: ignore[no-untyped-def]
    response = roles["l1"].post("/tickets", raw="{not json")
    assert_problem(response, 400, "bad_request")


def test_attachment_too_big_refuses_the_whole_ticket(roles, desk, settings):  # type: ignore[no-untyped-def]
    settings.TIERDESK = {**settings.TIERDESK, "MAX_ATTACHMENT_BYTES": 10}
    files = [{"filename": "big.bin", "content_base64": base64.b64encode(b"x" * 11).decode()}]
    before = Ticket.objects.count()
    problem = assert_problem(
        roles["l1"].post(
            "/tickets", {"subject": "s", "requester_id": desk.contact.pk, "attachments": files}
        ),
        422,
    )
    assert "limited" in problem["detail"]
    assert Ticket.objects.count() == before


def test_attachments_round_trip(roles, desk):  # type: ignore[no-untyped-def]
    content = "отчёт\n".encode()
    files = [{"filename": "../отчёт.txt", "content_base64": base64.b64encode(content).decode()}]
    data = _new(roles["customer_a"], desk, requester_id=None, attachments=files)
    listing = roles["customer_a"].get(f"/tickets/{data['id']}/attachments").json()
    [att] = listing["items"]
    assert att["filename"] == "отчёт.txt" and att["size"] == len(content)
    download = roles["customer_a"].get(f"/attachments/{att['id']}/content")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert "attachment" in download["Content-Disposition"]
    assert download["Content-Type"] == "application/octet-stream"
    # another organisation's customer cannot fetch it, even knowing the id
    assert_problem(roles["customer_b"].get(f"/attachments/{att['id']}/content"), 404)
    assert_problem(roles["customer_b"].get(f"/attachments/{att['id']}"), 404)


def test_update_with_stale_version_is_a_conflict(roles, desk):  # type: ignore[no-untyped-def]
    data = _new(roles["l1"], desk)
    version = data["version"]
    ok = roles["l1"].patch(f"/tickets/{data['id']}", {"version": version, "subject": "Новая тема"})
    assert ok.status_code == 200 and ok.json()["subject"] == "Новая тема"
    assert ok.json()["version"] == version + 1
    stale = roles["l2"].patch(f"/tickets/{data['id']}", {"version": version, "urgency": 1})
    problem = assert_problem(stale, 409, "conflict")
    assert problem["current_version"] == version + 1
    assert "L1" in problem["detail"]
    assert Ticket.objects.get(pk=data["id"]).urgency == 2


def test_assign_status_resolve_and_customer_reopen(roles, desk):  # type: ignore[no-untyped-def]
    data = _new(roles["l1"], desk)
    tid = data["id"]
    assigned = roles["l1"].post(f"/tickets/{tid}/assign", {"assignee_id": desk.agents[1].pk})
    assert assigned.status_code == 200 and assigned.json()["assignee"]["username"] == "l1"
    assert assigned.json()["status"] == "open"
    cross = roles["l1"].post(f"/tickets/{tid}/assign", {"assignee_id": desk.agents[2].pk})
    assert_problem(cross, 403, "not_permitted")
    waiting = roles["l1"].post(f"/tickets/{tid}/status", {"status": "pending_customer"})
    assert waiting.json()["status"] == "pending_customer"
    assert_problem(roles["l1"].post(f"/tickets/{tid}/status", {"status": "resolved"}), 422)
    resolved = roles["l1"].post(
        f"/tickets/{tid}/status", {"status": "resolved", "resolution_code": "solved"}
    )
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolution_code"] == "solved"
    assert_problem(roles["customer_a"].post(f"/tickets/{tid}/status", {"status": "open"}), 403)
    reopened = roles["customer_a"].post(f"/tickets/{tid}/status", {"status": "reopened"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "reopened"
    bad = roles["l1"].post(f"/tickets/{tid}/status", {"status": "closed"})
    assert_problem(bad, 409, "invalid_transition")


def test_escalation_with_handoff(roles, desk):  # type: ignore[no-untyped-def]
    data = _new(roles["l1"], desk)
    tid = data["id"]
    handoff = {"problem": "Ошибка 52", "tried": "Перезагрузка", "diagnostics": "Журнал"}
    missing = roles["l1"].post(f"/tickets/{tid}/escalate", {"to_tier": 2, "handoff": handoff})
    problem = assert_problem(missing, 422, "invalid_input")
    assert problem["errors"][0]["field"] == "device_model"
    roles["l1"].patch(f"/tickets/{tid}", {"intake_data": {"device_model": "MFP 3"}})
    no_handoff = roles["l1"].post(
        f"/tickets/{tid}/escalate", {"to_tier": 2, "handoff": {"problem": "x"}}
    )
    assert_problem(no_handoff, 422)
    done = roles["l1"].post(f"/tickets/{tid}/escalate", {"to_tier": 2, "handoff": handoff})
    assert done.status_code == 200, done.content
    assert done.json()["kind"] == "up" and done.json()["to_tier"] == 2
    assert done.json()["tried"] == "Перезагрузка"
    ticket = roles["l2"].get(f"/tickets/{tid}").json()
    assert ticket["tier"]["level"] == 2
    history = roles["l2"].get(f"/tickets/{tid}/escalations").json()["items"]
    assert [e["problem"] for e in history] == ["Ошибка 52"]
    accepted = roles["l2"].post(f"/tickets/{tid}/accept")
    assert accepted.json()["accepted_by"]["username"] == "l2"
    # L3 is outside the contract: paid work needs approval or a supervisor's override
    paid = roles["l2"].post(f"/tickets/{tid}/escalate", {"to_tier": 3, "handoff": handoff})
    assert_problem(paid, 409, "approval_required")
    override = roles["supervisor"].post(
        f"/tickets/{tid}/escalate",
        {"to_tier": 3, "handoff": handoff, "billing_override": True},
    )
    assert override.status_code == 200, override.content
    assert (
        assert_problem(
            roles["l1"].post(f"/tickets/{tid}/escalate", {"to_tier": 9, "handoff": handoff}), 422
        )["errors"][0]["field"]
        == "to_tier"
    )


def test_reply_note_and_what_the_customer_sees(roles, desk):  # type: ignore[no-untyped-def]
    data = _new(roles["l1"], desk)
    tid = data["id"]
    note = roles["l1"].post(f"/tickets/{tid}/notes", {"body": "Похоже на драйвер"})
    assert note.status_code == 201 and note.json()["is_public"] is False
    reply = roles["l1"].post(
        f"/tickets/{tid}/replies", {"body": "Обновите драйвер", "new_status": "pending_customer"}
    )
    assert reply.status_code == 201 and reply.json()["kind"] == "public_reply"
    assert Ticket.objects.get(pk=tid).status == Status.PENDING_CUSTOMER
    agent_view = roles["l1"].get(f"/tickets/{tid}/entries").json()["items"]
    assert [e["kind"] for e in agent_view] == ["customer_message", "internal_note", "public_reply"]
    customer_view = roles["customer_a"].get(f"/tickets/{tid}/entries").json()["items"]
    assert [e["kind"] for e in customer_view] == ["customer_message", "public_reply"]
    assert all("драйвер" not in e["body_text"] or e["is_public"] for e in customer_view)
    answer = roles["customer_a"].post(f"/tickets/{tid}/replies", {"body": "Обновил, работает"})
    assert answer.status_code == 201 and answer.json()["author"]["type"] == "contact"
    assert Ticket.objects.get(pk=tid).status == Status.OPEN
    assert_problem(roles["customer_a"].post(f"/tickets/{tid}/notes", {"body": "x"}), 403)
    assert_problem(
        roles["customer_a"].post(f"/tickets/{tid}/replies", {"body": "x", "version": 1}), 403
    )


def test_customer_rates_after_resolution(roles, desk):  # type: ignore[no-untyped-def]
    data = _new(roles["customer_a"], desk, requester_id=None)
    tid = data["id"]
    assert_problem(roles["customer_a"].post(f"/tickets/{tid}/csat", {"score": 5}), 409)
    roles["l1"].post(f"/tickets/{tid}/status", {"status": "resolved", "resolution_code": "solved"})
    rated = roles["customer_a"].post(f"/tickets/{tid}/csat", {"score": 5, "comment": "Спасибо"})
    assert rated.status_code == 200 and rated.json()["csat_score"] == 5
    assert_problem(roles["customer_a"].post(f"/tickets/{tid}/csat", {"score": 9}), 422)


def test_idempotency_key_makes_retries_safe(roles, desk):  # type: ignore[no-untyped-def]
    api = roles["l1"]
    body = {"subject": "Один раз", "requester_id": desk.contact.pk}
    key = {"Idempotency-Key": "5b0f6c1e-6d1c-4a5e-9d0a-111111111111"}
    first = api.post("/tickets", body, headers=key)
    again = api.post("/tickets", body, headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Ticket.objects.filter(subject="Один раз").count() == 1
    other = api.post("/tickets", {**body, "subject": "Другое"}, headers=key)
    assert_problem(other, 422, "idempotency_key_reused")
    # the same key of another user is his own key
    mine = roles["l2"].post("/tickets", body, headers=key)
    assert mine.status_code == 201 and mine.json()["id"] != first.json()["id"]
    # a failed create keeps no record: fixing the request and retrying with the key works
    bad_key = {"Idempotency-Key": "retry-after-fix"}
    assert_problem(api.post("/tickets", {**body, "category_id": 99999}, headers=bad_key), 422)
    fixed = api.post("/tickets", {**body, "subject": "После исправления"}, headers=bad_key)
    assert fixed.status_code == 201
    replies = [
        api.post(f"/tickets/{fixed.json()['id']}/replies", {"body": "Ответ"}, headers=key | {})
        for key in [{"Idempotency-Key": "reply-1"}] * 2
    ]
    assert replies[0].json() == replies[1].json()
    assert Entry.objects.filter(ticket_id=fixed.json()["id"], kind="public_reply").count() == 1


def test_merge(roles, desk):  # type: ignore[no-untyped-def]
    a, b = _new(roles["l1"], desk), _new(roles["l1"], desk)
    merged = roles["l1"].post(f"/tickets/{a['id']}/merge", {"into_id": b["id"]})
    assert merged.status_code == 200 and merged.json()["status"] == "merged"
    assert merged.json()["merged_into"] == b["id"]


def test_attachment_rows_belong_to_entries(roles, desk):  # type: ignore[no-untyped-def]
    data = _new(roles["l1"], desk)
    files = [{"filename": "log.txt", "content_base64": base64.b64encode(b"log").decode()}]
    note = roles["l1"].post(f"/tickets/{data['id']}/notes", {"body": "лог", "attachments": files})
    [att] = note.json()["attachments"]
    assert Attachment.objects.get(pk=att["id"]).entry_id == note.json()["id"]
    # attachments of internal notes stay with the agents
    assert roles["customer_a"].get(f"/tickets/{data['id']}/attachments").json()["items"] == []
    assert_problem(roles["customer_a"].get(f"/attachments/{att['id']}/content"), 404)
