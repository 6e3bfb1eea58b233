"""Demo data for billing: time logged on the demo tickets over the last two months (enough
for «Ромашка» to run past its 10 included hours), and a quote waiting for the customer.
Idempotent: nothing is added when time entries exist already."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from tierdesk.accounts.models import User
from tierdesk.billing import services
from tierdesk.billing.models import Quote
from tierdesk.core import clock
from tierdesk.core.errors import DomainError
from tierdesk.tickets.models import Escalation, Status, Ticket, TimeEntry
from tierdesk.tiers.models import Tier

NOTES = [
    "Диагностика по телефону",
    "Разбор журналов",
    "Удалённое подключение, проверка настроек",
    "Переустановка драйвера",
    "Analysis of the crash dump",
    "Обновление прошивки",
]


def load(ctx: dict[str, Any]) -> None:
    if TimeEntry.objects.exists():
        return
    agents = {
        u.tier.level: u
        for u in User.objects.filter(username__in=["l1", "l2", "l3", "l4"]).select_related("tier")
        if u.tier is not None
    }
    if not agents:
        return
    tiers = {t.level: t for t in Tier.objects.all()}
    rnd = random.Random(451)  # demo data, not security
    today = timezone.localdate()
    tickets = list(
        Ticket.objects.exclude(status__in=[Status.SPAM, Status.MERGED, Status.NEW])
        .filter(organization__isnull=False)
        .select_related("tier")
        .order_by("pk")
    )
    for ticket in tickets:
        # one or two entries at each tier the ticket reached, on days after it was opened
        levels = sorted(
            {1}
            | set(
                Escalation.objects.filter(ticket=ticket, to_tier__isnull=False).values_list(
                    "to_tier__level", flat=True
                )
            )
        )
        for level in levels:
            agent = agents.get(level)
            if agent is None:
                continue
            for _ in range(rnd.choice([1, 1, 2])):
                created = timezone.localdate(ticket.created_at)
                day = min(today, created + dt.timedelta(days=rnd.randint(0, 2)))
                moment = timezone.make_aware(
                    dt.datetime.combine(day, dt.time(hour=rnd.randint(10, 17)))
                )
                with clock.as_of(min(moment, timezone.now())):
                    try:
                        services.log_time(
                            ticket=ticket,
                            tier=tiers.get(level),
                            agent=agent,
                            minutes=rnd.choice([15, 20, 30, 45, 60, 90, 120]),
                            note=rnd.choice(NOTES),
                            work_date=day,
                        )
                    except DomainError:
                        continue
    _quote(agents)


def _quote(agents: dict[int, User]) -> None:
    ticket = (
        Ticket.objects.filter(
            organization__name="ООО «Ромашка»", status=Status.OPEN, tier__level__lte=2
        )
        .exclude(quotes__isnull=False)
        .order_by("pk")
        .first()
    )
    upper = Tier.objects.filter(level=3).first()
    agent = agents.get(2) or agents.get(1)
    if ticket is None or upper is None or agent is None or Quote.objects.exists():
        return
    services.create_quote(
        ticket=ticket,
        tier=upper,
        estimated_minutes=180,
        actor=agent,
        note="Анализ дампа памяти и настройка сервера печати специалистом L3",
        send=False,
    )
