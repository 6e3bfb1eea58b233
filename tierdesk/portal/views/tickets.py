"""My requests: the list, the conversation (public entries only), reply, close, reopen, rate,
download attachments. Someone else's ticket is a 404, the same as a ticket that does not
exist, so numbers cannot be probed."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tierdesk.core import ratelimit
from tierdesk.core.errors import DomainError
from tierdesk.portal import quotes, selectors, services
from tierdesk.portal.access import customer_required
from tierdesk.portal.forms import RatingForm, ReplyForm
from tierdesk.portal.views.requests import _uploads
from tierdesk.portal.wording import user_message
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import Status, Ticket

PAGE_SIZE = 20


@require_GET
@customer_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    contact = request.contact  # type: ignore[attr-defined]
    scope = request.GET.get("scope", "mine")
    state = request.GET.get("state", "open")
    query = request.GET.get("q", "")
    qs = selectors.ticket_list(contact, scope=scope, state=state, query=query)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/ticket_list.html",
        {
            "page": page,
            "tickets": page.object_list,
            "scope": scope if contact.is_org_manager else "mine",
            "state": state,
            "query": query,
        },
    )


def _ticket_or_404(request: HttpRequest, number: str) -> Ticket:
    ticket = selectors.ticket_for(request.contact, number)  # type: ignore[attr-defined]
    if ticket is None:
        raise Http404
    return ticket


def _back(ticket: Ticket) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"/portal/tickets/{ticket.number}/")


@require_GET
@customer_required
def ticket_detail(request: HttpRequest, number: str) -> HttpResponse:
    ticket = _ticket_or_404(request, number)
    return render(request, "portal/ticket_detail.html", _detail_context(request, ticket))


def _detail_context(request: HttpRequest, ticket: Ticket, **extra: object) -> dict[str, object]:
    context: dict[str, object] = {
        "ticket": ticket,
        "entries": selectors.public_entries(ticket),
        "reply_form": ReplyForm(),
        "rating_form": RatingForm(initial={"score": ticket.csat_score or 5}),
        "can_reply": ticket.status not in (Status.MERGED,),
        "can_close": ticket.is_open or ticket.status == Status.RESOLVED,
        "can_reopen": ticket.status == Status.RESOLVED,
        "can_rate": ticket.status in (Status.RESOLVED, Status.CLOSED),
        "quotes": quotes.pending_for(ticket),
        "intake": _intake_rows(ticket),
    }
    context.update(extra)
    return context


def _intake_rows(ticket: Ticket) -> list[tuple[str, object]]:
    if ticket.category is None or not ticket.intake_data:
        return []
    from django.utils import translation

    language = translation.get_language() or "ru"
    labels = {f.name: f.label(language) for f in ticket.category.fields.all()}
    return [(labels.get(k, k), v) for k, v in ticket.intake_data.items() if v not in ("", None)]


@require_POST
@customer_required
@ratelimit.ratelimit("portal.reply", limit=60, period=3600, key="user")
def reply(request: HttpRequest, number: str) -> HttpResponse:
    ticket = _ticket_or_404(request, number)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            entry = services.reply_to_ticket(
                contact=request.contact,  # type: ignore[attr-defined]
                ticket=ticket,
                body=form.cleaned_data["body"],
                uploads=_uploads(request),
            )
        except DomainError as exc:
            form.add_error(None, user_message(exc, _("The message could not be added.")))
        else:
            if entry.ticket_id != ticket.pk:
                messages.info(
                    request,
                    _("The request was closed, so we opened a follow-up: %(number)s.")
                    % {"number": entry.ticket.number},
                )
                return _back(entry.ticket)
            messages.success(request, _("Your message was added."))
            return _back(ticket)
    return render(
        request,
        "portal/ticket_detail.html",
        _detail_context(request, ticket, reply_form=form),
        status=400,
    )


@require_POST
@customer_required
@ratelimit.ratelimit("portal.ticket_action", limit=60, period=3600, key="user")
def close(request: HttpRequest, number: str) -> HttpResponse:
    ticket = _ticket_or_404(request, number)
    try:
        lifecycle.close(
            ticket=ticket,
            contact=request.contact,  # type: ignore[attr-defined]
            reason=request.POST.get("reason", "")[:500] or "closed by the customer",
        )
    except DomainError as exc:
        messages.error(request, user_message(exc, _("This request cannot be closed now.")))
    else:
        messages.success(request, _("The request is closed. Thank you!"))
    return _back(ticket)


@require_POST
@customer_required
@ratelimit.ratelimit("portal.ticket_action", limit=60, period=3600, key="user")
def reopen(request: HttpRequest, number: str) -> HttpResponse:
    ticket = _ticket_or_404(request, number)
    try:
        lifecycle.reopen(
            ticket=ticket,
            contact=request.contact,  # type: ignore[attr-defined]
            reason=request.POST.get("reason", "")[:500],
        )
    except DomainError as exc:
        messages.error(request, user_message(exc, _("This request cannot be reopened now.")))
    else:
        messages.success(request, _("The request is open again; we will look at it."))
    return _back(ticket)


@require_POST
@customer_required
@ratelimit.ratelimit("portal.ticket_action", limit=60, period=3600, key="user")
def rate(request: HttpRequest, number: str) -> HttpResponse:
    ticket = _ticket_or_404(request, number)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a rating from 1 to 5."))
        return _back(ticket)
    try:
        lifecycle.record_csat(
            ticket=ticket,
            contact=request.contact,  # type: ignore[attr-defined]
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
        )
    except DomainError as exc:
        messages.error(
            request, user_message(exc, _("The help can be rated once the request is solved."))
        )
    else:
        messages.success(request, _("Thank you for your rating!"))
    return _back(ticket)


@require_POST
@customer_required
@ratelimit.ratelimit("portal.ticket_action", limit=60, period=3600, key="user")
def approve_quote(request: HttpRequest, number: str, quote_id: int) -> HttpResponse:
    ticket = _ticket_or_404(request, number)
    try:
        quotes.approve(
            ticket=ticket,
            quote_id=quote_id,
            contact=request.contact,  # type: ignore[attr-defined]
        )
    except DomainError as exc:
        messages.error(request, user_message(exc, _("This quote can no longer be decided.")))
    else:
        messages.success(request, _("Thank you: the paid work is approved."))
    return _back(ticket)


@require_GET
@customer_required
def attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    found = selectors.attachment_for(request.contact, pk)  # type: ignore[attr-defined]
    if found is None:
        raise Http404
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=not found.content_type.startswith("image/")
        or found.content_type == "image/svg+xml",
        filename=found.filename,
        content_type=found.content_type
        if found.content_type.startswith("image/") and found.content_type != "image/svg+xml"
        else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
@customer_required
@ratelimit.ratelimit("portal.ticket_action", limit=60, period=3600, key="user")
def decline_quote(request: HttpRequest, number: str, quote_id: int) -> HttpResponse:
    ticket = _ticket_or_404(request, number)
    try:
        quotes.decline(
            ticket=ticket,
            quote_id=quote_id,
            contact=request.contact,  # type: ignore[attr-defined]
            reason=request.POST.get("reason", "")[:2000],
        )
    except DomainError as exc:
        messages.error(request, user_message(exc, _("This quote can no longer be decided.")))
    else:
        messages.info(request, _("The quote is declined; the paid work will not start."))
    return _back(ticket)
