from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests import factories
from tierdesk.core.errors import NotPermitted
from tierdesk.kb.models import Article, Visibility
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import Attachment, Entry, EntryKind, Escalation, Status, Ticket


def _page(client: Client, ticket: Ticket) -> str:
    response = client.get(f"/agent/tickets/{ticket.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _version(body: str) -> int:
    match = re.search(r'name="version" value="(\d+)"', body)
    assert match
    return int(match.group(1))


@pytest.mark.django_db
def test_page_shows_header_intake_and_timeline(desk, client: Client) -> None:
    ticket = desk.ticket(device=desk.device_in_warranty, intake_data={"error_text": "13.A2"})
    lifecycle.add_note(ticket=ticket, actor=desk.agents[1], body="Secret internal remark")
    client.force_login(desk.agents[1])
    body = _page(client, ticket)
    assert ticket.number in body
    assert "badge-status-new" in body and "badge-p3" in body and "badge-tier" in body
    assert "badge-ent-warranty" in body
    assert "under warranty" in body or "на гарантии" in body
    assert "LaserJet (A1)" in body
    # without a device in warranty the contract decides, and the header names it
    assert "C-1" in _page(client, desk.ticket())
    # intake: device_model is required and missing, error_text collected
    assert 'value="13.A2"' in body
    assert "1 required field missing" in body or "не заполнено" in body
    # the internal note is clearly marked
    note = re.search(r'<li class="entry entry-internal_note".*?</li>', body, re.S)
    assert note and "Secret internal remark" in note.group(0)
    assert "badge-internal" in note.group(0)


@pytest.mark.django_db
def test_reply_and_note_from_the_composer(desk, client: Client) -> None:
    ticket = desk.ticket()
    client.force_login(desk.agents[1])
    version = _version(_page(client, ticket))
    response = client.post(
        f"/agent/tickets/{ticket.pk}/compose/",
        {
            "version": version,
            "kind": "reply",
            "body": "Please restart the printer.",
            "new_status": Status.PENDING_CUSTOMER,
            "attachments": [SimpleUploadedFile("guide.pdf", b"%PDF-1.4 tiny", "application/pdf")],
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING_CUSTOMER
    reply = ticket.entries.get(kind=EntryKind.PUBLIC_REPLY)
    assert reply.is_public and reply.author_user == desk.agents[1]
    attachment = Attachment.objects.get(entry=reply)
    assert attachment.filename == "guide.pdf"
    response = client.post(
        f"/agent/tickets/{ticket.pk}/compose/",
        {"version": ticket.version, "kind": "note", "body": "Customer sounded annoyed"},
    )
    assert response.status_code == 302
    note = ticket.entries.get(kind=EntryKind.INTERNAL_NOTE)
    assert note.is_public is False
    # empty text is refused and nothing is written
    count = Entry.objects.count()
    response = client.post(
        f"/agent/tickets/{ticket.pk}/compose/",
        {"version": ticket.version, "kind": "reply", "body": "   "},
    )
    assert response.status_code == 400
    assert Entry.objects.count() == count


@pytest.mark.django_db
def test_attachment_download_is_for_staff_only(desk, client: Client) -> None:
    ticket = desk.ticket()
    client.force_login(desk.agents[1])
    client.post(
        f"/agent/tickets/{ticket.pk}/compose/",
        {
            "version": ticket.version,
            "kind": "note",
            "body": "log attached",
            "attachments": [SimpleUploadedFile("../../etc/passwd.txt", b"log lines", "text/plain")],
        },
    )
    attachment = Attachment.objects.get()
    assert attachment.filename == "passwd.txt"
    response = client.get(f"/agent/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"log lines"  # type: ignore[attr-defined]
    assert "attachment" in response["Content-Disposition"]
    assert "passwd.txt" in response["Content-Disposition"]
    assert attachment.file.name not in response["Content-Disposition"]
    client.force_login(desk.contact.user)
    assert client.get(f"/agent/attachments/{attachment.pk}/")["Location"] == "/portal/"
    client.logout()
    assert client.get(f"/agent/attachments/{attachment.pk}/").status_code == 302


@pytest.mark.django_db
def test_oversized_attachment_writes_nothing(desk, client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIERDESK = {**settings.TIERDESK, "MAX_ATTACHMENT_BYTES": 10}
    ticket = desk.ticket()
    client.force_login(desk.agents[1])
    response = client.post(
        f"/agent/tickets/{ticket.pk}/compose/",
        {
            "version": ticket.version,
            "kind": "reply",
            "body": "see file",
            "attachments": [SimpleUploadedFile("big.bin", b"x" * 100)],
        },
    )
    assert response.status_code == 400
    assert not ticket.entries.filter(kind=EntryKind.PUBLIC_REPLY).exists()
    assert Attachment.objects.count() == 0
    assert "big.bin" in response.content.decode()


@pytest.mark.django_db
def test_standard_solution_is_inserted_and_recorded_as_offered(desk, client: Client) -> None:
    article = Article.objects.create(
        title="Принтер: замятие бумаги",
        symptoms="Горит оранжевый индикатор",
        resolution="Откройте заднюю крышку и извлеките бумагу.",
        visibility=Visibility.INTERNAL,
    )
    ticket = desk.ticket()
    client.force_login(desk.agents[1])
    response = client.get(f"/agent/tickets/{ticket.pk}/kb/", {"kbq": "замятие"})
    assert response.status_code == 200
    assert f'data-insert-article="{article.pk}"' in response.content.decode()
    response = client.post(
        f"/agent/tickets/{ticket.pk}/compose/",
        {
            "version": ticket.version,
            "kind": "reply",
            "body": article.resolution,
            "article": article.pk,
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.offered_count == 1
    reply = ticket.entries.get(kind=EntryKind.PUBLIC_REPLY)
    assert reply.data == {"article_id": article.pk}
    # the resolve dialog offers the solution that was used
    assert f'<option value="{article.pk}">' in _page(client, ticket)


@pytest.mark.django_db
def test_intake_fill_then_escalate_with_prefilled_handoff(desk, client: Client) -> None:
    ticket = desk.ticket(intake_data={"error_text": "13.A2"})
    l1, l2 = desk.agents[1], desk.agents[2]
    lifecycle.add_note(ticket=ticket, actor=l1, body="Restarted the spooler, no change")
    client.force_login(l1)
    body = _page(client, ticket)
    # escalation refused while the required intake field is missing
    response = client.post(
        f"/agent/tickets/{ticket.pk}/escalate/",
        {
            "version": _version(body),
            "to_tier": desk.tiers[2].pk,
            "problem": "Printer does not print",
            "tried": "Restarted",
        },
    )
    assert response.status_code == 400
    assert "Device model" in response.content.decode() or "Модель" in response.content.decode()
    assert not Escalation.objects.exists()
    # fill the intake
    response = client.post(
        f"/agent/tickets/{ticket.pk}/intake/",
        {"version": _version(body), "f_device_model": "LaserJet 400", "f_error_text": "13.A2"},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.intake_data["device_model"] == "LaserJet 400"
    body = _page(client, ticket)
    # the hand-off is prefilled from the intake data and the notes
    dialog = re.search(r'<dialog id="dlg-escalate".*?</dialog>', body, re.S)
    assert dialog
    assert "LaserJet 400" in dialog.group(0)
    assert "Restarted the spooler, no change" in dialog.group(0)
    response = client.post(
        f"/agent/tickets/{ticket.pk}/escalate/",
        {
            "version": ticket.version,
            "to_tier": desk.tiers[2].pk,
            "to_team": desk.teams[2].pk,
            "problem": "Printer does not print after the update",
            "data_collected": "Model LaserJet 400",
            "tried": "Restarted the spooler",
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.tier == desk.tiers[2]
    # L2 sees the hand-off and accepts
    client.force_login(l2)
    body = _page(client, ticket)
    assert 'data-testid="pending-handoff"' in body
    assert "Printer does not print after the update" in body
    response = client.post(f"/agent/tickets/{ticket.pk}/accept/")
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == l2
    assert Escalation.objects.get().accepted_by == l2


@pytest.mark.django_db
def test_skipping_a_tier_needs_a_supervisor(desk, client: Client) -> None:
    ticket = desk.ticket(intake_data={"device_model": "LJ"})
    client.force_login(desk.agents[1])
    data = {
        "version": ticket.version,
        "to_tier": desk.tiers[3].pk,
        "problem": "Hard one",
        "tried": "Everything",
    }
    response = client.post(f"/agent/tickets/{ticket.pk}/escalate/", data)
    assert response.status_code == 400
    assert "supervisor" in response.content.decode() or "руковод" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.tier == desk.tiers[1]
    client.force_login(desk.supervisor)
    response = client.post(
        f"/agent/tickets/{ticket.pk}/escalate/", {**data, "billing_override": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket.refresh_from_db()
    assert ticket.tier == desk.tiers[3]


@pytest.mark.django_db
def test_deescalate_needs_instructions(desk, client: Client) -> None:
    ticket = desk.ticket(intake_data={"device_model": "LJ"})
    lifecycle.escalate(
        ticket=ticket, actor=desk.agents[1], to_tier=desk.tiers[2], handoff=factories.handoff()
    )
    client.force_login(desk.agents[2])
    url = f"/agent/tickets/{ticket.pk}/deescalate/"
    base = {"version": ticket.version, "to_tier": desk.tiers[1].pk, "problem": "Simple"}
    response = client.post(url, {**base, "reason": ""})
    assert response.status_code == 400
    response = client.post(url, {**base, "reason": "Replace the toner, then call the user"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.tier == desk.tiers[1]
    assert Escalation.objects.filter(kind="down").get().reason.startswith("Replace the toner")


@pytest.mark.django_db
def test_stale_form_shows_the_conflict_and_keeps_the_input(desk, client: Client) -> None:
    ticket = desk.ticket()
    l1 = desk.agents[1]
    other = factories.make_user("l1b", tier=desk.tiers[1], teams=[desk.teams[1]])
    client.force_login(l1)
    stale = _version(_page(client, ticket))
    # meanwhile a colleague takes it and changes the status
    lifecycle.take(ticket=ticket, actor=other)
    lifecycle.change_status(ticket=ticket, actor=other, status=Status.PENDING_CUSTOMER)
    response = client.post(
        f"/agent/tickets/{ticket.pk}/compose/",
        {"version": stale, "kind": "reply", "body": "My carefully written answer"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    conflict = re.search(
        r'data-testid="conflict".*?</div>\s*</div>|data-testid="conflict".*?</ul>\s*</div>',
        body,
        re.S,
    )
    assert conflict
    assert "L1B" in conflict.group(0)  # who
    assert "Waiting for customer" in conflict.group(0) or "Ожидает" in conflict.group(0)
    assert "My carefully written answer" in body  # the input is kept
    assert not ticket.entries.filter(kind=EntryKind.PUBLIC_REPLY).exists()
    # the re-rendered form carries the current version: sending again applies it
    ticket.refresh_from_db()
    composer = re.search(r'<form id="composer-form".*?</form>', body, re.S)
    assert composer and _version(composer.group(0)) == ticket.version
    response = client.post(
        f"/agent/tickets/{ticket.pk}/compose/",
        {"version": ticket.version, "kind": "reply", "body": "My carefully written answer"},
    )
    assert response.status_code == 302
    # a stale status change is refused the same way
    response = client.post(
        f"/agent/tickets/{ticket.pk}/status/", {"version": stale, "status": Status.OPEN}
    )
    assert response.status_code == 409


@pytest.mark.django_db
def test_take_assign_status_resolve_reopen(desk, client: Client) -> None:
    ticket = desk.ticket()
    l1 = desk.agents[1]
    colleague = factories.make_user("l1b", tier=desk.tiers[1], teams=[desk.teams[1]])
    client.force_login(l1)
    url = f"/agent/tickets/{ticket.pk}"
    assert client.post(f"{url}/take/", {"version": ticket.version}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == l1 and ticket.status == Status.OPEN
    response = client.post(f"{url}/assign/", {"version": ticket.version, "assignee": colleague.pk})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == colleague
    # an agent cannot hand the ticket to another tier's agent
    response = client.post(
        f"{url}/assign/", {"version": ticket.version, "assignee": desk.agents[2].pk}
    )
    assert response.status_code == 400
    ticket.refresh_from_db()
    assert ticket.assignee == colleague
    response = client.post(
        f"{url}/status/", {"version": ticket.version, "status": Status.PENDING_VENDOR}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING_VENDOR
    response = client.post(
        f"{url}/resolve/",
        {"version": ticket.version, "resolution_code": "workaround", "note": "Use USB"},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and ticket.resolution_code == "workaround"
    # a resolved ticket cannot be set to pending: the form does not offer it and the
    # lifecycle refuses it
    response = client.post(
        f"{url}/status/", {"version": ticket.version, "status": Status.PENDING_VENDOR}
    )
    assert response.status_code == 400
    assert client.post(f"{url}/reopen/", {"reason": "came back"}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.REOPENED


@pytest.mark.django_db
def test_details_change_recomputes_priority(desk, client: Client) -> None:
    ticket = desk.ticket()
    client.force_login(desk.agents[1])
    response = client.post(
        f"/agent/tickets/{ticket.pk}/details/",
        {
            "version": ticket.version,
            "subject": "Printer dead",
            "category": desk.category.pk,
            "device": desk.device_out_of_warranty.pk,
            "impact": 1,
            "urgency": 1,
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.priority == 1 and ticket.device == desk.device_out_of_warranty
    assert "badge-danger" in _page(client, ticket)  # warranty expired


@pytest.mark.django_db
def test_log_time(desk, client: Client) -> None:
    ticket = desk.ticket()
    client.force_login(desk.agents[1])
    response = client.post(f"/agent/tickets/{ticket.pk}/time/", {"minutes": 25, "note": "call"})
    assert response.status_code == 302
    assert ticket.time_entries.get().minutes == 25
    assert "25 min" in _page(client, ticket) or "25 мин" in _page(client, ticket)
    response = client.post(f"/agent/tickets/{ticket.pk}/time/", {"minutes": 0})
    assert response.status_code == 400
    assert ticket.time_entries.count() == 1


@pytest.mark.django_db
def test_customers_and_anonymous_never_reach_the_ticket_page(desk, client: Client) -> None:
    ticket = desk.ticket()
    assert client.get(f"/agent/tickets/{ticket.pk}/").status_code == 302
    client.force_login(desk.contact.user)
    assert client.get(f"/agent/tickets/{ticket.pk}/")["Location"] == "/portal/"
    response = client.post(
        f"/agent/tickets/{ticket.pk}/compose/",
        {"version": ticket.version, "kind": "note", "body": "x"},
    )
    assert response["Location"] == "/portal/"
    assert not ticket.entries.filter(kind=EntryKind.INTERNAL_NOTE).exists()
    client.force_login(desk.agents[1])
    assert client.get("/agent/tickets/999999/").status_code == 404


@pytest.mark.django_db
def test_only_supervisors_reassign_across_tiers(desk, client: Client) -> None:
    ticket = desk.ticket(intake_data={"device_model": "LaserJet"})
    lifecycle.add_note(ticket=ticket, actor=desk.agents[1], body="Checked cables")
    url = f"/agent/tickets/{ticket.pk}/assign/"
    # an agent is not offered agents of other tiers, and the lifecycle refuses it anyway
    client.force_login(desk.agents[1])
    body = _page(client, ticket)
    dialog = re.search(r'<dialog id="dlg-assign".*?</dialog>', body, re.S)
    assert dialog and f'<option value="{desk.agents[2].pk}"' not in dialog.group(0)
    assert (
        client.post(url, {"version": ticket.version, "assignee": desk.agents[2].pk}).status_code
        == 400
    )
    with pytest.raises(NotPermitted):
        lifecycle.reassign_across_tiers(
            ticket=ticket,
            actor=desk.agents[1],
            assignee=desk.agents[2],
            handoff=factories.handoff(),
        )
    ticket.refresh_from_db()
    assert ticket.tier == desk.tiers[1]
    # a supervisor moves it to L2 and gives it to l2 in one step; the hand-off is recorded
    client.force_login(desk.supervisor)
    response = client.post(
        url,
        {"version": ticket.version, "assignee": desk.agents[2].pk, "reason": "Needs L2 now"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    ticket.refresh_from_db()
    assert ticket.tier == desk.tiers[2] and ticket.assignee == desk.agents[2]
    escalation = Escalation.objects.get(ticket=ticket)
    assert escalation.by_user == desk.supervisor and escalation.reason == "Needs L2 now"
    assert "LaserJet" in escalation.data_collected and "Checked cables" in escalation.tried
    # and back down to l1: a de-escalation needs the instructions
    response = client.post(url, {"version": ticket.version, "assignee": desk.agents[1].pk})
    assert response.status_code == 400
    response = client.post(
        url,
        {"version": ticket.version, "assignee": desk.agents[1].pk, "reason": "Replace toner"},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.tier == desk.tiers[1] and ticket.assignee == desk.agents[1]


@pytest.mark.django_db
def test_resolved_ticket_offers_a_kb_article_draft(desk, client: Client) -> None:
    ticket = desk.ticket()
    lifecycle.resolve(ticket=ticket, actor=desk.agents[1], resolution_code="solved")
    client.force_login(desk.agents[1])
    body = _page(client, ticket)
    assert f'action="/kb/from-ticket/{ticket.pk}/"' in body
    response = client.post(f"/kb/from-ticket/{ticket.pk}/")
    assert response.status_code == 302 and "/edit/" in response["Location"]
