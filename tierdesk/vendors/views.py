"""Staff pages of vendor cases (thin: parse, call one service, render).

/vendors/                         cases (open ones first by due date; filters)
/vendors/open/<ticket id>/        compose and open a case for a ticket
/vendors/<id>/                    one case: correspondence, send, record an answer, RMA, close
/vendors/entries/<entry id>/share/  show a vendor's answer to the customer
/vendors/report/                  vendor turnaround (CSV with ?format=csv)
"""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tierdesk.agent.access import staff_required
from tierdesk.agent.errors import user_message
from tierdesk.core.errors import DomainError
from tierdesk.devices.models import Vendor
from tierdesk.tickets.models import Entry, Ticket
from tierdesk.vendors import selectors, services
from tierdesk.vendors.compose import default_message, quotable_entries
from tierdesk.vendors.forms import (
    AnswerForm,
    CaseUpdateForm,
    CloseForm,
    MessageForm,
    OpenCaseForm,
    ReportForm,
)
from tierdesk.vendors.models import VendorCase

PAGE_SIZE = 25


def _case(pk: int) -> VendorCase:
    return get_object_or_404(
        VendorCase.objects.select_related(
            "vendor", "ticket", "ticket__tier", "ticket__requester", "opened_by", "from_tier"
        ),
        pk=pk,
    )


@staff_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    show = show if show in selectors.FILTERS else "open"
    vendor_id = request.GET.get("vendor", "")
    qs = selectors.case_list(show=show, vendor_id=int(vendor_id) if vendor_id.isdigit() else None)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "vendors/cases.html",
        {
            "page": page,
            "show": show,
            "vendor_id": vendor_id,
            "vendors": Vendor.objects.order_by("name"),
            "filters": selectors.FILTERS,
            "now": timezone.now(),
        },
    )


@staff_required
def open_case(request: HttpRequest, ticket_pk: int) -> HttpResponse:
    ticket = get_object_or_404(Ticket.objects.select_related("tier", "device"), pk=ticket_pk)
    entries = quotable_entries(ticket)
    allowed = services.can_open_vendor_case(request.user, ticket)  # type: ignore[arg-type]
    if request.method == "POST":
        form = OpenCaseForm(request.POST, entries=entries)
    else:
        form = OpenCaseForm(
            entries=entries,
            initial={
                "vendor": services.suggest_vendor(ticket),
                "subject": ticket.subject,
                "body": default_message(ticket),
                "version": ticket.version,
            },
        )
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.open_vendor_case(
                ticket=ticket,
                actor=request.user,  # type: ignore[arg-type]
                vendor=data["vendor"],
                subject=data["subject"],
                vendor_reference=data.get("vendor_reference") or "",
                body=data["body"],
                quote_entry_ids=data.get("quote") or [],
                expected_version=data.get("version"),
            )
        except DomainError as exc:
            error = user_message(exc)
        else:
            messages.success(
                request,
                _("Vendor case %(number)s opened; the ticket waits for %(vendor)s.")
                % {"number": case.number, "vendor": case.vendor.name},
            )
            return HttpResponseRedirect(f"/vendors/{case.pk}/")
    return render(
        request,
        "vendors/open.html",
        {
            "ticket": ticket,
            "form": form,
            "error": error,
            "allowed": allowed,
            "existing": selectors.cases_of_ticket(ticket.pk),
        },
        status=400 if error or (form.is_bound and form.errors) else 200,
    )


def _case_page(
    request: HttpRequest, case: VendorCase, *, status: int = 200, **forms: Any
) -> HttpResponse:
    entries = quotable_entries(case.ticket)
    context: dict[str, Any] = {
        "case": case,
        "ticket": case.ticket,
        "entries": selectors.case_entries(case),
        "message_form": forms.get("message_form") or MessageForm(entries=entries),
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "update_form": forms.get("update_form")
        or CaseUpdateForm(
            initial={
                "vendor_reference": case.vendor_reference,
                "rma_number": case.rma_number,
                "rma_tracking": case.rma_tracking,
                "rma_shipped_on": case.rma_shipped_on,
                "rma_received_on": case.rma_received_on,
            }
        ),
        "close_form": CloseForm(),
        "error": forms.get("error", ""),
        "now": timezone.now(),
    }
    return render(request, "vendors/case.html", context, status=status)


@staff_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, _case(pk))


def _run(
    request: HttpRequest, case: VendorCase, action: Any, ok: str, **forms: Any
) -> HttpResponse:
    try:
        action()
    except DomainError as exc:
        return _case_page(request, _case(case.pk), status=400, error=user_message(exc), **forms)
    messages.success(request, ok)
    return HttpResponseRedirect(f"/vendors/{case.pk}/")


@staff_required
@require_POST
def send_message(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(pk)
    form = MessageForm(request.POST, entries=quotable_entries(case.ticket))
    if not form.is_valid():
        return _case_page(request, case, status=400, message_form=form)
    data = form.cleaned_data
    return _run(
        request,
        case,
        lambda: services.send_case_message(
            case=case,
            actor=request.user,  # type: ignore[arg-type]
            body=data["body"],
            quote_entry_ids=data.get("quote") or [],
            wait_for_vendor=bool(data.get("wait")),
        ),
        _("Message sent to %(vendor)s.") % {"vendor": case.vendor.name},
        message_form=form,
    )


@staff_required
@require_POST
def record_answer(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, status=400, answer_form=form)
    return _run(
        request,
        case,
        lambda: services.receive_vendor_reply(
            case=case,
            body=form.cleaned_data["body"],
            actor=request.user,  # type: ignore[arg-type]
        ),
        _("The vendor's answer is on the ticket; the ticket is back with %(tier)s.")
        % {"tier": case.from_tier.name},
        answer_form=form,
    )


@staff_required
@require_POST
def update_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(pk)
    form = CaseUpdateForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, status=400, update_form=form)
    data = form.cleaned_data
    return _run(
        request,
        case,
        lambda: services.update_case(
            case=case,
            actor=request.user,  # type: ignore[arg-type]
            vendor_reference=data.get("vendor_reference") or "",
            rma_number=data.get("rma_number") or "",
            rma_tracking=data.get("rma_tracking") or "",
            rma_shipped_on=data.get("rma_shipped_on"),
            rma_received_on=data.get("rma_received_on"),
            clear_rma_dates=True,
        ),
        _("Saved."),
        update_form=form,
    )


@staff_required
@require_POST
def close_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(pk)
    form = CloseForm(request.POST)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    return _run(
        request,
        case,
        lambda: services.close_vendor_case(case=case, actor=request.user, note=note),  # type: ignore[arg-type]
        _("Vendor case %(number)s closed.") % {"number": case.number},
    )


@staff_required
@require_POST
def share_entry(request: HttpRequest, entry_pk: int) -> HttpResponse:
    entry = get_object_or_404(Entry, pk=entry_pk)
    back = request.POST.get("next") or f"/agent/tickets/{entry.ticket_id}/"
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = f"/agent/tickets/{entry.ticket_id}/"
    try:
        services.share_with_customer(entry=entry, actor=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("The vendor's answer is now visible to the customer."))
    return HttpResponseRedirect(back)


@staff_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = ReportForm(
        request.GET or None, initial={"start": today - dt.timedelta(days=90), "end": today}
    )
    start, end = today - dt.timedelta(days=90), today
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    rows = selectors.turnaround_report(start=start, end=end)
    if request.GET.get("format") == "csv":
        return _csv(rows, start, end)
    return render(
        request,
        "vendors/report.html",
        {"form": form, "rows": rows, "start": start, "end": end},
    )


def _csv(rows: list[selectors.VendorTurnaround], start: dt.date, end: dt.date) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="vendor-turnaround-{start.isoformat()}-{end.isoformat()}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [
            "vendor",
            "target_hours",
            "opened",
            "answered",
            "within_target",
            "within_target_pct",
            "median_hours_to_first_answer",
            "average_hours_to_first_answer",
            "closed",
            "average_hours_to_close",
            "waiting_now",
            "overdue_now",
            "rma_units_out_now",
        ]
    )
    for r in rows:
        writer.writerow(
            [
                r.vendor.name,
                r.target_hours,
                r.opened,
                r.answered,
                r.within_target,
                "" if r.within_target_pct is None else r.within_target_pct,
                "" if r.median_hours is None else r.median_hours,
                "" if r.average_hours is None else r.average_hours,
                r.closed,
                "" if r.average_close_hours is None else r.average_close_hours,
                r.waiting_now,
                r.overdue_now,
                r.rma_out_now,
            ]
        )
    return response
