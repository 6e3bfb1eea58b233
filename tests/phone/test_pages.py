"""Staff pages of the phone channel through HTTP: the pop-up, manual logging, filing a call,
the call-back queue. Query counts are bounded."""

from __future__ import annotations

import pytest

from tierdesk.phone import services
from tierdesk.phone.cti import parse_event
from tierdesk.phone.models import Call, Callback
from tierdesk.tickets.models import Entry, EntryKind, Ticket


@pytest.fixture
def pbx(desk):  # type: ignore[no-untyped-def]
    integration, _ = services.create_integration(name="pbx")
    desk.contact.phone = "+74951234567"
    desk.contact.save()
    return integration


def event(pbx, **data):  # type: ignore[no-untyped-def]
    return services.record_cti_event(integration=pbx, event=parse_event(data))


def ring(pbx, call_id="r1", number="84951234567", users=("l1",)):  # type: ignore[no-untyped-def]
    return event(
        pbx, event="newCall", callId=call_id, direction="in", to="100", user=list(users),
        **{"from": number},
    )  # fmt: skip


@pytest.mark.django_db
def test_popup_is_empty_without_a_call_and_needs_staff(client, desk, pbx):  # type: ignore[no-untyped-def]
    assert client.get("/phone/popup/").status_code == 302  # to the login page
    client.force_login(desk.contact.user)
    assert client.get("/phone/popup/").status_code == 302  # customers go to the portal
    client.force_login(desk.agents[1])
    r = client.get("/phone/popup/")
    assert r.status_code == 200 and r.content == b""


@pytest.mark.django_db
def test_popup_shows_the_ringing_caller_to_the_agents_it_rings_for(client, desk, pbx):  # type: ignore[no-untyped-def]
    ticket = desk.ticket()
    ring(pbx)
    client.force_login(desk.agents[1])
    html = client.get("/phone/popup/").content.decode()
    assert "Анна" in html and desk.org.name in html and ticket.number in html
    assert 'data-testid="caller-popup"' in html
    client.force_login(desk.agents[2])  # not rung
    assert client.get("/phone/popup/").content == b""
    # answered by l1: still his; after the hangup it disappears
    event(pbx, event="answer", callId="r1", user=["l1"])
    client.force_login(desk.agents[1])
    assert "Анна" in client.get("/phone/popup/").content.decode()
    event(pbx, event="hangup", callId="r1", cause="normalClearing")
    assert client.get("/phone/popup/").content == b""


@pytest.mark.django_db
def test_popup_for_an_unknown_caller(client, desk, pbx):  # type: ignore[no-untyped-def]
    ring(pbx, number="anonymous")
    client.force_login(desk.agents[1])
    html = client.get("/phone/popup/").content.decode()
    assert "Unknown caller" in html or "Неизвестный" in html


@pytest.mark.django_db
def test_popup_queries_are_bounded(client, desk, pbx, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    for n in range(5):
        ring(pbx, call_id=f"c{n}")
    client.force_login(desk.agents[1])
    with django_assert_max_num_queries(20):
        assert client.get("/phone/popup/").status_code == 200


@pytest.mark.django_db
def test_log_a_call_and_create_a_ticket(client, desk, pbx):  # type: ignore[no-untyped-def]
    client.force_login(desk.agents[1])
    lookup = client.get("/phone/lookup/", {"number": "8 (495) 123-45-67"}).content.decode()
    assert "+74951234567" in lookup and "Анна" in lookup
    r = client.post(
        "/phone/log/",
        {
            "number": "8 (495) 123-45-67",
            "direction": "in",
            "duration_minutes": "4",
            "notes": "Принтер жуёт бумагу с утра.",
            "outcome": "new",
            "subject": "Принтер жуёт бумагу",
            "category": desk.category.pk,
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    ticket = Ticket.objects.get(subject="Принтер жуёт бумагу")
    assert r["Location"] == f"/agent/tickets/{ticket.pk}/"
    assert ticket.channel == "phone" and ticket.requester == desk.contact
    first = ticket.entries.get(kind=EntryKind.CUSTOMER_MESSAGE)
    assert "жуёт бумагу с утра" in first.body_text
    log = ticket.entries.get(kind=EntryKind.CALL_LOG)
    assert (
        log.is_public is False and "+7 495 123-45-67" in log.body_text and "4 min" in log.body_text
    )
    call = Call.objects.get(source="manual")
    assert call.ticket == ticket and call.contact == desk.contact
    assert call.customer_number == "+74951234567"


@pytest.mark.django_db
def test_log_a_call_on_an_open_ticket(client, desk, pbx):  # type: ignore[no-untyped-def]
    ticket = desk.ticket()
    client.force_login(desk.agents[1])
    r = client.post(
        "/phone/log/",
        {
            "number": "+74951234567",
            "direction": "out",
            "notes": "Called to confirm the fix.",
            "outcome": "attach",
            "ticket": ticket.pk,
        },
    )
    assert r.status_code == 302
    log = Entry.objects.get(ticket=ticket, kind=EntryKind.CALL_LOG)
    assert "Outbound call" in log.body_text and "Called to confirm" in log.body_text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"number": "abc"}, "phone number"),
        ({"outcome": "new", "subject": ""}, 'class="errorlist"'),
        ({"outcome": "attach", "ticket_number": "TD-999999"}, "TD-999999"),
        ({"number": "+79990000000", "outcome": "new"}, "caller"),  # unknown, no name given
    ],
)
def test_bad_manual_log_writes_nothing(client, desk, pbx, data, message):  # type: ignore[no-untyped-def]
    client.force_login(desk.agents[1])
    post = {
        "number": "+74951234567",
        "direction": "in",
        "notes": "x",
        "outcome": "new",
        "subject": "S",
        **data,
    }
    before = (Call.objects.count(), Ticket.objects.count(), Entry.objects.count())
    r = client.post("/phone/log/", post)
    assert r.status_code == 400
    assert message in r.content.decode()
    assert (Call.objects.count(), Ticket.objects.count(), Entry.objects.count()) == before


@pytest.mark.django_db
def test_unknown_caller_becomes_a_contact(client, desk, pbx):  # type: ignore[no-untyped-def]
    call = ring(pbx, call_id="u1", number="+79990001122")
    client.force_login(desk.agents[1])
    r = client.post(
        f"/phone/calls/{call.pk}/",
        {
            "outcome": "new",
            "subject": "Новый клиент",
            "body": "Хочет подключиться",
            "new_contact_name": "Олег",
        },
    )
    assert r.status_code == 302, r.content.decode()[:1500]
    ticket = Ticket.objects.get(subject="Новый клиент")
    assert ticket.requester.name == "Олег" and ticket.requester.phone == "+79990001122"
    call.refresh_from_db()
    assert call.contact == ticket.requester and call.ticket == ticket
    # the same call cannot be filed twice
    again = client.post(f"/phone/calls/{call.pk}/", {"outcome": "new", "subject": "Again"})
    assert again.status_code == 400


@pytest.mark.django_db
def test_callback_queue(client, desk, pbx, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    for n in range(3):
        ring(pbx, call_id=f"m{n}")
        event(pbx, event="hangup", callId=f"m{n}", cause="noAnswer")
    ring(pbx, call_id="other", number="+79161112233")
    event(pbx, event="hangup", callId="other", cause="busy")
    client.force_login(desk.agents[1])
    with django_assert_max_num_queries(15):
        page = client.get("/phone/callbacks/")
    html = page.content.decode()
    assert html.count("data-call=") == 4
    first = Call.objects.get(call_id="m0")
    r = client.post(f"/phone/calls/{first.pk}/callback/", {"note": "Перезвонил, всё ок"})
    assert r.status_code == 302
    # all three missed calls from Anna's number are settled, the other caller still waits
    assert set(
        Call.objects.filter(callback=Callback.PENDING).values_list("call_id", flat=True)
    ) == {"other"}
    assert Call.objects.get(call_id="m2").callback_by == desk.agents[1]
    html = client.get("/phone/callbacks/").content.decode()
    assert html.count("data-call=") == 1 and "Перезвонил" in html


@pytest.mark.django_db
def test_call_list_pages(client, desk, pbx, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    for n in range(30):
        ring(pbx, call_id=f"l{n}")
    client.force_login(desk.agents[1])
    with django_assert_max_num_queries(12):
        r = client.get("/phone/")
    assert r.status_code == 200
    assert r.content.decode().count("/phone/calls/") >= 25
    assert client.get("/phone/?page=2").status_code == 200
