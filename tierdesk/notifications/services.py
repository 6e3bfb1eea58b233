"""In-app notifications for staff. E-mail notifications are sent by the e-mail channel."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from tierdesk.core import clock
from tierdesk.notifications.models import Notification

if TYPE_CHECKING:
    from tierdesk.accounts.models import User
    from tierdesk.tickets.models import Ticket


def notify_users(
    *, users: Iterable[User], kind: str, text: str, ticket: Ticket | None = None
) -> list[Notification]:
    """Create one unread notification per distinct active user."""
    seen: set[int] = set()
    rows = []
    for user in users:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, ticket=ticket, kind=kind, text=text[:500]))
    return Notification.objects.bulk_create(rows)


def mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=clock.now())
