"""Screenshots of the agent workspace (queue and ticket page, ru and en) for the README.

Runs against the demo data; writes docs/screenshots/agent-*.png only when
TIERDESK_SCREENSHOTS=1 (otherwise skipped):

    TIERDESK_SCREENSHOTS=1 .venv/bin/pytest -q -p no:xdist tests/browser/test_agent_screenshots.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from tierdesk.accounts.models import User
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import EntryKind, Ticket

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
HIDE_POPUP = "#caller-popup { display: none !important; }"


def _login(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/agent/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    with page.expect_navigation():
        page.click("form:has(input[name=password]) button[type=submit]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(os.environ.get("TIERDESK_SCREENSHOTS") != "1", reason="TIERDESK_SCREENSHOTS=1")
def test_agent_screenshots(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    call_command("demo")
    OUT.mkdir(parents=True, exist_ok=True)
    # an escalated L2 ticket with a hand-off, replies and internal notes
    ticket = (
        Ticket.objects.filter(tier__level=2, status__in=["open", "pending_customer"])
        .annotate(
            notes=Count("entries", filter=Q(entries__kind=EntryKind.INTERNAL_NOTE)),
            replies=Count("entries", filter=Q(entries__kind=EntryKind.PUBLIC_REPLY)),
            ups=Count("escalations", distinct=True),
        )
        .filter(notes__gt=0, replies__gt=0, ups__gt=0, category__isnull=False)
        .order_by("-ups", "-notes", "pk")
        .first()
    )
    assert ticket is not None
    for language in ("ru", "en"):
        User.objects.filter(username__in=["l1", "l2"]).update(language=language)
        queue = new_page(locale="ru-RU" if language == "ru" else "en-US")
        _login(queue, live_server.url, "l1")
        queue.add_style_tag(content=HIDE_POPUP)
        queue.locator('[data-testid="queue-table"] tr[data-ticket]').first.wait_for()
        queue.screenshot(path=str(OUT / f"agent-queue-{language}.png"))

        page = new_page(locale="ru-RU" if language == "ru" else "en-US")
        _login(page, live_server.url, "l2")
        page.goto(f"{live_server.url}/agent/tickets/{ticket.pk}/")
        page.add_style_tag(content=HIDE_POPUP)
        page.locator('[data-testid="timeline"]').wait_for()
        page.screenshot(path=str(OUT / f"agent-ticket-{language}.png"), full_page=True)
        if language == "en":
            page.click('[data-testid="open-escalate"]')
            page.locator('[data-testid="escalate-dialog"]').wait_for()
            page.screenshot(path=str(OUT / "agent-escalate-en.png"))
    # a stale form: someone changed the ticket while l1 was writing
    User.objects.filter(username="l1").update(language="ru")
    fresh = Ticket.objects.filter(tier__level=1, status="new").order_by("-pk").first()
    assert fresh is not None
    page = new_page(locale="ru-RU")
    _login(page, live_server.url, "l1")
    page.goto(f"{live_server.url}/agent/tickets/{fresh.pk}/")
    supervisor = User.objects.get(username="supervisor")
    lifecycle.update_details(ticket=fresh, actor=supervisor, impact=1, urgency=1)
    lifecycle.assign(ticket=fresh, actor=supervisor, assignee=User.objects.get(username="l1"))
    page.fill("#id_body", "Добрый день! Проверьте, пожалуйста, питание устройства.")
    with page.expect_navigation():
        page.click('[data-testid="send"]')
    page.add_style_tag(content=HIDE_POPUP)
    assert page.locator('[data-testid="conflict"]').is_visible()
    page.screenshot(path=str(OUT / "agent-conflict-ru.png"))
    for name in ("queue-ru", "queue-en", "ticket-ru", "ticket-en", "escalate-en", "conflict-ru"):
        assert (OUT / f"agent-{name}.png").stat().st_size > 10_000
