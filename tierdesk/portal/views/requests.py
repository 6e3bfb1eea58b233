"""A new request: category → intake form with live knowledge-base suggestions → ticket."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tierdesk.core import ratelimit
from tierdesk.core.errors import DomainError
from tierdesk.kb import services as kb_services
from tierdesk.kb.selectors import search_articles, visible_articles
from tierdesk.portal import selectors, services
from tierdesk.portal.access import customer_required
from tierdesk.portal.forms import INTAKE_PREFIX, NewRequestForm
from tierdesk.tickets.lifecycle import priority_for

OFFERED_SESSION_KEY = "portal_kb_offered"


@require_GET
@customer_required
def choose_category(request: HttpRequest) -> HttpResponse:
    categories = list(selectors.portal_categories())
    return render(request, "portal/new_category.html", {"categories": categories})


def _uploads(request: HttpRequest) -> list[services.Upload]:
    return [
        services.Upload(name=f.name or "", content=f.read(), content_type=f.content_type or "")
        for f in request.FILES.getlist("attachments")
    ]


@require_http_methods(["GET", "POST"])
@customer_required
@ratelimit.ratelimit("portal.new_request", limit=30, period=3600, key="user")
def new_request(request: HttpRequest, category_id: int) -> HttpResponse:
    contact = request.contact  # type: ignore[attr-defined]
    category = selectors.category_with_fields(category_id)
    if category is None:
        raise Http404
    devices = list(selectors.devices_for(contact))
    form = NewRequestForm(
        request.POST or None,
        request.FILES or None,
        category=category,
        devices=devices,
        today=timezone.localdate(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.submit_request(
                contact=contact,
                category=category,
                subject=form.cleaned_data["subject"],
                description=form.cleaned_data["description"],
                intake_data=form.intake_data(),
                device=form.cleaned_data["device"],
                impact=form.cleaned_data["impact"],
                urgency=form.cleaned_data["urgency"],
                uploads=_uploads(request),
                language=translation.get_language(),
            )
        except DomainError as exc:
            names = exc.details.get("fields") or [exc.details.get("field")]
            placed = False
            for name in names:
                key = INTAKE_PREFIX + name if name and INTAKE_PREFIX + name in form.fields else name
                if key and key in form.fields:
                    form.add_error(key, exc.message)
                    placed = True
            if not placed:
                form.add_error(None, exc.message)
        else:
            request.session.pop(OFFERED_SESSION_KEY, None)
            messages.success(
                request,
                _("Your request %(number)s is registered. We will answer you soon.")
                % {"number": ticket.number},
            )
            return HttpResponseRedirect(f"/portal/tickets/{ticket.number}/?created=1")
    return render(
        request,
        "portal/new_request.html",
        {
            "form": form,
            "category": category,
            "devices": devices,
            "priority_matrix_json": json.dumps(
                {f"{i}{u}": priority_for(i, u) for i in (1, 2, 3) for u in (1, 2, 3)}
            ),
        },
    )


@require_GET
@customer_required
@ratelimit.ratelimit("portal.suggest", limit=240, period=60, key="user", methods=("GET",))
def suggest(request: HttpRequest) -> HttpResponse:
    """Articles matching what the customer is typing (an htmx fragment). Each article counts
    as offered once per draft request."""
    text = f"{request.GET.get('subject', '')} {request.GET.get('description', '')}"[:2000]
    category_raw = request.GET.get("category", "")
    category = int(category_raw) if category_raw.isdigit() else None
    articles = search_articles(text, limit=5, prefix=not text.endswith(" "))
    if category is not None and len(articles) < 5:
        # Articles of the chosen category first, then the rest.
        in_category = search_articles(text, category=category, limit=5, prefix=True)
        articles = in_category + [a for a in articles if a not in in_category]
        articles = articles[:5]
    offered = set(request.session.get(OFFERED_SESSION_KEY, []))
    fresh = [a.pk for a in articles if a.pk not in offered]
    if fresh:
        kb_services.record_offered(articles=fresh)
        request.session[OFFERED_SESSION_KEY] = sorted(offered | set(fresh))[-200:]
    return render(
        request,
        "portal/_suggestions.html",
        {"articles": articles, "query": text.strip(), "category": category},
    )


@require_POST
@customer_required
@ratelimit.ratelimit("portal.deflect", limit=30, period=3600, key="user")
def deflect(request: HttpRequest) -> HttpResponse:
    """ "This solved my problem": count it for the article, create no ticket."""
    contact = request.contact  # type: ignore[attr-defined]
    raw = request.POST.get("article", "")
    article = visible_articles().filter(pk=int(raw)).first() if raw.isdigit() else None
    if article is None:
        raise Http404
    category_raw = request.POST.get("category", "")
    category = selectors.category_with_fields(int(category_raw)) if category_raw.isdigit() else None
    kb_services.record_deflection(
        article=article,
        contact=contact,
        category=category,
        query=request.POST.get("query", ""),
        channel="portal",
    )
    request.session.pop(OFFERED_SESSION_KEY, None)
    return render(request, "portal/deflected.html", {"article": article})
