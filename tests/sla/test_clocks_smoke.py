from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from tests.sla.conftest import make_policy
from tierdesk.sla.selectors import clocks_for_ticket

MSK = zoneinfo.ZoneInfo("Europe/Moscow")


@pytest.mark.django_db
def test_ticket_gets_clocks(desk, office):  # type: ignore[no-untyped-def]
    make_policy(desk, calendar=office)
    with time_machine.travel(dt.datetime(2025, 3, 4, 16, 0, tzinfo=MSK), tick=False):
        t = desk.ticket()
        rows = {r.kind: r for r in clocks_for_ticket(t)}
    assert rows["first_response"].due_at == dt.datetime(2025, 3, 5, 11, 0, tzinfo=MSK)
    assert rows["resolution"].due_at == dt.datetime(2025, 3, 6, 14, 0, tzinfo=MSK)
