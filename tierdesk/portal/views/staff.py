"""Agents invite contacts to the portal (a page in the agent workspace layout)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tierdesk.agent.access import staff_required
from tierdesk.core.errors import DomainError
from tierdesk.customers.models import Contact
from tierdesk.portal import accounts
from tierdesk.portal.views.auth import _safe_next


@require_GET
@staff_required
def invitations(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").replace("\x00", "").split())[:100]
    qs = Contact.objects.select_related("organization", "user").exclude(email="")
    if query:
        qs = qs.filter(
            Q(name__icontains=query)
            | Q(email__icontains=query)
            | Q(organization__name__icontains=query)
        )
    page = Paginator(qs.order_by("organization__name", "name", "pk"), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "portal/staff_invitations.html", {"page": page, "query": query})


@require_POST
@staff_required
def invite(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = Contact.objects.filter(pk=contact_id).select_related("user").first()
    if contact is None:
        raise Http404
    try:
        accounts.invite_contact(contact=contact, actor=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": contact.email})
    return HttpResponseRedirect(_safe_next(request, "/portal/staff/invitations/"))
