"""Jobs of the escalation app: SLA notifications and the automatic escalation.

Each takes a clock id, reloads, and does its work at most once per clock (``SlaAlert``).
"""

from __future__ import annotations

from django_tasks import task

from tierdesk.escalation import services


@task(queue_name="sla")
def sla_warning(clock_id: int) -> str:
    """Tell the assignee (or, if nobody has the ticket, the team) that a target is near."""
    return services.notify_warning(clock_id=clock_id)


@task(queue_name="sla")
def sla_breach(clock_id: int) -> str:
    """Tell the team's supervisor, in the app and by e-mail, that a target was breached."""
    return services.notify_breach(clock_id=clock_id)


@task(queue_name="sla")
def auto_escalate(clock_id: int) -> str:
    """Escalate one tier (kind ``auto_sla``) when a response target stays breached past the
    grace period. Does nothing if the tier answered or the ticket moved meanwhile."""
    return services.auto_escalate(clock_id=clock_id)
