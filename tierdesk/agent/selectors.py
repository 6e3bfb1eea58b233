"""Reads for the agent workspace: queues, the ticket page, the notification bell."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tierdesk.notifications.models import Notification

if TYPE_CHECKING:
    from tierdesk.accounts.models import User


def unread_notification_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
