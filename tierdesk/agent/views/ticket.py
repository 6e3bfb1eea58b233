"""The ticket page (header, intake panel, timeline, composer, actions), attachment downloads
and the knowledge-base lookup of the composer."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from tierdesk.agent import describe, forms, selectors
from tierdesk.agent.access import staff_required
from tierdesk.tickets.models import Attachment, Ticket

INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}


def load_ticket(pk: int) -> Ticket:
    try:
        return selectors.ticket_for_page(pk)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc


def _offered_articles(page: selectors.TicketPage) -> list[tuple[int, str]]:
    ids: set[int] = {
        item.obj.data["article_id"]
        for item in page.timeline
        if item.kind == "entry"
        and isinstance(item.obj.data, dict)
        and isinstance(item.obj.data.get("article_id"), int)
    }
    if page.ticket.resolution_article_id:
        ids.add(page.ticket.resolution_article_id)
    return selectors.article_titles(ids)


def build_context(request: HttpRequest, ticket: Ticket, **overrides: Any) -> dict[str, Any]:
    """Everything the ticket page shows. ``overrides`` replace forms (bound, with errors) and
    add ``error``, ``conflict`` or ``open_dialog``."""
    user = request.user
    language = get_language() or "ru"
    page = selectors.ticket_page(ticket=ticket, viewer=user)  # type: ignore[arg-type]
    initial = {"version": ticket.version}
    prefill = selectors.handoff_prefill(page, language)
    audit_changes = [item.obj.changes for item in page.timeline if item.kind == "audit"]
    lookups = describe.lookups_for(audit_changes, language=language, category_id=ticket.category_id)
    timeline = []
    for item in page.timeline:
        row: dict[str, Any] = {"kind": item.kind, "at": item.at, "obj": item.obj}
        if item.kind == "audit":
            row["title"], row["lines"] = describe.describe_changes(
                item.obj.action, item.obj.changes, lookups
            )
        timeline.append(row)
    intake_fields = [row.field for row in page.intake]
    next_tier = next((t for t in page.tiers if t.level > ticket.tier.level), None)
    prev_tier = next((t for t in reversed(page.tiers) if t.level < ticket.tier.level), None)
    context: dict[str, Any] = {
        "ticket": ticket,
        "page": page,
        "timeline": timeline,
        "language": language,
        "is_supervisor": user.is_supervisor,  # type: ignore[union-attr]
        "can_take": ticket.is_open
        and ticket.assignee_id != user.pk
        and (user.tier_id == ticket.tier_id or user.is_supervisor),  # type: ignore[union-attr]
        "can_accept": page.pending_escalation is not None
        and (user.tier_id == ticket.tier_id or user.is_supervisor),  # type: ignore[union-attr]
        "next_tier": next_tier,
        "prev_tier": prev_tier,
        "composer": forms.ComposerForm(initial={**initial, "kind": "reply"}, ticket=ticket),
        "intake_form": forms.IntakeForm(
            initial=dict(initial),
            fields=intake_fields,
            values=ticket.intake_data,
            language=language,
        ),
        "details_form": forms.DetailsForm(
            initial={
                **initial,
                "subject": ticket.subject,
                "category": ticket.category_id,
                "device": ticket.device_id,
                "impact": ticket.impact,
                "urgency": ticket.urgency,
            },
            ticket=ticket,
            language=language,
        ),
        "status_form": forms.StatusForm(initial=dict(initial), ticket=ticket),
        "resolve_form": forms.ResolveForm(initial=dict(initial), offered=_offered_articles(page)),
        "assign_form": forms.AssignForm(
            initial={**initial, "assignee": ticket.assignee_id},
            ticket=ticket,
            agents=page.assignable_agents,
            teams=page.teams,
            supervisor=user.is_supervisor,  # type: ignore[union-attr]
            language=language,
        ),
        "escalate_form": forms.EscalateForm(
            initial={**initial, **prefill, "to_tier": next_tier.pk if next_tier else None},
            ticket=ticket,
            tiers=page.tiers,
            teams=page.teams,
            user=user,  # type: ignore[arg-type]
            language=language,
        ),
        "deescalate_form": forms.DeescalateForm(
            initial={**initial, "problem": prefill["problem"]},
            ticket=ticket,
            tiers=page.tiers,
            teams=page.teams,
            language=language,
        ),
        "time_form": forms.TimeForm(),
        "error": "",
        "conflict": None,
        "open_dialog": "",
    }
    context.update(overrides)
    return context


@staff_required
def ticket_page(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = load_ticket(pk)
    return render(request, "agent/ticket.html", build_context(request, ticket))


@staff_required
def kb_search(request: HttpRequest, pk: int) -> HttpResponse:
    """Standard solutions matching the composer's search box (an htmx fragment)."""
    ticket = load_ticket(pk)
    query = request.GET.get("kbq", "")[:200]
    articles = selectors.search_solutions(
        query=query, language=None, category_id=ticket.category_id
    )
    return render(
        request,
        "agent/_kb_results.html",
        {"articles": articles, "query": query, "ticket": ticket},
    )


@staff_required
def attachment(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """Serve a ticket attachment to staff; the storage path never leaves the server."""
    try:
        att = Attachment.objects.only("pk", "file", "filename", "content_type").get(pk=pk)
    except Attachment.DoesNotExist as exc:
        raise Http404 from exc
    try:
        handle = att.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    inline = att.content_type in INLINE_TYPES and request.GET.get("download") != "1"
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=att.filename,
        content_type=att.content_type if inline else "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=0"
    return response
