from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tierdesk.sla.models import SlaClock
from tierdesk.tickets.models import Ticket


@pytest.mark.django_db
def test_bench_sla_runs_small_and_cleans_up():  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("bench_sla", "300", "600", "--due", "50", "--rounds", "1", stdout=out)
    text = out.getvalue()
    assert "| 600 |" in text and "per clock" in text
    assert "sla_clock_next_check" in text  # the due clocks are found through the index
    assert not Ticket.objects.filter(number__startswith="BENCH-").exists()
    assert not SlaClock.objects.exists()
