from __future__ import annotations

from decimal import Decimal

import pytest

from tierdesk.billing import selectors, services
from tierdesk.billing.models import QuoteStatus
from tierdesk.tickets.models import WorkApproval


@pytest.mark.django_db
def test_log_time_and_quote_roundtrip(desk, client):  # type: ignore[no-untyped-def]
    t = desk.ticket()
    entry = services.log_time(ticket=t, agent=desk.agents[1], minutes=30, note="diagnosis")
    assert entry.tier == desk.tiers[1]
    assert entry.billing_rate == Decimal("2000")
    assert entry.charge.basis in {"included", "warranty"}
    quote = services.create_quote(
        ticket=t, tier=desk.tiers[3], estimated_minutes=90, actor=desk.agents[1]
    )
    assert quote.amount == Decimal("9000.00")
    assert selectors.pending_quotes(t) == [quote]
    link = f"/billing/q/{selectors.quote_link_token(quote)}/"
    assert client.get(link).status_code == 200
    assert client.get(link[:-3] + "xx/").status_code == 404
    response = client.post(link, {"action": "approve"})
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED
    assert WorkApproval.objects.filter(ticket=t, tier=desk.tiers[3], kind="customer").exists()
    assert selectors.pending_quotes(t) == []
