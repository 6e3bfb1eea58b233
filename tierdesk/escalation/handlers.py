"""Subscriptions to the SLA module's events: each only enqueues a job (after commit)."""

from __future__ import annotations

from typing import Any

from tierdesk.core.events import subscribe


def on_warning(*, event: str, clock_id: int, **_: Any) -> None:
    from tierdesk.escalation.tasks import sla_warning

    sla_warning.enqueue(clock_id=clock_id)


def on_breach(*, event: str, clock_id: int, **_: Any) -> None:
    from tierdesk.escalation.tasks import sla_breach

    sla_breach.enqueue(clock_id=clock_id)


def on_escalation_due(*, event: str, clock_id: int, **_: Any) -> None:
    from tierdesk.escalation.tasks import auto_escalate

    auto_escalate.enqueue(clock_id=clock_id)


def connect() -> None:
    subscribe("sla.warning", on_warning)
    subscribe("sla.breached", on_breach)
    subscribe("sla.escalation_due", on_escalation_due)
