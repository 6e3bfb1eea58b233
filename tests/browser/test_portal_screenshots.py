"""Screenshots of the customer portal, the knowledge base and the forum for the README.

Runs against the demo data; writes docs/screenshots/portal-*.png and kb-*.png only when
TIERDESK_SCREENSHOTS=1 (otherwise skipped):

    TIERDESK_SCREENSHOTS=1 .venv/bin/pytest -q -p no:xdist tests/browser/test_portal_screenshots.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from tierdesk.kb.models import Article
from tierdesk.tickets.models import EntryKind, Status, Ticket

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1360, "height": 860}


def _sign_in(page, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/portal/login/")
    page.fill("#id_email", email)
    page.fill("#id_password", "demo")
    with page.expect_navigation():
        page.click(".auth-box button[type=submit]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(os.environ.get("TIERDESK_SCREENSHOTS") != "1", reason="TIERDESK_SCREENSHOTS=1")
def test_portal_screenshots(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    call_command("demo")
    OUT.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    shots: list[str] = []

    def shot(page, name: str, full: bool = True) -> None:  # type: ignore[no-untyped-def]
        page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)
        shots.append(name)

    # ---- public knowledge base (anonymous), Russian and English
    kb = new_page(locale="ru-RU", viewport=VIEWPORT)
    kb.goto(f"{base}/kb/")
    shot(kb, "kb-index-ru", full=False)
    kb.goto(f"{base}/kb/?q=принтер+не+печатает")
    shot(kb, "kb-search-ru")
    printer = Article.objects.get(title__startswith="Принтер перестал печатать")
    kb.goto(f"{base}/kb/{printer.pk}/")
    shot(kb, "kb-article-ru")
    kb_en = new_page(locale="en-US", viewport=VIEWPORT)
    kb_en.goto(f"{base}/kb/?q=printing+blank+pages")
    shot(kb_en, "kb-search-en")

    # ---- the portal: a manager of the organisation
    page = new_page(locale="ru-RU", viewport=VIEWPORT)
    page.goto(f"{base}/portal/login/")
    shot(page, "portal-sign-in-ru", full=False)
    _sign_in(page, base, "boris@demo.example")
    page.goto(f"{base}/portal/?scope=org")
    shot(page, "portal-requests-ru")
    page.goto(f"{base}/portal/new/")
    shot(page, "portal-new-category-ru", full=False)
    category = printer.categories.get()
    page.goto(f"{base}/portal/new/{category.pk}/")
    page.locator("#id_subject").press_sequentially("Принтер не печатает", delay=15)
    page.fill("#id_description", "С утра задания висят в очереди, на принтере оранжевый индикатор.")
    page.locator('[data-testid="suggestions"] a.title').first.wait_for()
    page.select_option("#id_device", index=1)
    page.select_option("#id_urgency", "1")
    page.locator("#id_subject").focus()
    shot(page, "portal-new-request-ru")
    resolved = (
        Ticket.objects.filter(
            organization__name="ООО «Ромашка»", status=Status.RESOLVED, csat_score__isnull=True
        )
        .filter(entries__kind=EntryKind.PUBLIC_REPLY)
        .order_by("-pk")
        .first()
    )
    assert resolved is not None
    page.goto(f"{base}/portal/tickets/{resolved.number}/")
    page.click('label[for="score-4"]')
    shot(page, "portal-ticket-ru")

    # ---- English: a customer's requests and the community
    en = new_page(locale="en-US", viewport=VIEWPORT)
    _sign_in(en, base, "anna@demo.example")
    en.click("form.lang-switch button[value=en]")
    en.wait_for_load_state()
    shot(en, "portal-requests-en", full=False)
    en.goto(f"{base}/forum/")
    shot(en, "portal-forum-en", full=False)
    topic_page = new_page(locale="ru-RU", viewport=VIEWPORT)
    topic_page.goto(f"{base}/forum/")
    topic_page.click(".topic-row a.subject >> nth=1")
    shot(topic_page, "portal-forum-topic-ru")
    for name in shots:
        assert (OUT / f"{name}.png").stat().st_size > 10_000, name
