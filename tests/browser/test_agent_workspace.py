"""The agent workspace in a real browser (Debian Chromium through Playwright).

l1 signs in, opens the L1 queue, opens a ticket, fills the missing intake field, replies
with a standard solution from the knowledge base, writes an internal note and escalates to L2
with a hand-off; l2 finds the ticket in the L2 queue and sees the hand-off; the customer sees
the reply but never the internal note (neither in the portal nor in any e-mail).
"""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests import factories
from tierdesk.kb.models import Article
from tierdesk.tickets.models import EntryKind, Escalation, Ticket

REPLY = "Здравствуйте! Мы проверяем принтер, ответим в течение часа."
NOTE = "INTERNAL: customer's admin password is on a sticker, do not tell them"
DIAGNOSTICS = "Printed a test page from the device: fails with 13.A2"


def sign_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/agent/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_url(re.compile(r".*/agent/queues/.*"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_l1_escalates_to_l2_with_handoff(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    desk = factories.make_desk()
    ticket = desk.ticket(
        subject="Принтер не печатает после обновления",
        intake_data={"error_text": "13.A2"},
    )
    article = Article.objects.create(
        title="Принтер: замятие бумаги",
        symptoms="Горит оранжевый индикатор",
        resolution="Откройте заднюю крышку и извлеките замятую бумагу.",
    )
    base = live_server.url

    # ---- l1: queue → ticket → intake → reply → note → escalate
    l1 = new_page()
    sign_in(l1, base, "l1")
    assert l1.url.endswith("/agent/queues/tier-1/")
    row = l1.locator(f'tr[data-ticket="{ticket.number}"]')
    row.locator("a.subject").click()
    l1.wait_for_url(f"**/agent/tickets/{ticket.pk}/")
    assert ticket.number in l1.locator('[data-testid="ticket-header"]').inner_text()

    intake = l1.locator('[data-testid="intake-form"]')
    intake.locator("#intake-f_device_model").fill("HP LaserJet Pro 400")
    with l1.expect_navigation():
        intake.locator("button[type=submit]").click()
    assert l1.locator("#intake-f_device_model").input_value() == "HP LaserJet Pro 400"

    # a standard solution from the knowledge base goes into the reply and is recorded
    l1.click("#composer-form details summary")
    l1.fill('[data-testid="kb-search"]', "замятие")
    insert = l1.locator(f'[data-insert-article="{article.pk}"]')
    insert.click()
    assert "заднюю крышку" in l1.locator("#id_body").input_value()
    l1.fill("#id_body", REPLY + "\n\n" + l1.locator("#id_body").input_value())
    with l1.expect_navigation():
        l1.click('[data-testid="send"]')
    timeline = l1.locator('[data-testid="timeline"]')
    assert REPLY in timeline.locator("li.entry-public_reply").last.inner_text()
    article.refresh_from_db()
    assert article.offered_count == 1

    l1.click("label.kind-note")
    l1.fill("#id_body", NOTE)
    with l1.expect_navigation():
        l1.click('[data-testid="send"]')
    note = l1.locator("li.entry-internal_note").last
    assert NOTE in note.inner_text()
    assert note.locator(".badge-internal").count() == 1

    l1.click('[data-testid="open-escalate"]')
    dialog = l1.locator('[data-testid="escalate-dialog"]')
    assert dialog.is_visible()
    # prefilled from the ticket, the intake data and the notes
    assert "Принтер не печатает" in dialog.locator("#esc-problem").input_value()
    assert "HP LaserJet Pro 400" in dialog.locator("#esc-data_collected").input_value()
    assert NOTE in dialog.locator("#esc-tried").input_value()
    dialog.locator("#esc-to_team").select_option(str(desk.teams[2].pk))
    dialog.locator("#esc-diagnostics").fill(DIAGNOSTICS)
    dialog.locator('[data-testid="escalate-submit"]').click()
    l1.wait_for_url(re.compile(r".*/agent/queues/tier-1/"))
    assert l1.locator(f'tr[data-ticket="{ticket.number}"]').count() == 0

    ticket.refresh_from_db()
    assert ticket.tier == desk.tiers[2]
    escalation = Escalation.objects.get(ticket=ticket)
    assert escalation.diagnostics == DIAGNOSTICS

    # ---- l2: the L2 queue → the ticket → the hand-off → accept
    l2 = new_page()
    sign_in(l2, base, "l2")
    assert l2.url.endswith("/agent/queues/tier-2/")
    l2.locator(f'tr[data-ticket="{ticket.number}"] a.subject').click()
    l2.wait_for_url(f"**/agent/tickets/{ticket.pk}/")
    assert l2.locator('[data-testid="pending-handoff"]').is_visible()
    handoff = l2.locator('[data-testid="handoff"]').last.inner_text()
    assert DIAGNOSTICS in handoff
    assert "HP LaserJet Pro 400" in handoff
    with l2.expect_navigation():
        l2.click('[data-testid="accept"]')
    assert "L2" in l2.locator('[data-testid="assignee"]').inner_text()

    # ---- the customer: sees the reply, never the internal note
    assert ticket.entries.filter(kind=EntryKind.INTERNAL_NOTE, body_text=NOTE).exists()
    customer = new_page()
    customer.goto(f"{base}/portal/login/")
    customer.fill("input[name=email]", desk.contact.email)
    customer.fill("input[name=password]", "demo")
    with customer.expect_navigation():
        customer.click("form:has(input[name=password]) button[type=submit]")
    assert "/login/" not in customer.url, customer.locator("body").inner_text()[:500]
    customer.goto(f"{base}/portal/tickets/{ticket.number}/")
    text = customer.locator("body").inner_text()
    assert REPLY in text
    assert NOTE not in text
    assert NOTE not in customer.content()
    # the reply went out by e-mail (the ticket came by e-mail); the note never did
    to_customer = [m for m in mail.outbox if desk.contact.email in m.to]
    assert any(REPLY in m.body for m in to_customer)
    for message in mail.outbox:
        bodies = [message.body] + [str(alt[0]) for alt in getattr(message, "alternatives", [])]
        assert all(NOTE not in body for body in bodies), message.subject
    assert Ticket.objects.get(pk=ticket.pk).assignee == desk.agents[2]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_queue_refreshes_itself(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    desk = factories.make_desk()
    desk.ticket(subject="Existing")
    page = new_page()
    sign_in(page, live_server.url, "l1")
    # shorten the poll for the test: the table re-requests itself and shows the new ticket
    page.evaluate(
        "document.getElementById('queue-table').setAttribute('hx-trigger', 'every 1s');"
        "htmx.process(document.getElementById('queue-table'));"
    )
    fresh = desk.ticket(subject="Arrived while looking")
    page.locator(f'tr[data-ticket="{fresh.number}"]').wait_for(timeout=10000)
    # the filter bar narrows the table without a page load
    page.fill("#id_q", "Existing")
    page.locator(f'tr[data-ticket="{fresh.number}"]').wait_for(state="detached", timeout=10000)
    assert "q=Existing" in page.url
