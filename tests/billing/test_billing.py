"""Billing arithmetic through the services: rates changing mid-month, included hours running
out mid-ticket, supervisor override vs customer approval, statement page / CSV / PDF."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from tests.factories import handoff
from tierdesk.billing import exports, rules, selectors, services
from tierdesk.billing.models import Basis, QuoteStatus, TimeCharge
from tierdesk.billing.statement import build_statement
from tierdesk.core.errors import ApprovalRequired, InvalidInput, InvalidTransition, NotPermitted
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import TimeEntry

NOW = dt.datetime(2026, 5, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def may(desk):  # type: ignore[no-untyped-def]
    """The desk in May 2026; the plan covers L1–L2 with 10 included hours a month."""
    desk.contract.starts_on = dt.date(2026, 1, 1)
    desk.contract.ends_on = None
    desk.contract.save()
    desk.plan.included_hours_per_month = Decimal("10")
    desk.plan.save()
    with time_machine.travel(NOW, tick=False):
        yield desk


def ready(desk, **kwargs):  # type: ignore[no-untyped-def]
    return desk.ticket(intake_data={"device_model": "LaserJet"}, **kwargs)


def day(n: int) -> dt.date:
    return dt.date(2026, 5, n)


# ---------------------------------------------------------------- pure rules


def test_rules_split_and_round():
    assert rules.amount_for(50, Decimal("1999.99")) == Decimal("1666.66")
    assert rules.amount_for(1, Decimal("100")) == Decimal("1.67")  # half up
    split = rules.split_minutes(
        minutes=90,
        entitlement="contract",
        included_cap_minutes=600,
        included_used_minutes=570,
        customer_approved=False,
        override_only=False,
    )
    assert (split.basis, split.included_minutes, split.billable_minutes) == ("billable", 30, 60)
    no_cap = rules.split_minutes(
        minutes=90,
        entitlement="contract",
        included_cap_minutes=None,
        included_used_minutes=10_000,
        customer_approved=False,
        override_only=False,
    )
    assert no_cap.included_minutes == 90
    with pytest.raises(ValueError):
        rules.split_minutes(
            minutes=0,
            entitlement="billable",
            included_cap_minutes=None,
            included_used_minutes=0,
            customer_approved=True,
            override_only=False,
        )


# ---------------------------------------------------------------- through the services


@pytest.mark.django_db
def test_rate_change_mid_month_keeps_old_entries(may):  # type: ignore[no-untyped-def]
    desk = may
    desk.org.billing_allowed = True
    desk.org.save()
    desk.contract.delete()  # paid support only: every minute is billable
    t = ready(desk)
    first = services.log_time(ticket=t, agent=desk.agents[1], minutes=60, work_date=day(5))
    tier = desk.tiers[1]
    tier.billing_rate = Decimal("3000")
    tier.cost_rate = Decimal("1500")
    tier.save()
    second = services.log_time(ticket=t, agent=desk.agents[1], minutes=30, work_date=day(6))
    first.refresh_from_db()
    assert first.billing_rate == Decimal("2000") and first.charge.amount == Decimal("2000.00")
    assert second.billing_rate == Decimal("3000") and second.charge.amount == Decimal("1500.00")
    assert second.charge.cost == Decimal("750.00")
    st = build_statement(organization=desk.org, month=day(1))
    assert st.amount == Decimal("3500.00")
    assert st.billable_minutes == 90 and st.minutes == 90


@pytest.mark.django_db
def test_included_hours_run_out_mid_ticket(may):  # type: ignore[no-untyped-def]
    desk = may
    a = ready(desk)
    b = ready(desk)
    services.log_time(ticket=a, agent=desk.agents[1], minutes=540, work_date=day(4))  # 9 h
    split = services.log_time(ticket=b, agent=desk.agents[1], minutes=90, work_date=day(5))
    assert split.charge.included_minutes == 60
    assert split.charge.billable_minutes == 30
    assert split.charge.basis == Basis.BILLABLE
    assert split.charge.amount == Decimal("1000.00")  # 30 min × 2000/h
    assert "used up" in split.charge.reason
    assert split.billable
    after = services.log_time(ticket=b, agent=desk.agents[1], minutes=15, work_date=day(6))
    assert after.charge.included_minutes == 0 and after.charge.billable_minutes == 15
    assert "used up" in after.charge.reason
    with time_machine.travel(dt.datetime(2026, 6, 2, 9, tzinfo=dt.UTC), tick=False):
        late = services.log_time(ticket=b, agent=desk.agents[1], minutes=15, work_date=day(31))
        assert late.charge.included_minutes == 0  # logged in June for work done in May
        # a new month brings new included hours
        new = services.log_time(ticket=b, agent=desk.agents[1], minutes=15)
    assert new.charge.basis == Basis.INCLUDED and new.charge.included_minutes == 15
    st = build_statement(organization=desk.org, month=day(1))
    assert st.included_minutes == 600
    assert st.billable_minutes == 30 + 15 + 15
    assert st.amount == Decimal("2000.00")


@pytest.mark.django_db
def test_entitlement_on_escalation_sees_the_hours_are_used_up(may):  # type: ignore[no-untyped-def]
    desk = may
    t = ready(desk)
    services.log_time(ticket=t, agent=desk.agents[1], minutes=600, work_date=day(20))
    other = ready(desk)
    with pytest.raises(ApprovalRequired, match="used up"):
        lifecycle.escalate(
            ticket=other, actor=desk.agents[1], to_tier=desk.tiers[2], handoff=handoff()
        )


@pytest.mark.django_db
def test_override_waives_and_approval_bills(may):  # type: ignore[no-untyped-def]
    desk = may
    # L3 is beyond the contract (covers L1–L2): paid work
    approved = ready(desk)
    quote = services.create_quote(
        ticket=approved, tier=desk.tiers[3], estimated_minutes=120, actor=desk.agents[1]
    )
    assert quote.amount == Decimal("12000.00")  # 2 h × 6000
    services.approve_quote(quote=quote, contact=desk.contact)
    lifecycle.escalate(
        ticket=approved, actor=desk.supervisor, to_tier=desk.tiers[3], handoff=handoff()
    )
    billed = services.log_time(ticket=approved, agent=desk.agents[3], minutes=60)
    assert billed.charge.basis == Basis.BILLABLE
    assert billed.charge.amount == Decimal("6000.00")

    overridden = ready(desk)
    services.override_approval(
        ticket=overridden, tier=desk.tiers[3], actor=desk.supervisor, note="P1 outage"
    )
    lifecycle.escalate(
        ticket=overridden, actor=desk.supervisor, to_tier=desk.tiers[3], handoff=handoff()
    )
    waived = services.log_time(ticket=overridden, agent=desk.agents[3], minutes=60)
    assert waived.charge.basis == Basis.WAIVED
    assert waived.charge.amount == Decimal("0.00") and not waived.billable
    assert waived.charge.cost == Decimal("3000.00")
    with pytest.raises(NotPermitted):
        services.override_approval(
            ticket=overridden, tier=desk.tiers[3], actor=desk.agents[2], note="x"
        )
    st = build_statement(organization=desk.org, month=day(1))
    assert st.amount == Decimal("6000.00")
    assert st.free_minutes == 60


@pytest.mark.django_db
def test_warranty_and_not_covered_are_free(may):  # type: ignore[no-untyped-def]
    desk = may
    w = ready(desk, device=desk.device_in_warranty)
    entry = services.log_time(ticket=w, agent=desk.agents[1], minutes=45)
    assert entry.charge.basis == Basis.WARRANTY and entry.charge.free_minutes == 45
    desk.other_org.billing_allowed = False
    desk.other_org.save()
    nc = desk.ticket(requester=desk.other_contact, category=None)
    entry = services.log_time(ticket=nc, agent=desk.agents[1], minutes=20)
    assert entry.charge.basis == Basis.NOT_COVERED and entry.charge.amount == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kwargs,error",
    [
        ({"minutes": 0}, InvalidInput),
        ({"minutes": 24 * 60 + 1}, InvalidInput),
        ({"minutes": "30"}, InvalidInput),
        ({"minutes": 30, "work_date": dt.date(2026, 5, 21)}, InvalidInput),
    ],
)
def test_bad_time_entries_write_nothing(may, kwargs, error):  # type: ignore[no-untyped-def]
    t = ready(may)
    with pytest.raises(error):
        services.log_time(ticket=t, agent=may.agents[1], **kwargs)
    with pytest.raises(NotPermitted):
        services.log_time(ticket=t, agent=may.contact.user, minutes=5)
    assert TimeEntry.objects.count() == 0 and TimeCharge.objects.count() == 0


@pytest.mark.django_db
def test_quote_mail_link_and_decisions(may, client, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    desk = may
    t = ready(desk)
    with django_capture_on_commit_callbacks(execute=True):
        quote = services.create_quote(
            ticket=t, tier=desk.tiers[3], estimated_minutes=90, actor=desk.agents[1], note="Board"
        )
    sent = [m for m in mail.outbox if desk.contact.email in m.to]
    assert len(sent) == 1
    link = selectors.quote_link_token(quote)
    assert link in sent[0].body and "9000.00" in sent[0].body
    # a second quote for the same tier withdraws the first
    newer = services.create_quote(
        ticket=t, tier=desk.tiers[3], estimated_minutes=60, actor=desk.agents[1]
    )
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.WITHDRAWN
    assert selectors.pending_quotes(t) == [newer]
    # the old link shows the quote but it cannot be approved any more
    response = client.post(f"/billing/q/{link}/", {"action": "approve"}, follow=True)
    body = response.content.decode()
    assert 'id="quote-status">Отозвано<' in body  # Russian is the default language
    assert "already withdrawn" in body
    # another customer cannot decide it
    with pytest.raises(NotPermitted):
        services.approve_quote(quote=newer, contact=desk.other_contact)
    # a tampered link is unknown
    assert client.get(f"/billing/q/{link[:-2]}zz/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_quote(quote=newer, contact=desk.contact, reason="Too expensive")
    newer.refresh_from_db()
    assert newer.status == QuoteStatus.DECLINED
    with pytest.raises(InvalidTransition):
        services.approve_quote(quote=newer, contact=desk.contact)
    notes = desk.agents[1].notifications.filter(kind="quote_declined")
    assert notes.count() == 1


@pytest.mark.django_db
def test_quotes_expire(may):  # type: ignore[no-untyped-def]
    desk = may
    t = ready(desk)
    quote = services.create_quote(
        ticket=t, tier=desk.tiers[3], estimated_minutes=60, actor=desk.agents[1], valid_days=1
    )
    with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
        assert selectors.pending_quotes(t) == []
        with pytest.raises(InvalidTransition, match="expired"):
            services.approve_quote(quote=quote, contact=desk.contact)
        # the refused attempt wrote nothing; the periodic job marks it
        assert services.expire_quotes() == 1
        quote.refresh_from_db()
        assert quote.status == QuoteStatus.EXPIRED


@pytest.mark.django_db
def test_statement_page_csv_and_pdf(may, client, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    desk = may
    for minutes in (30, 45, 600):
        services.log_time(ticket=ready(desk), agent=desk.agents[1], minutes=minutes, note="ok")
    client.force_login(desk.agents[1])
    url = f"/billing/statement/{desk.org.pk}/2026-05/"
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Принтер не печатает" in body and 'id="statement-total"' in body
    csv_response = client.get(f"/billing/statement/{desk.org.pk}/2026-05.csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode())))
    assert rows[0][:3] == ["ticket", "subject", "date"]
    assert rows[-1][0] == "TOTAL" and rows[-1][10] == "2500.00"  # 75 min over the 10 h
    pdf = client.get(f"/billing/statement/{desk.org.pk}/2026-05.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # without a Unicode font the PDF still renders (Cyrillic transliterated)
    st = build_statement(organization=desk.org, month=day(1))
    assert exports.to_pdf(st, font_path=None).startswith(b"%PDF")
    assert exports._latin("Принтер «Ромашка»") == 'Printer "Romashka"'
    # customers and anonymous visitors do not see statements
    client.logout()
    assert client.get(url).status_code == 302
    assert client.get(f"/billing/statement/{desk.org.pk}/2026-13/").status_code == 302
    client.force_login(desk.agents[1])
    assert client.get(f"/billing/statement/{desk.org.pk}/2026-13/").status_code == 404


def test_contract_beyond_its_tiers_without_paid_support_is_not_covered():
    from tierdesk.contracts.entitlement import ContractFacts, Kind, decide

    facts = ContractFacts(
        id=1,
        label="NW-1",
        starts_on=dt.date(2026, 1, 1),
        ends_on=None,
        covered_up_to_level=1,
        channels=[],
        included_left_minutes=0,
    )
    common = {
        "on": dt.date(2026, 5, 5),
        "channel": "email",
        "device": None,
        "category_covered_by_warranty": True,
        "contracts": [facts],
    }
    used_up = decide(tier_level=1, billing_allowed=False, **common)
    assert used_up.kind == Kind.NOT_COVERED and "used up" in used_up.reason
    assert decide(tier_level=2, billing_allowed=True, **common).kind == Kind.BILLABLE
    assert decide(tier_level=2, billing_allowed=False, **common).kind == Kind.NOT_COVERED
