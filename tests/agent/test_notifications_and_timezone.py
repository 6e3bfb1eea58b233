from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from tierdesk.notifications.models import Notification
from tierdesk.notifications.services import notify_users


@pytest.mark.django_db
def test_bell_counts_unread_and_opening_marks_read(desk, client: Client) -> None:
    ticket = desk.ticket()
    agent = desk.agents[1]
    notify_users(users=[agent], kind="sla.warning", text="SLA due soon", ticket=ticket)
    notify_users(users=[agent], kind="assigned", text="Assigned to you")
    notify_users(users=[desk.agents[2]], kind="assigned", text="Not yours")
    client.force_login(agent)
    body = client.get("/agent/profile/").content.decode()
    assert re.search(r'data-testid="bell-count">2<', body)
    inbox = client.get("/agent/notifications/").content.decode()
    assert "SLA due soon" in inbox and "Not yours" not in inbox
    mine = Notification.objects.get(text="SLA due soon")
    response = client.post(f"/agent/notifications/{mine.pk}/")
    assert response["Location"] == f"/agent/tickets/{ticket.pk}/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    # somebody else's notification is not found
    other = Notification.objects.get(text="Not yours")
    assert client.post(f"/agent/notifications/{other.pk}/").status_code == 404
    client.post("/agent/notifications/read/")
    assert not Notification.objects.filter(user=agent, read_at__isnull=True).exists()
    assert 'data-testid="bell-count"' not in client.get("/agent/profile/").content.decode()


@pytest.mark.django_db
def test_times_are_shown_in_the_users_time_zone(desk, client: Client) -> None:
    with time_machine.travel(dt.datetime(2026, 1, 15, 6, 30, tzinfo=dt.UTC), tick=False):
        ticket = desk.ticket()
    agent = desk.agents[1]
    agent.timezone = "Asia/Vladivostok"  # UTC+10
    agent.save()
    client.force_login(agent)
    body = client.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert "15.01.2026 16:30" in body  # 06:30 UTC is 16:30 in Vladivostok
    agent.timezone = "Europe/London"
    agent.save()
    body = client.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert "15.01.2026 06:30" in body and "16:30" not in body
