"""What goes to a vendor: the agent's own text, plus entries he quotes on purpose.
Internal notes never travel unless quoted; nothing is added behind the agent's back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils import timezone

from tierdesk.core.errors import InvalidInput
from tierdesk.tickets.models import Entry, EntryKind, Ticket


def quotable_entries(ticket: Ticket) -> list[Entry]:
    """Entries an agent may quote into a vendor message (newest last)."""
    return list(
        Entry.objects.filter(ticket=ticket)
        .exclude(kind=EntryKind.SYSTEM_EVENT)
        .select_related("author_user", "author_contact")
        .order_by("created_at", "pk")[:200]
    )


def default_message(ticket: Ticket) -> str:
    """A starting text for the agent: device facts and the customer's own words (public
    entries only — never internal notes)."""
    lines = [f"Our reference: {ticket.number}", ""]
    device = ticket.device
    if device is not None:
        lines.append(f"Product: {device.model}")
        if device.serial_number:
            lines.append(f"Serial number: {device.serial_number}")
        if device.purchase_date:
            lines.append(f"Purchased: {device.purchase_date.isoformat()}")
        if device.warranty_end:
            lines.append(f"Warranty until: {device.warranty_end.isoformat()}")
        lines.append("")
    for key, value in (ticket.intake_data or {}).items():
        if value not in ("", None):
            lines.append(f"{key.replace('_', ' ').capitalize()}: {value}")
    first = ticket.entries.filter(kind=EntryKind.CUSTOMER_MESSAGE).order_by("pk").first()
    if first is not None and first.body_text.strip():
        lines += ["", "Problem as reported by the customer:", first.body_text.strip()]
    return "\n".join(lines).strip() + "\n"


def _quote(entries: Sequence[Entry]) -> str:
    parts = []
    for entry in entries:
        when = timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M")
        quoted = "\n".join(f"> {line}" for line in entry.body_text.strip().splitlines())
        parts.append(f"--- {entry.get_kind_display()}, {when} ---\n{quoted}")
    return "\n\n".join(parts)


def compose(*, ticket: Ticket, body: str, quote_entry_ids: Iterable[int] = ()) -> str:
    """The text that goes to the vendor: the agent's text plus the entries he chose to quote
    (they must belong to this ticket)."""
    ids = [int(i) for i in quote_entry_ids]
    text = (body or "").strip()
    if not ids:
        return text
    entries = list(
        Entry.objects.filter(ticket=ticket, pk__in=ids)
        .exclude(kind=EntryKind.SYSTEM_EVENT)
        .order_by("created_at", "pk")
    )
    if len(entries) != len(set(ids)):
        raise InvalidInput("Quote only entries of this ticket.", field="quote_entry_ids")
    return f"{text}\n\n{_quote(entries)}".strip()
