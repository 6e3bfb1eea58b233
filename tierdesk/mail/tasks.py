"""Background jobs of the e-mail channel. Jobs take ids, reload, and are idempotent."""

from __future__ import annotations

import logging

from django_tasks import task

from tierdesk.core.jobs import retry_later
from tierdesk.core.scheduling import periodic
from tierdesk.mail import outbound

log = logging.getLogger(__name__)


@task(queue_name="mail")
def send_outbound_message(outbound_id: int, attempt: int = 1) -> str:
    """Send one OutboundMessage. A temporary failure (SMTP down, 4xx) is retried with
    exponential backoff (30 s … 1 h, up to ``outbound.MAX_ATTEMPTS``); where the task backend
    cannot schedule a later run, the periodic sweep re-enqueues the message when it is due."""
    state = outbound.deliver(outbound_id)
    if state == "queued":
        backend = send_outbound_message.get_backend()
        if backend.supports_defer:
            retry_later(
                send_outbound_message,
                attempt=attempt,
                max_attempts=outbound.MAX_ATTEMPTS,
                outbound_id=outbound_id,
            )
    return state


@task(queue_name="mail")
def sweep_outbound() -> int:
    """Re-enqueue outbound mail whose job was lost or whose retry is due."""
    ids = outbound.due_for_retry()
    for pk in ids:
        send_outbound_message.enqueue(outbound_id=pk)
    return len(ids)


@periodic(name="mail.sweep_outbound", every_seconds=300)
def schedule_sweep_outbound() -> None:
    sweep_outbound.enqueue()


@task(queue_name="mail")
def poll_mailboxes() -> list[str]:
    """One IMAP pass over every active mailbox. Safe to overlap: import is idempotent."""
    from tierdesk.mail.imap import poll_all

    return [str(report) for report in poll_all()]


@periodic(name="mail.poll", every_seconds=60)
def schedule_poll() -> None:
    from tierdesk.mail.models import Mailbox

    if Mailbox.objects.filter(is_active=True).exclude(imap_host="").exists():
        poll_mailboxes.enqueue()


@task(queue_name="mail")
def notify_customer(
    kind: str, ticket_id: int, entry_id: int | None = None, old: str = "", new: str = ""
) -> int | None:
    """Compose and queue one customer mail for a lifecycle event (idempotent by dedupe key).
    Returns the OutboundMessage id, or None when nothing is to be sent."""
    from tierdesk.mail import notify

    if kind == "reply" and entry_id is not None:
        row = notify.send_reply_mail(ticket_id=ticket_id, entry_id=entry_id)
    elif kind == "status":
        row = notify.send_status_mail(ticket_id=ticket_id, old=old, new=new)
    elif kind == "resolution":
        row = notify.send_resolution_mail(ticket_id=ticket_id)
    else:
        raise ValueError(f"unknown notification kind {kind!r}")
    return row.pk if row is not None else None
