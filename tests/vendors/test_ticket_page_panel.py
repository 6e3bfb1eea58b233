"""The agent's ticket page shows the vendor cases and lets an agent share a vendor's answer."""

from __future__ import annotations

import pytest

from tests.factories import handoff
from tests.vendors.helpers import at_tier
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import Entry


@pytest.mark.django_db
def test_ticket_page_has_vendor_panel_and_share_button(desk, client):  # type: ignore[no-untyped-def]
    ticket = at_tier(desk, 3)
    client.force_login(desk.agents[3])
    page = client.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert 'data-testid="vendor-panel"' in page
    assert f"/vendors/open/{ticket.pk}/" in page

    lifecycle.send_to_vendor(
        ticket=ticket, actor=desk.agents[3], vendor_name="HP", handoff=handoff()
    )
    answer = lifecycle.add_vendor_message(ticket=ticket, body="Replace the fuser", vendor_name="HP")
    page = client.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert f"/vendors/entries/{answer.pk}/share/" in page

    response = client.post(f"/vendors/entries/{answer.pk}/share/", {"next": "//evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == f"/agent/tickets/{ticket.pk}/"
    assert Entry.objects.get(pk=answer.pk).is_public is True
    page = client.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert f"/vendors/entries/{answer.pk}/share/" not in page


@pytest.mark.django_db
def test_l1_sees_no_open_vendor_case_button(desk, client):  # type: ignore[no-untyped-def]
    ticket = desk.ticket()
    client.force_login(desk.agents[1])
    page = client.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert 'data-testid="vendor-panel"' in page
    assert f"/vendors/open/{ticket.pk}/" not in page
