"""Queues: my tickets, my team's, each tier's unassigned queue, all open."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tierdesk.agent.access import staff_required


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "agent/home.html", {})
