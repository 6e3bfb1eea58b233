"""The notification inbox behind the bell."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_POST

from tierdesk.agent import selectors
from tierdesk.agent.access import staff_required
from tierdesk.notifications import services
from tierdesk.notifications.models import Notification


@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    items = selectors.notifications_for(user=request.user)  # type: ignore[arg-type]
    return render(request, "agent/notifications.html", {"items": items})


@staff_required
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go to its ticket (or back to the inbox)."""
    note = Notification.objects.filter(pk=pk, user=request.user).first()  # type: ignore[misc]
    if note is None:
        raise Http404
    services.mark_read(user=request.user, ids=[note.pk])  # type: ignore[arg-type]
    if note.ticket_id:
        return HttpResponseRedirect(f"/agent/tickets/{note.ticket_id}/")
    return HttpResponseRedirect("/agent/notifications/")


@staff_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.mark_read(user=request.user)  # type: ignore[arg-type]
    return HttpResponseRedirect("/agent/notifications/")
