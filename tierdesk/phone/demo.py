"""Demo phone data: a telephony integration (its token is printed once by
``tierdesk cti token rotate "Demo PBX"`` when you need it), agents' extensions, a day of calls
from the demo contacts — answered, filed on tickets, missed ones in the call-back queue — and
one call ringing for l1 right now so the caller pop-up shows in the workspace.

Idempotent: nothing is added when the demo integration exists.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from tierdesk.accounts.models import User
from tierdesk.core import clock
from tierdesk.customers.models import Contact
from tierdesk.phone import services
from tierdesk.phone.cti import parse_event
from tierdesk.phone.models import AgentLine, Call, CtiIntegration
from tierdesk.tickets.models import OPEN_STATUSES, Ticket

NAME = "Demo PBX"
OFFICE = "+74957800000"


def load(ctx: dict[str, Any]) -> None:
    if CtiIntegration.objects.filter(name=NAME).exists():
        return
    integration, _token = services.create_integration(name=NAME)
    agents: dict[int, User] = ctx.get("agents") or {
        u.tier.level: u
        for u in User.objects.filter(username__startswith="l", tier__isnull=False)
        if u.tier is not None
    }
    for level, agent in sorted(agents.items()):
        AgentLine.objects.get_or_create(number=str(200 + level), defaults={"agent": agent})
    contacts = [c for c in Contact.objects.exclude(phone="").order_by("pk")]
    if not contacts or 1 not in agents:
        return
    rnd = random.Random(20261126)
    l1 = agents[1]
    now = timezone.now()

    def send(**data: Any) -> Call:
        return services.record_cti_event(integration=integration, event=parse_event(data))

    # yesterday and today: answered calls (some filed on the caller's open ticket) and misses
    plans = ["answered"] * 9 + ["noAnswer", "cancel", "busy", "noAnswer"]
    for n, plan in enumerate(plans):
        contact = contacts[n % len(contacts)]
        call_id = f"demo-{n + 1:04d}"
        moment = now - dt.timedelta(hours=30 - n * 2, minutes=rnd.randint(0, 50))
        common = {"callId": call_id, "from": contact.phone, "to": OFFICE, "direction": "in"}
        with clock.as_of(moment):
            send(event="newCall", user=[l1.username], queue="L1", **common)
        if plan == "answered":
            with clock.as_of(moment + dt.timedelta(seconds=rnd.randint(5, 25))):
                send(event="answer", user=[l1.username], answeringNumber="201", **common)
            with clock.as_of(moment + dt.timedelta(minutes=rnd.randint(2, 12))):
                call = send(event="hangup", cause="normalClearing", **common)
            ticket = (
                Ticket.objects.filter(requester=contact, status__in=OPEN_STATUSES)
                .order_by("-updated_at")
                .first()
            )
            if ticket is not None and n % 2 == 0:
                services.attach_call_to_ticket(
                    call=call,
                    ticket=ticket,
                    actor=l1,
                    note="Клиент уточнил симптомы по телефону.",
                )
        else:
            with clock.as_of(moment + dt.timedelta(seconds=40)):
                send(event="hangup", cause=plan, **common)
    # a call ringing for l1 now (the pop-up) — it stops popping up after a few hours
    caller = contacts[0]
    send(
        event="newCall",
        callId="demo-ringing",
        to=OFFICE,
        direction="in",
        user=[l1.username],
        queue="L1",
        **{"from": caller.phone},
    )
    ctx["calls"] = Call.objects.count()
