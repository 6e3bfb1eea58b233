"""The customer's journey in Chromium, end to end.

A customer signs in to the portal, starts a request, sees a suggested knowledge-base article
while typing, submits anyway and gets the ticket number at once. An agent replies and writes an
internal note in the agent workspace and resolves the ticket. The customer sees the reply, never
the note, and rates the help.
"""

from __future__ import annotations

import re

import pytest

from tests import factories
from tierdesk.customers.models import Contact
from tierdesk.kb.models import Article
from tierdesk.tickets.models import EntryKind, Status, Ticket

REPLY = "Очистите очередь печати и перезапустите службу «Диспетчер печати»."
NOTE = "ВНУТРЕННЕЕ: у клиента просрочен договор на картриджи, не говорить."


def sign_in_agent(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/agent/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    with page.expect_navigation():
        page.click("form:has(input[name=password]) button[type=submit]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_customer_request_suggestion_reply_and_rating(live_server, new_page):  # type: ignore[no-untyped-def]
    desk = factories.make_desk()
    article = Article.objects.create(
        title="Принтер перестал печатать",
        symptoms="Задания висят в очереди печати, горит оранжевый индикатор.",
        resolution="Очистите очередь.\nПерезапустите службу печати.",
    )
    base = live_server.url

    # ---- the customer signs in and starts a request
    customer = new_page(locale="ru-RU")
    customer.goto(f"{base}/portal/")
    assert "/portal/login/" in customer.url  # anonymous: sent to sign in
    customer.fill("#id_email", desk.contact.email)
    customer.fill("#id_password", "demo")
    with customer.expect_navigation():
        customer.click(".auth-box button[type=submit]")
    assert customer.url.endswith("/portal/")
    customer.click(".portal-nav >> text=Новая заявка")
    customer.click(f'a[data-category="{desk.category.pk}"]')
    customer.wait_for_url(f"**/portal/new/{desk.category.pk}/")

    # ---- typing the subject brings a suggestion
    customer.locator("#id_subject").press_sequentially("Принтер не печатает", delay=20)
    suggestion = customer.locator('[data-testid="suggestions"] a.title').first
    suggestion.wait_for()
    assert suggestion.inner_text() == article.title
    assert customer.locator('[data-testid="suggestions"] button').first.is_visible()

    # ---- submits anyway: required intake fields, device with warranty, priority
    customer.fill("#id_description", "С утра задания висят в очереди, индикатор оранжевый.")
    customer.click("[data-testid=submit-request]")  # the required device model is missing
    assert customer.locator(".has-error #id_intake_device_model").count() == 1
    assert not Ticket.objects.exists()
    customer.fill("#id_intake_device_model", "HP LaserJet Pro M404dn")
    customer.select_option("#id_device", str(desk.device_in_warranty.pk))
    assert "гарантии" in customer.locator("[data-warranty-box]").inner_text()
    customer.select_option("#id_impact", "1")
    customer.select_option("#id_urgency", "1")
    assert customer.locator("[data-priority-output]").inner_text() == "P1"
    with customer.expect_navigation():
        customer.click("[data-testid=submit-request]")
    number = customer.locator('[data-testid="ticket-number"]').inner_text()
    assert re.fullmatch(r"TD-\d{6}", number)
    ticket = Ticket.objects.get(number=number)
    assert (ticket.channel, ticket.priority, ticket.requester) == ("portal", 1, desk.contact)
    article.refresh_from_db()
    assert article.offered_count == 1 and article.deflected_count == 0

    # ---- an agent replies, writes an internal note and resolves, in the agent workspace
    agent = new_page(locale="ru-RU")
    sign_in_agent(agent, base, "l1")
    agent.goto(f"{base}/agent/tickets/{ticket.pk}/")
    agent.fill("#id_body", REPLY)
    with agent.expect_navigation():
        agent.click('[data-testid="send"]')
    agent.click("label.kind-note")
    agent.fill("#id_body", NOTE)
    with agent.expect_navigation():
        agent.click('[data-testid="send"]')
    agent.click('[data-testid="open-resolve"]')
    agent.locator('[data-testid="resolve-dialog"]').wait_for()
    agent.select_option("#resolve-resolution_code", "solved")
    with agent.expect_navigation():
        agent.click('[data-testid="resolve-submit"]')
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert ticket.entries.filter(kind=EntryKind.INTERNAL_NOTE, body_text=NOTE).exists()

    # ---- the customer sees the reply, not the note, and rates the help
    customer.goto(f"{base}/portal/tickets/{number}/")
    conversation = customer.locator(".convo").inner_text()
    assert REPLY in conversation
    assert NOTE not in customer.content()
    assert customer.locator('.convo [data-entry-kind="internal_note"]').count() == 0
    customer.click('label[for="score-5"]')
    customer.fill("#id_comment", "Быстро и понятно, спасибо!")
    with customer.expect_navigation():
        customer.click("#rating button[type=submit]")
    assert customer.locator(".rated").get_attribute("aria-label") == "5/5"
    ticket.refresh_from_db()
    assert (ticket.csat_score, ticket.csat_comment) == (5, "Быстро и понятно, спасибо!")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_this_solved_my_problem_creates_no_ticket(live_server, new_page):  # type: ignore[no-untyped-def]
    desk = factories.make_desk()
    article = Article.objects.create(
        title="VPN connection times out",
        symptoms="The VPN client reports a timeout.",
        resolution="Choose the TCP profile.",
        language="en",
    )
    Contact.objects.filter(pk=desk.contact.pk).update(language="en")  # the portal follows it
    page = new_page(locale="ru-RU")
    page.goto(f"{live_server.url}/portal/login/")
    page.fill("#id_email", desk.contact.email)
    page.fill("#id_password", "demo")
    with page.expect_navigation():
        page.click(".auth-box button[type=submit]")
    page.goto(f"{live_server.url}/portal/new/{desk.category.pk}/")
    page.locator("#id_subject").press_sequentially("vpn timeout", delay=20)
    page.locator('[data-testid="suggestions"] button').first.wait_for()
    with page.expect_navigation():
        page.locator('[data-testid="suggestions"] button').first.click()
    assert "Glad it helped" in page.locator("h1").inner_text()
    article.refresh_from_db()
    assert article.deflected_count == 1 and not Ticket.objects.exists()
