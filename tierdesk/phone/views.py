"""Staff pages of the phone channel (thin: parse, call one service, render).

/phone/               recent calls
/phone/popup/         the caller pop-up fragment polled by every workspace page
/phone/callbacks/     unanswered inbound calls to call back
/phone/log/           log a call by hand (+ /phone/lookup/ for the live caller lookup)
/phone/calls/<id>/    one call: create a ticket from it or attach it to one
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tierdesk.agent.access import staff_required
from tierdesk.agent.errors import user_message
from tierdesk.core.errors import DomainError
from tierdesk.customers.services import normalize_phone
from tierdesk.phone import selectors, services
from tierdesk.phone.forms import CallbackDoneForm, FileCallForm, LogCallForm
from tierdesk.phone.models import Call, Callback, CallState, Direction
from tierdesk.tickets.models import Ticket

PAGE_SIZE = 25


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _ticket_from(data: dict[str, Any]) -> Ticket | None:
    if data.get("ticket"):
        return Ticket.objects.filter(pk=data["ticket"]).first()
    number = (data.get("ticket_number") or "").strip().upper()
    if number:
        found = Ticket.objects.filter(number=number).first()
        if found is None:
            raise DomainError(_("There is no ticket %(number)s.") % {"number": number})
        return found
    return None


@staff_required
@require_GET
def popup(request: HttpRequest) -> HttpResponse:
    """The caller pop-up: empty (200) when no call rings for or is taken by this agent."""
    calls = list(selectors.popup_calls(request.user)[:3])  # type: ignore[arg-type]
    if not calls:
        return HttpResponse("")
    items = [
        {"call": call, "caller": selectors.lookup_caller(call.customer_number, ticket_limit=5)}
        for call in calls
    ]
    return render(request, "phone/_popup.html", {"items": items})


@staff_required
@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.recent_calls()
    direction = request.GET.get("direction", "")
    if direction in Direction.values:
        qs = qs.filter(direction=direction)
    if request.GET.get("missed"):
        qs = qs.exclude(callback=Callback.NONE)
    return render(
        request,
        "phone/calls.html",
        {"page": _page(request, qs), "direction": direction, "missed": request.GET.get("missed")},
    )


@staff_required
@require_GET
def callbacks(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.callback_queue())
    numbers = {c.customer_number for c in page.object_list if c.customer_number}
    attempts = dict(
        Call.objects.filter(callback=Callback.PENDING, customer_number__in=numbers)
        .values("customer_number")
        .annotate(n=Count("pk"))
        .values_list("customer_number", "n")
    )
    for call in page.object_list:
        call.attempts = attempts.get(call.customer_number, 1)  # type: ignore[attr-defined]
    done = (
        Call.objects.filter(callback=Callback.DONE)
        .select_related("contact", "callback_by")
        .order_by("-callback_at", "-pk")[:10]
    )
    return render(
        request,
        "phone/callbacks.html",
        {"page": page, "done": done, "form": CallbackDoneForm()},
    )


@staff_required
@require_POST
def callback_done(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)
    form = CallbackDoneForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        n = services.complete_callback(call=call, actor=request.user, note=note)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("Call-back recorded (%(n)d call(s) settled).") % {"n": n})
    return HttpResponseRedirect("/phone/callbacks/")


@staff_required
@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """The live caller lookup of the log form (htmx fragment)."""
    raw = request.GET.get("number", "")
    error = ""
    number = ""
    try:
        number = normalize_phone(raw)
    except DomainError as exc:
        error = exc.message
    caller = selectors.lookup_caller(number) if number else None
    return render(
        request,
        "phone/_lookup.html",
        {"caller": caller, "number": number, "error": error, "selected": request.GET.get("ticket")},
    )


@staff_required
def log_call(request: HttpRequest) -> HttpResponse:
    form = LogCallForm(request.POST or None, initial={"number": request.GET.get("number", "")})
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        minutes = data.get("duration_minutes")
        try:
            call, ticket = services.log_and_file_call(
                actor=request.user,  # type: ignore[arg-type]
                number=data["number"],
                direction=data["direction"],
                notes=data.get("notes") or "",
                duration_seconds=minutes * 60 if minutes is not None else None,
                outcome=data["outcome"],
                subject=data.get("subject") or "",
                ticket=_ticket_from(data),
                category=data.get("category"),
                new_contact_name=data.get("new_contact_name") or "",
                new_contact_email=data.get("new_contact_email") or "",
            )
        except DomainError as exc:
            error = user_message(exc)
        else:
            if ticket is not None:
                messages.success(
                    request, _("Call logged on %(number)s.") % {"number": ticket.number}
                )
                return HttpResponseRedirect(f"/agent/tickets/{ticket.pk}/")
            messages.success(request, _("Call logged."))
            return HttpResponseRedirect(f"/phone/calls/{call.pk}/")
    caller = None
    raw = form.data.get("number") if form.is_bound else form.initial.get("number")
    if raw:
        try:
            caller = selectors.lookup_caller(normalize_phone(raw))
        except DomainError:
            caller = None
    return render(
        request,
        "phone/log.html",
        {"form": form, "error": error, "caller": caller},
        status=400 if error or (form.is_bound and form.errors) else 200,
    )


@staff_required
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(
        Call.objects.select_related("contact", "organization", "ticket", "agent"), pk=pk
    )
    form = FileCallForm(request.POST or None, initial={"body": call.notes})
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.file_call(
                call=call,
                actor=request.user,  # type: ignore[arg-type]
                outcome=data["outcome"],
                subject=data.get("subject") or "",
                body=data.get("body") or "",
                ticket=_ticket_from(data),
                category=data.get("category"),
                new_contact_name=data.get("new_contact_name") or "",
                new_contact_email=data.get("new_contact_email") or "",
            )
        except DomainError as exc:
            error = user_message(exc)
        else:
            if ticket is not None:
                return HttpResponseRedirect(f"/agent/tickets/{ticket.pk}/")
            return HttpResponseRedirect(f"/phone/calls/{call.pk}/")
    caller = selectors.lookup_caller(call.customer_number)
    return render(
        request,
        "phone/call.html",
        {
            "call": call,
            "caller": caller,
            "form": form,
            "error": error,
            "live": call.state != CallState.ENDED,
        },
        status=400 if error or (form.is_bound and form.errors) else 200,
    )
