"""Domain errors as the agent reads them: translated where we know the case, the domain's own
message otherwise (it is always safe to show)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tierdesk.core.errors import (
    ApprovalRequired,
    ConflictError,
    DomainError,
    InvalidInput,
    InvalidTransition,
    NotPermitted,
)
from tierdesk.tickets.models import Entitlement, Status


def _status_label(value: Any) -> str:
    try:
        return str(Status(value).label)
    except ValueError:
        return str(value)


def user_message(exc: DomainError, *, field_labels: dict[str, str] | None = None) -> str:
    """A message for the agent in his language."""
    details = exc.details
    field = details.get("field")
    if isinstance(exc, ConflictError):
        return _(
            "Someone else changed this ticket after you opened it. Their changes are shown "
            "below; nothing of yours was saved. Your input is kept: check it and submit again."
        )
    if isinstance(exc, ApprovalRequired):
        entitlement = details.get("entitlement")
        if entitlement:
            try:
                label = Entitlement(entitlement).label
            except ValueError:
                label = entitlement
            return _(
                "Work at the chosen tier is not covered (%(entitlement)s). It needs the "
                "customer's approval or a supervisor's override."
            ) % {"entitlement": label}
        return _(
            "This move needs a supervisor's approval (it skips a tier or enters a tier "
            "that requires approval). Ask a supervisor to escalate it."
        )
    if isinstance(exc, InvalidTransition) and details.get("from_status"):
        return _("A ticket cannot go from %(old)s to %(new)s.") % {
            "old": _status_label(details["from_status"]),
            "new": _status_label(details.get("to_status")),
        }
    if isinstance(exc, InvalidInput):
        fields = details.get("fields")
        if isinstance(fields, list) and fields and field_labels is not None and not field:
            names = ", ".join(str(field_labels.get(name, name)) for name in fields)
            if exc.message.startswith("Fill the required intake fields"):
                return _("Fill the required intake fields before escalating: %(fields)s") % {
                    "fields": names
                }
            return _("Check these fields: %(fields)s") % {"fields": names}
        known = {
            "problem": _("The hand-off needs a problem statement."),
            "tried": _(
                "The hand-off must say what data was collected, what diagnostics were done "
                "or what was tried."
            ),
            "reason": _("A de-escalation needs instructions for the lower tier."),
            "body": _("Write some text."),
            "subject": _("A ticket needs a subject."),
        }
        if field in known:
            return known[field]
        if field == "assignee" and "another tier" in exc.message:
            return _(
                "The agent or team works at another tier: escalate or de-escalate the ticket "
                "to that tier first."
            )
    if isinstance(exc, NotPermitted):
        return _("You may not do this: %(reason)s") % {"reason": exc.message}
    return exc.message
