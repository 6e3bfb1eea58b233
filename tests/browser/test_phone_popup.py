"""The caller pop-up in a real browser (Debian Chromium through Playwright), driven by real
CTI events over HTTP: the PBX reports an inbound call for l1, the pop-up appears in l1's
workspace with the caller, his organisation and open ticket; l1 files the call as a ticket;
the hangup makes the pop-up go away. l2, not rung, never sees it.

Set TIERDESK_SCREENSHOTS=1 to write docs/screenshots/phone-popup.png (owned by the phone app).
"""

from __future__ import annotations

import json
import os
import re
import urllib.request
from pathlib import Path

import pytest

from tests import factories
from tierdesk.phone import services
from tierdesk.phone.models import Call
from tierdesk.tickets.models import Ticket

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def cti(base: str, token: str, **payload: object) -> int:
    request = urllib.request.Request(
        f"{base}/api/v1/cti/{token}",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.status)


def sign_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/agent/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_url(re.compile(r".*/agent/.*"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_caller_popup_follows_the_pbx(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    desk = factories.make_desk()
    desk.contact.phone = "+74951234567"
    desk.contact.save()
    open_ticket = desk.ticket(subject="Сканер не отправляет на почту")
    _, token = services.create_integration(name="Asterisk")
    base = live_server.url

    l1 = new_page()
    sign_in(l1, base, "l1")
    l2 = new_page()
    sign_in(l2, base, "l2")
    popup = l1.locator('[data-testid="caller-popup"]')
    assert popup.count() == 0

    call = {"callId": "pbx-42", "from": "74951234567", "to": "74957800000", "direction": "in"}
    assert cti(base, token, event="newCall", user=["l1"], queue="support", **call) == 200
    popup.wait_for(timeout=15000)  # polled every 4 s
    text = popup.inner_text()
    assert "Анна" in text and desk.org.name in text and open_ticket.number in text
    if os.environ.get("TIERDESK_SCREENSHOTS"):
        OUT.mkdir(parents=True, exist_ok=True)
        l1.screenshot(path=str(OUT / "phone-popup.png"))
    l2.wait_for_timeout(5000)
    assert l2.locator('[data-testid="caller-popup"]').count() == 0

    assert cti(base, token, event="answer", user=["l1"], **call) == 200
    with l1.expect_navigation():
        popup.get_by_role("link", name=re.compile("ticket|заявк", re.I)).first.click()
    l1.wait_for_url(re.compile(r".*/phone/calls/\d+/"))
    form = l1.locator('[data-testid="file-form"]')
    form.locator("textarea[name=body]").fill("Клиент: сканер не отправляет письма с утра.")
    form.locator("input[name=subject]").fill("Сканер не отправляет письма")
    with l1.expect_navigation():
        form.locator("button[type=submit]").click()
    ticket = Ticket.objects.get(subject="Сканер не отправляет письма")
    l1.wait_for_url(f"**/agent/tickets/{ticket.pk}/")
    assert ticket.channel == "phone" and ticket.requester == desk.contact
    assert Call.objects.get(call_id="pbx-42").ticket == ticket

    assert cti(base, token, event="hangup", cause="normalClearing", **call) == 200
    l1.locator('[data-testid="caller-popup"]').wait_for(state="detached", timeout=15000)
