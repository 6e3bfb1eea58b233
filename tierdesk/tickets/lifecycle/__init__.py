"""The ticket lifecycle (DESIGN §3): the ONLY writer of ``Ticket.status`` and ``Ticket.tier``.

Every public function here is one atomic change: it reloads and locks the ticket, checks the
caller's ``expected_version`` (optimistic concurrency), checks the transition, writes the change,
its audit event and its timeline entry, moves the SLA clocks, and publishes a domain event after
commit. Views, API handlers, mail handlers and jobs call these functions; none of them assigns
status or tier themselves (a test fails the build if one does).

Callers import from this package; the modules split it by sub-domain:

| module | what |
|---|---|
| ``_base`` | the transition table, ``Handoff``, priority, numbering, lock/audit/status helpers |
| ``messages`` | create a ticket, customer messages, replies, notes, events, sharing, CSAT |
| ``assignment`` | assign, take, cross-tier reassignment (supervisors), details and intake |
| ``status`` | change status, resolve, reopen, close, auto-close, merge |
| ``escalation`` | escalate (up, skip, down, auto_sla), accept, paid-work approvals |
| ``vendor`` | waiting for a vendor, the vendor's messages, what was sent to it |
"""

from tierdesk.tickets.lifecycle._base import (
    RESOLUTION_CODES,
    TRANSITIONS,
    Handoff,
    format_number,
    priority_for,
)
from tierdesk.tickets.lifecycle.assignment import (
    assign,
    reassign_across_tiers,
    take,
    update_details,
)
from tierdesk.tickets.lifecycle.escalation import (
    accept_escalation,
    escalate,
    has_work_approval,
    record_work_approval,
)
from tierdesk.tickets.lifecycle.messages import (
    add_customer_message,
    add_note,
    create_ticket,
    record_csat,
    record_event,
    reply,
    share_entry_with_customer,
)
from tierdesk.tickets.lifecycle.status import (
    auto_close_resolved,
    change_status,
    close,
    merge,
    reopen,
    resolve,
)
from tierdesk.tickets.lifecycle.vendor import (
    add_vendor_message,
    add_vendor_outbound,
    send_to_vendor,
)

__all__ = [
    "RESOLUTION_CODES",
    "TRANSITIONS",
    "Handoff",
    "accept_escalation",
    "add_customer_message",
    "add_note",
    "add_vendor_message",
    "add_vendor_outbound",
    "assign",
    "auto_close_resolved",
    "change_status",
    "close",
    "create_ticket",
    "escalate",
    "format_number",
    "has_work_approval",
    "merge",
    "priority_for",
    "reassign_across_tiers",
    "record_csat",
    "record_event",
    "record_work_approval",
    "reopen",
    "reply",
    "resolve",
    "send_to_vendor",
    "share_entry_with_customer",
    "take",
    "update_details",
]
