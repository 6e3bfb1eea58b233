"""Vendor pages in a real browser (Debian Chromium through Playwright): L3 composes a vendor
case for a ticket (vendor suggested from the device, an internal note offered for quoting but
not ticked), the vendor answers, L3 shares the answer with the customer.

Set TIERDESK_SCREENSHOTS=1 to write docs/screenshots/vendor-*.png.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests import factories
from tests.vendors.helpers import at_tier
from tierdesk.mail.models import OutboundMessage
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import Entry, Status, Ticket
from tierdesk.vendors import services
from tierdesk.vendors.models import VendorCase

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if os.environ.get("TIERDESK_SCREENSHOTS"):
        OUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUT / name), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_l3_opens_a_vendor_case_in_the_browser(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    desk = factories.make_desk()
    desk.vendor.reply_to = "vendor-hp@desk.example"
    desk.vendor.save()
    ticket = at_tier(desk, 3, subject="МФУ: ошибка 13.A2 после замены фьюзера")
    lifecycle.add_note(ticket=ticket, actor=desk.agents[3], body="ВНУТРЕННЕЕ: клиент ронял МФУ")
    base = live_server.url

    page = new_page()
    page.goto(f"{base}/agent/login/")
    page.fill("input[name=username]", "l3")
    page.fill("input[name=password]", "demo")
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_url(re.compile(r".*/agent/.*"))

    page.goto(f"{base}/vendors/open/{ticket.pk}/")
    form = page.locator('[data-testid="open-case"]')
    assert form.locator("select[name=vendor]").input_value() == str(desk.vendor.pk)
    body = form.locator("textarea[name=body]")
    assert "LaserJet" in body.input_value() and "ВНУТРЕННЕЕ" not in body.input_value()
    assert page.locator('[data-testid="quote-list"] .badge-internal').count() == 1
    body.fill(body.input_value() + "\nError 13.A2 persists after a fuser replacement.")
    form.locator("input[name=vendor_reference]").fill("HP-55812")
    shot(page, "vendor-open.png")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    case = VendorCase.objects.get()
    page.wait_for_url(f"**/vendors/{case.pk}/")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.PENDING_VENDOR
    sent = OutboundMessage.objects.get(kind="vendor")
    assert "13.A2 persists" in sent.text and "ВНУТРЕННЕЕ" not in sent.text

    services.receive_vendor_reply(
        case=case, body="Update the firmware to 2.1.7.", sender="eng@hp.example"
    )
    page.reload()
    thread = page.locator('[data-testid="vc-thread"]')
    assert "2.1.7" in thread.inner_text()
    answer = Entry.objects.get(body_text="Update the firmware to 2.1.7.")
    shot(page, "vendor-case.png")
    with page.expect_navigation():
        page.click(f'[data-testid="share-{answer.pk}"]')
    assert Entry.objects.get(pk=answer.pk).is_public is True
    assert Ticket.objects.get(pk=ticket.pk).tier == desk.tiers[3]

    page.goto(f"{base}/vendors/report/")
    assert desk.vendor.name in page.locator('[data-testid="turnaround"]').inner_text()
