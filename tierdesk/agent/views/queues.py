"""Queues: my tickets, my teams', each tier's unassigned queue, all open, and quick search.

htmx requests (the filter bar and the periodic refresh) get only the table fragment.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import get_language

from tierdesk.agent import queues, selectors
from tierdesk.agent.access import staff_required
from tierdesk.agent.keyset import paginate
from tierdesk.core import clock
from tierdesk.core.errors import InvalidInput

REFRESH_SECONDS = 30


def _user(request: HttpRequest):  # type: ignore[no-untyped-def]
    return request.user


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    """An agent starts in his own tier's queue."""
    return HttpResponseRedirect(f"/agent/queues/{queues.default_queue_key(_user(request))}/")


@staff_required
def queue(request: HttpRequest, key: str) -> HttpResponse:
    user = _user(request)
    try:
        kind, level = queues.parse_queue_key(key)
    except ValueError as exc:
        raise Http404 from exc
    if not queues.can_see_queue(user, key):
        raise PermissionDenied
    language = get_language() or "ru"
    tiers = selectors.all_tiers()
    tiers_by_level = {t.level: t for t in tiers}
    if kind == "tier" and level not in tiers_by_level:
        raise Http404
    choices = selectors.filter_choices(language)
    form = queues.QueueFilterForm(
        request.GET,
        categories=choices["categories"],
        organizations=choices["organizations"],
        include_closed=kind == "search",
    )
    team_ids = selectors.user_team_ids(user)
    page = None
    error = ""
    if form.is_valid():
        q = form.cleaned_data.get("q") or ""
        if kind == "search" and q and not request.headers.get("HX-Request"):
            # "TD-000123" opens the ticket; a bare number is also searched in subjects.
            exact = selectors.ticket_pk_by_number(q) if "-" in q else None
            if exact is not None:
                return HttpResponseRedirect(f"/agent/tickets/{exact}/")
        qs = form.apply(queues.base_queryset(user=user, key=key, team_ids=team_ids))
        if kind == "search" and not q and not _has_filters(form):
            qs = qs.none()
        try:
            page = paginate(
                selectors.queue_rows(qs),
                sort=form.chosen_sort(),
                after=request.GET.get("after") or None,
                before=request.GET.get("before") or None,
                size=selectors.QUEUE_PAGE_SIZE,
            )
        except InvalidInput as exc:
            error = exc.message
    fragment = bool(request.headers.get("HX-Request")) and request.GET.get("fragment") == "table"
    # The periodic refresh renders the table only: the side-bar counts are not recomputed.
    counts = {} if fragment else selectors.queue_counts(user=user, tiers=tiers, team_ids=team_ids)
    context = {
        "queue_key": key,
        "queue_kind": kind,
        "queue_label": queues.queue_label(key, tiers_by_level, language),
        "form": form,
        "page": page,
        "error": error,
        "sla_due": selectors.sla_due_for(page.rows) if page else {},
        "now": clock.now(),
        "tier_queues": [
            {
                "tier": t,
                "key": queues.tier_queue_key(t.level),
                "count": counts.get(queues.tier_queue_key(t.level)),
            }
            for t in tiers
        ],
        "counts": counts,
        "is_supervisor": user.is_supervisor,
        "own_tier_level": user.tier.level if user.tier is not None else None,
        "refresh_seconds": REFRESH_SECONDS,
        "filter_query": _query_without(request, "after", "before"),
    }
    if fragment:
        return render(request, "agent/_queue_table.html", context)
    return render(request, "agent/queue.html", context)


def _has_filters(form: queues.QueueFilterForm) -> bool:
    return any(
        form.cleaned_data.get(name)
        for name in ("status", "priority", "category", "organization", "entitlement", "sla")
    )


def _query_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in (*names, "fragment"):
        params.pop(name, None)
    return params.urlencode()


@staff_required
def search(request: HttpRequest) -> HttpResponse:
    """The top bar's quick search: ``/agent/search/?q=…`` (any ticket, any status)."""
    params = request.GET.urlencode()
    return HttpResponseRedirect("/agent/queues/search/" + (f"?{params}" if params else ""))
