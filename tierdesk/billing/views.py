"""Billing pages: the statement (staff) and the signed quote link (the customer, no login)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tierdesk.agent.access import staff_required
from tierdesk.billing import exports, selectors, services
from tierdesk.billing.models import Quote, QuoteStatus
from tierdesk.billing.statement import build_statement, parse_month
from tierdesk.core import clock
from tierdesk.core.errors import DomainError
from tierdesk.customers.models import Organization


def _month_choices(today: dt.date, count: int = 12) -> list[str]:
    out = []
    year, month = today.year, today.month
    for _i in range(count):
        out.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate(clock.now())
    org_id = request.GET.get("organization")
    month = request.GET.get("month")
    if org_id and month:
        return redirect("billing:statement", org_id=org_id, month=month)
    return render(
        request,
        "billing/index.html",
        {
            "organizations": Organization.objects.order_by("name").only("pk", "name"),
            "months": _month_choices(today),
        },
    )


def _statement(org_id: int, month: str):  # type: ignore[no-untyped-def]
    organization = get_object_or_404(Organization, pk=org_id)
    try:
        start = parse_month(month)
    except ValueError:
        raise Http404("bad month") from None
    return build_statement(organization=organization, month=start)


@staff_required
def statement(request: HttpRequest, org_id: int, month: str) -> HttpResponse:
    st = _statement(org_id, month)
    return render(request, "billing/statement.html", {"st": st, "month": month})


@staff_required
def statement_csv(request: HttpRequest, org_id: int, month: str) -> HttpResponse:
    st = _statement(org_id, month)
    response = HttpResponse(exports.to_csv(st), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statement-{org_id}-{month}.csv"'
    return response


@staff_required
def statement_pdf(request: HttpRequest, org_id: int, month: str) -> HttpResponse:
    st = _statement(org_id, month)
    response = HttpResponse(exports.to_pdf(st), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="statement-{org_id}-{month}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def quote_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the quote e-mail: whoever holds it acts as the contact it was sent to.
    The page speaks the contact's language unless the visitor chose another one."""
    quote = selectors.quote_from_link_token(token)
    if quote is None or quote.sent_to is None:
        raise Http404("unknown quote")
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or quote.sent_to.language
    with translation.override(language or settings.LANGUAGE_CODE):
        return _quote_page(request, quote)


def _quote_page(request: HttpRequest, quote: Quote) -> HttpResponse:
    services.expire_quotes()
    quote.refresh_from_db(fields=["status"])
    contact = quote.sent_to
    assert contact is not None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.approve_quote(quote=quote, contact=contact)
                messages.success(request, _("Thank you: the work is approved."))
            elif action == "decline":
                services.decline_quote(
                    quote=quote, contact=contact, reason=request.POST.get("reason", "")
                )
                messages.info(request, _("The quote is declined; the paid work will not start."))
            else:
                messages.error(request, _("Choose approve or decline."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(request.path)
    return render(
        request,
        "billing/quote_link.html",
        {"quote": quote, "pending": quote.status == QuoteStatus.PENDING},
    )
