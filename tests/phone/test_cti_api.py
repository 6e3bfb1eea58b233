"""The generic CTI webhook over real HTTP requests (Django test client): Zammad's event model,
JSON and forms, both token styles, out-of-order and duplicated events, errors that write nothing."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from tests.factories import make_contact, make_user
from tierdesk.notifications.models import Notification
from tierdesk.phone import services
from tierdesk.phone.models import AgentLine, Call, Callback, CallState, CtiIntegration

URL = "/api/v1/cti/events"


@pytest.fixture
def cti(desk):  # type: ignore[no-untyped-def]
    integration, token = services.create_integration(name="Asterisk office")
    desk.contact.phone = "+74951234567"
    desk.contact.save()
    agent = desk.agents[1]
    agent.first_name, agent.last_name = "Emma", "Taylor"
    agent.save()
    return integration, token


def post_json(client, token, payload, *, url=URL):  # type: ignore[no-untyped-def]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return client.post(url, data=body, content_type="application/json", **headers)


def post_form(client, url, fields):  # type: ignore[no-untyped-def]
    return client.post(
        url, data=urlencode(fields, doseq=True), content_type="application/x-www-form-urlencoded"
    )


def inbound(event, call_id="c-1", **extra):  # type: ignore[no-untyped-def]
    return {
        "event": event,
        "from": "74951234567",
        "to": "74959876543",
        "direction": "in",
        "callId": call_id,
        **extra,
    }


def written():  # type: ignore[no-untyped-def]
    return (
        Call.objects.count(),
        Notification.objects.count(),
        list(CtiIntegration.objects.values_list("last_event_at", flat=True)),
    )


@pytest.mark.django_db
def test_inbound_call_answered_and_hung_up(client, cti, desk):  # type: ignore[no-untyped-def]
    _, token = cti
    r = post_json(client, token, inbound("newCall", user=["Emma Taylor", "l2"], queue="support"))
    assert r.status_code == 200, r.content
    assert r.json() == {}
    call = Call.objects.get(call_id="c-1")
    assert call.state == CallState.RINGING
    assert call.direction == "in"
    assert call.customer_number == "+74951234567"
    assert call.contact == desk.contact
    assert call.organization == desk.org
    assert set(call.offered_to.all()) == {desk.agents[1], desk.agents[2]}

    r = post_json(client, token, inbound("answer", user="Emma Taylor", answeringNumber="l1"))
    assert r.status_code == 200
    call.refresh_from_db()
    assert call.state == CallState.ANSWERED
    assert call.agent == desk.agents[1]
    assert call.answered_at is not None

    r = post_json(client, token, inbound("hangup", cause="normalClearing"))
    assert r.status_code == 200
    call.refresh_from_db()
    assert call.state == CallState.ENDED
    assert call.cause == "normalClearing"
    assert call.callback == Callback.NONE
    assert call.ended_at >= call.answered_at >= call.started_at
    assert call.event_count == 3


@pytest.mark.django_db
def test_form_encoded_with_token_in_path_and_repeated_users(client, cti, desk):  # type: ignore[no-untyped-def]
    _, token = cti
    url = f"/api/v1/cti/{token}"
    fields = [
        ("event", "newCall"),
        ("from", "+7 (495) 123-45-67"),
        ("to", "84959876543"),
        ("direction", "in"),
        ("callId", "form-1"),
        ("user[]", "l1"),
        ("user[]", "l3"),
        ("user[]", "l1"),
    ]
    r = post_form(client, url, fields)
    assert r.status_code == 200, r.content
    call = Call.objects.get(call_id="form-1")
    assert call.user_names == ["l1", "l3"]
    assert set(call.offered_to.all()) == {desk.agents[1], desk.agents[3]}
    assert call.contact == desk.contact
    # multipart (curl --form) works too
    r = client.post(url, data={"event": "hangup", "callId": "form-1", "cause": "noAnswer"})
    assert r.status_code == 200, r.content
    call.refresh_from_db()
    assert call.state == CallState.ENDED
    assert call.callback == Callback.PENDING


@pytest.mark.django_db
def test_outbound_call_is_the_calling_agents(client, cti, desk):  # type: ignore[no-untyped-def]
    _, token = cti
    payload = {
        "event": "newCall",
        "from": "200",
        "to": "+74951234567",
        "direction": "out",
        "callId": "out-1",
        "user": "Emma Taylor",
    }
    assert post_json(client, token, payload).status_code == 200
    call = Call.objects.get(call_id="out-1")
    assert call.agent == desk.agents[1]
    assert call.contact == desk.contact
    assert call.customer_number == "+74951234567"
    hang = {**payload, "event": "hangup", "cause": "noAnswer"}
    assert post_json(client, token, hang).status_code == 200
    call.refresh_from_db()
    # an unanswered OUTBOUND call is not a missed call to call back
    assert call.callback == Callback.NONE


@pytest.mark.django_db
@pytest.mark.parametrize("cause", ["noAnswer", "cancel", "busy"])
def test_unanswered_inbound_call_lands_in_callback_queue(client, cti, desk, cause):  # type: ignore[no-untyped-def]
    _, token = cti
    post_json(client, token, inbound("newCall", user="l1"))
    post_json(client, token, inbound("hangup", cause=cause))
    call = Call.objects.get(call_id="c-1")
    assert call.callback == Callback.PENDING
    note = Notification.objects.get(user=desk.agents[1], kind="missed_call")
    assert "Анна" in note.text


@pytest.mark.django_db
@pytest.mark.parametrize("cause", ["normalClearing", "congestion", "notFound", "forwarded"])
def test_other_causes_are_not_callbacks(client, cti, cause):  # type: ignore[no-untyped-def]
    _, token = cti
    post_json(client, token, inbound("newCall"))
    post_json(client, token, inbound("hangup", cause=cause))
    assert Call.objects.get(call_id="c-1").callback == Callback.NONE


@pytest.mark.django_db
def test_events_out_of_order_give_the_same_call(client, cti, desk):  # type: ignore[no-untyped-def]
    _, token = cti
    # hangup first, then answer, then newCall (a PBX that posts from parallel workers)
    post_json(client, token, inbound("hangup", "ooo", cause="normalClearing"))
    call = Call.objects.get(call_id="ooo")
    assert call.state == CallState.ENDED
    assert call.callback == Callback.NONE
    post_json(client, token, inbound("answer", "ooo", user="l1"))
    post_json(client, token, inbound("newCall", "ooo", user=["l1", "l2"]))
    call.refresh_from_db()
    assert call.state == CallState.ENDED
    assert call.agent == desk.agents[1]
    assert call.contact == desk.contact
    assert call.answered_at is not None and call.ended_at is not None
    assert call.started_at <= call.answered_at <= call.ended_at
    assert Call.objects.filter(call_id="ooo").count() == 1


@pytest.mark.django_db
def test_late_answer_takes_a_call_out_of_the_callback_queue(client, cti):  # type: ignore[no-untyped-def]
    _, token = cti
    post_json(client, token, inbound("newCall", "late"))
    post_json(client, token, inbound("hangup", "late", cause="cancel"))
    assert Call.objects.get(call_id="late").callback == Callback.PENDING
    post_json(client, token, inbound("answer", "late", user="l1"))
    assert Call.objects.get(call_id="late").callback == Callback.NONE


@pytest.mark.django_db
def test_duplicated_events_change_nothing_but_the_counter(client, cti, desk):  # type: ignore[no-untyped-def]
    _, token = cti
    for _ in range(2):
        post_json(client, token, inbound("newCall", "dup", user="l1"))
    first = Call.objects.get(call_id="dup")
    for _ in range(3):
        post_json(client, token, inbound("answer", "dup", user="l1"))
    answered = Call.objects.get(call_id="dup").answered_at
    for _ in range(2):
        post_json(client, token, inbound("hangup", "dup", cause="normalClearing"))
    # a second hangup with another cause does not rewrite the first
    post_json(client, token, inbound("hangup", "dup", cause="noAnswer"))
    call = Call.objects.get(call_id="dup")
    assert Call.objects.filter(call_id="dup").count() == 1
    assert call.started_at == first.started_at
    assert call.answered_at == answered
    assert call.cause == "normalClearing"
    assert call.callback == Callback.NONE
    assert call.event_count == 8
    assert Notification.objects.filter(kind="missed_call").count() == 0


@pytest.mark.django_db
def test_duplicated_missed_hangup_notifies_once(client, cti, desk):  # type: ignore[no-untyped-def]
    _, token = cti
    post_json(client, token, inbound("newCall", "m", user="l1"))
    for _ in range(3):
        post_json(client, token, inbound("hangup", "m", cause="noAnswer"))
    assert Notification.objects.filter(kind="missed_call").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["anonymous", "", "4999", "+4930555716000000"])
def test_unknown_numbers_are_recorded_without_a_contact(client, cti, number):  # type: ignore[no-untyped-def]
    _, token = cti
    r = post_json(client, token, {**inbound("newCall", "u"), "from": number})
    assert r.status_code == 200, r.content
    call = Call.objects.get(call_id="u")
    assert call.contact is None
    assert call.from_number == number


@pytest.mark.django_db
def test_unknown_but_valid_number_is_normalised(client, cti):  # type: ignore[no-untyped-def]
    _, token = cti
    post_json(client, token, {**inbound("newCall", "de"), "from": "493055571600"})
    call = Call.objects.get(call_id="de")
    assert call.customer_number == "+493055571600"
    assert call.contact is None


@pytest.mark.django_db
def test_same_call_id_from_two_pbxes_are_two_calls(client, cti):  # type: ignore[no-untyped-def]
    _, token = cti
    _, other = services.create_integration(name="FreePBX branch")
    post_json(client, token, inbound("newCall", "same"))
    post_json(client, other, inbound("newCall", "same"))
    assert Call.objects.filter(call_id="same").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "how",
    ["none", "wrong-bearer", "basic", "wrong-path", "disabled"],
)
def test_bad_token_is_401_and_writes_nothing(client, cti, how):  # type: ignore[no-untyped-def]
    integration, token = cti
    before = written()
    payload = inbound("newCall", "x")
    if how == "none":
        r = post_json(client, None, payload)
    elif how == "wrong-bearer":
        r = post_json(client, token + "x", payload)
    elif how == "basic":
        r = client.post(
            URL,
            data=json.dumps(payload),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Basic {token}",
        )
    elif how == "wrong-path":
        r = post_json(client, None, payload, url="/api/v1/cti/not-a-token")
    else:
        integration.is_active = False
        integration.save()
        before = written()
        r = post_json(client, token, payload)
    assert r.status_code == 401
    assert r["Content-Type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == 401 and body["title"] and "token" in body["detail"]
    assert written() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ("{not json", "application/json", "not valid JSON"),
        ("[1, 2]", "application/json", "must be an object"),
        (json.dumps({"callId": "a"}), "application/json", "'event' is missing"),
        (json.dumps({"event": "ring", "callId": "a"}), "application/json", "Unknown event"),
        (json.dumps({"event": "answer"}), "application/json", "'callId' is missing"),
        (
            json.dumps({"event": "newCall", "callId": "a", "from": "1", "to": "2"}),
            "application/json",
            "needs 'direction'",
        ),
        (
            json.dumps({"event": "newCall", "callId": "a", "direction": "sideways"}),
            "application/json",
            "'direction' must be",
        ),
        (
            json.dumps({"event": "hangup", "callId": "a", "cause": "exploded"}),
            "application/json",
            "Unknown hang-up cause",
        ),
        (
            json.dumps({"event": "hangup", "callId": "x" * 251}),
            "application/json",
            "longer than 250",
        ),
        (
            json.dumps({"event": "newCall", "callId": {"a": 1}, "direction": "in"}),
            "application/json",
            "must be a string",
        ),
        ("event=newCall&callId=a&direction=in", "text/plain", "Unsupported content type"),
        (b"event=answer&callId=\xff", "application/x-www-form-urlencoded", "not UTF-8"),
    ],
)
def test_malformed_payload_is_400_with_a_message_and_writes_nothing(  # type: ignore[no-untyped-def]
    client, cti, body, content_type, message
):
    _, token = cti
    before = written()
    r = client.post(URL, data=body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 400, r.content
    assert r["Content-Type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["status"] == 400
    assert message in problem["detail"]
    assert written() == before


@pytest.mark.django_db
def test_answering_number_finds_the_agent_by_phone_line(client, cti, desk):  # type: ignore[no-untyped-def]
    _, token = cti
    AgentLine.objects.create(agent=desk.agents[2], number="202")
    post_json(client, token, inbound("newCall", "line"))
    post_json(client, token, inbound("answer", "line", answeringNumber="202"))
    assert Call.objects.get(call_id="line").agent == desk.agents[2]


@pytest.mark.django_db
def test_queue_offers_the_call_to_the_team(client, cti, desk):  # type: ignore[no-untyped-def]
    _, token = cti
    post_json(client, token, inbound("newCall", "q", queue="Team L2"))
    assert list(Call.objects.get(call_id="q").offered_to.all()) == [desk.agents[2]]


@pytest.mark.django_db
def test_shared_number_matches_first_contact(client, cti, desk):  # type: ignore[no-untyped-def]
    _, token = cti
    twin = make_contact("twin@romashka.example", desk.org)
    twin.mobile = "+74951234567"
    twin.save()
    post_json(client, token, inbound("newCall", "twin"))
    assert Call.objects.get(call_id="twin").contact == desk.contact
    assert make_user  # imported for symmetry with other tests


@pytest.mark.django_db
def test_openapi_documents_the_cti_endpoints(client, cti):  # type: ignore[no-untyped-def]
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/cti/events" in schema["paths"]
    body = schema["paths"]["/api/v1/cti/events"]["post"]["requestBody"]["content"]
    assert "application/json" in body and "application/x-www-form-urlencoded" in body
