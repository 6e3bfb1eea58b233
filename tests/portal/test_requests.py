"""New requests, suggestions and deflection; my requests: reply, close, reopen, rate, quotes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.portal.world import build, login
from tierdesk.kb.models import Article, Deflection
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import Attachment, EntryKind, Status, Ticket, WorkApproval

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    return build()


def new_request(client, w, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "subject": "МФУ не сканирует",
        "description": "При сканировании ошибка 49.",
        "intake_device_model": "HP MFP M479",
        "intake_error_text": "49.4C02",
        "device": w.desk.device_in_warranty.pk,
        "impact": 1,
        "urgency": 2,
    }
    data.update(overrides)
    return client.post(f"/portal/new/{w.desk.category.pk}/", data)


def test_new_request_gives_the_number_at_once(world, client):
    login(client, world.anna)
    photo = SimpleUploadedFile("дисплей.jpg", b"\xff\xd8jpeg", content_type="image/jpeg")
    log = SimpleUploadedFile("scan.log", b"error 49", content_type="text/plain")
    response = new_request(client, world, attachments=[photo, log])
    assert response.status_code == 302
    ticket = Ticket.objects.get(subject="МФУ не сканирует")
    assert response["Location"] == f"/portal/tickets/{ticket.number}/?created=1"
    page = client.get(response["Location"]).content.decode()
    assert ticket.number in page and 'data-testid="ticket-number"' in page
    assert ticket.channel == "portal" and ticket.requester == world.anna
    assert ticket.priority == 2  # impact high × urgency medium
    assert ticket.device == world.desk.device_in_warranty
    assert ticket.intake_data == {"device_model": "HP MFP M479", "error_text": "49.4C02"}
    first = ticket.entries.get(kind=EntryKind.CUSTOMER_MESSAGE)
    assert sorted(a.filename for a in first.attachments.all()) == ["scan.log", "дисплей.jpg"]


def test_required_intake_fields_are_enforced(world, client):
    login(client, world.anna)
    before = Ticket.objects.count()
    response = new_request(client, world, intake_device_model="")
    assert response.status_code == 200
    assert Ticket.objects.count() == before
    assert "errorlist" in response.content.decode()


def test_device_of_another_organisation_is_refused(world, client):
    from tierdesk.devices.models import Device

    foreign = Device.objects.create(model="Vector laptop", organization=world.desk.other_org)
    login(client, world.anna)
    before = Ticket.objects.count()
    response = new_request(client, world, device=foreign.pk)
    assert response.status_code == 200 and Ticket.objects.count() == before


def test_oversized_attachment_creates_nothing(world, client, settings):
    settings.TIERDESK = {**settings.TIERDESK, "MAX_ATTACHMENT_BYTES": 10}
    login(client, world.anna)
    before = (Ticket.objects.count(), Attachment.objects.count())
    big = SimpleUploadedFile("big.bin", b"x" * 11)
    response = new_request(client, world, attachments=[big])
    assert response.status_code == 200
    assert (Ticket.objects.count(), Attachment.objects.count()) == before


def test_the_form_shows_warranty_and_priority(world, client):
    login(client, world.anna)
    page = client.get(f"/portal/new/{world.desk.category.pk}/").content.decode()
    assert 'data-warranty="active"' in page and 'data-warranty="expired"' in page
    assert "data-priority-output" in page
    assert "Модель" in page or "Device model" in page  # the category's intake form


def test_suggestions_while_typing_count_as_offered_once(world, client):
    login(client, world.anna)
    url = "/portal/suggest/?subject=Принтер+не+печатает&description=задания+висят"
    page = client.get(url).content.decode()
    assert world.article.title in page and "/portal/solved/" in page
    client.get(url)
    client.get(url + "+в+очереди")
    world.article.refresh_from_db()
    assert world.article.offered_count == 1


def test_this_solved_my_problem_creates_no_ticket(world, client):
    login(client, world.anna)
    before = Ticket.objects.count()
    response = client.post(
        "/portal/solved/",
        {
            "article": world.article.pk,
            "query": "принтер не печатает",
            "category": world.desk.category.pk,
        },
    )
    assert response.status_code == 200
    assert Ticket.objects.count() == before
    deflection = Deflection.objects.get()
    assert (deflection.article, deflection.contact, deflection.channel) == (
        world.article,
        world.anna,
        "portal",
    )
    assert Article.objects.get(pk=world.article.pk).deflected_count == 1


def test_reply_with_attachment_reopens_a_waiting_ticket(world, client):
    lifecycle.reply(
        ticket=world.ticket,
        actor=world.agent,
        body="Пришлите фото.",
        new_status=Status.PENDING_CUSTOMER,
    )
    login(client, world.anna)
    photo = SimpleUploadedFile("photo.png", b"\x89PNG", content_type="image/png")
    response = client.post(
        f"/portal/tickets/{world.ticket.number}/reply/", {"body": "Вот фото", "attachments": photo}
    )
    assert response.status_code == 302
    world.ticket.refresh_from_db()
    assert world.ticket.status == Status.OPEN
    entry = world.ticket.entries.filter(kind=EntryKind.CUSTOMER_MESSAGE).last()
    assert entry.body_text == "Вот фото" and entry.attachments.get().filename == "photo.png"


def test_empty_reply_is_refused(world, client):
    login(client, world.anna)
    before = world.ticket.entries.count()
    response = client.post(f"/portal/tickets/{world.ticket.number}/reply/", {"body": "  "})
    assert response.status_code == 400 and world.ticket.entries.count() == before


def test_reply_to_a_closed_ticket_opens_a_follow_up(world, client):
    lifecycle.close(ticket=world.resolved, contact=world.anna)
    login(client, world.anna)
    response = client.post(f"/portal/tickets/{world.resolved.number}/reply/", {"body": "Снова"})
    follow = Ticket.objects.get(follow_up_of=world.resolved)
    assert response["Location"] == f"/portal/tickets/{follow.number}/"


def test_close_reopen_and_rate(world, client):
    login(client, world.anna)
    client.post(f"/portal/tickets/{world.resolved.number}/reopen/")
    world.resolved.refresh_from_db()
    assert world.resolved.status == Status.REOPENED
    # rating is for resolved tickets only: refused now, nothing written
    client.post(f"/portal/tickets/{world.resolved.number}/rate/", {"score": 5})
    world.resolved.refresh_from_db()
    assert world.resolved.csat_score is None
    lifecycle.resolve(ticket=world.resolved, actor=world.agent, resolution_code="solved")
    client.post(f"/portal/tickets/{world.resolved.number}/rate/", {"score": 4, "comment": "Быстро"})
    client.post(f"/portal/tickets/{world.resolved.number}/close/")
    world.resolved.refresh_from_db()
    assert (world.resolved.csat_score, world.resolved.csat_comment) == (4, "Быстро")
    assert world.resolved.status == Status.CLOSED
    for bad in ("0", "6", "x"):
        client.post(f"/portal/tickets/{world.resolved.number}/rate/", {"score": bad})
    world.resolved.refresh_from_db()
    assert world.resolved.csat_score == 4


def test_customer_closes_an_open_ticket(world, client):
    login(client, world.anna)
    client.post(f"/portal/tickets/{world.ticket.number}/close/")
    world.ticket.refresh_from_db()
    assert world.ticket.status == Status.CLOSED and world.ticket.resolution_code == "cancelled"


def test_manager_approves_a_quote(world, client):
    if world.quote is None:
        pytest.skip("billing app without quotes")
    login(client, world.boris)
    page = client.get(f"/portal/tickets/{world.ticket.number}/").content.decode()
    assert f"/quotes/{world.quote.pk}/approve/" in page
    client.post(f"/portal/tickets/{world.ticket.number}/quotes/{world.quote.pk}/approve/")
    approval = WorkApproval.objects.get(ticket=world.ticket)
    assert approval.approved_by_contact == world.boris and approval.tier == world.desk.tiers[3]
    page = client.get(f"/portal/tickets/{world.ticket.number}/").content.decode()
    assert f"/quotes/{world.quote.pk}/approve/" not in page


def test_ticket_list_filters(world, client):
    login(client, world.anna)
    open_page = client.get("/portal/").content.decode()
    assert world.ticket.number in open_page and world.resolved.number in open_page
    lifecycle.close(ticket=world.resolved, contact=world.anna)
    assert world.resolved.number not in client.get("/portal/").content.decode()
    assert world.resolved.number in client.get("/portal/?state=closed").content.decode()
    found = client.get(f"/portal/?state=all&q={world.ticket.number}").content.decode()
    assert world.ticket.number in found and world.resolved.number not in found


def test_ticket_list_queries_are_bounded(world, client, django_assert_max_num_queries):
    for i in range(30):
        world.desk.ticket(subject=f"Заявка {i}", requester=world.anna)
    login(client, world.boris)
    with django_assert_max_num_queries(6):
        response = client.get("/portal/?scope=org&state=all")
    assert response.status_code == 200 and response.content.decode().count("ticket-row") >= 20
    with django_assert_max_num_queries(6):
        client.get("/portal/?scope=org&state=all&page=2")


def test_conversation_queries_are_bounded(world, client, django_assert_max_num_queries):
    for i in range(15):
        lifecycle.reply(ticket=world.ticket, actor=world.agent, body=f"Ответ {i}")
    login(client, world.anna)
    with django_assert_max_num_queries(10):
        assert client.get(f"/portal/tickets/{world.ticket.number}/").status_code == 200


def test_vendor_correspondence_only_when_an_agent_shares_it(world, client):
    from tierdesk.tickets.models import Entry

    entry = lifecycle.add_vendor_message(
        ticket=world.ticket, body="HP: прошивка 2.1 исправляет ошибку", vendor_name="HP"
    )
    login(client, world.anna)
    page = client.get(f"/portal/tickets/{world.ticket.number}/").content.decode()
    assert "прошивка 2.1" not in page
    lifecycle.share_entry_with_customer(entry=Entry.objects.get(pk=entry.pk), actor=world.agent)
    page = client.get(f"/portal/tickets/{world.ticket.number}/").content.decode()
    assert "прошивка 2.1" in page and 'data-entry-kind="vendor_message"' in page
