"""POST handlers of the ticket page. Each parses its form, calls one lifecycle function and
redirects back (post/redirect/get). A refusal re-renders the page with the agent's input kept;
a stale form (ConflictError) also shows what the other person changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as djforms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tierdesk.accounts.models import User
from tierdesk.agent import describe, forms, selectors
from tierdesk.agent.access import staff_required
from tierdesk.agent.compose import Upload, post_entry
from tierdesk.agent.errors import user_message
from tierdesk.agent.views.ticket import build_context, load_ticket
from tierdesk.billing import services as billing
from tierdesk.core.errors import ConflictError, DomainError, InvalidInput
from tierdesk.kb.models import Article
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import Ticket
from tierdesk.tiers.models import Team, Tier

Action = Callable[[], Any]


def _ticket_url(ticket: Ticket) -> str:
    return f"/agent/tickets/{ticket.pk}/"


def _conflict(ticket: Ticket, version: int | None, language: str) -> dict[str, Any]:
    events = selectors.changes_since(ticket=ticket, version=version or 0)
    lookups = describe.lookups_for(
        [e.changes for e in events], language=language, category_id=ticket.category_id
    )
    items = []
    for event in events:
        title, lines = describe.describe_changes(event.action, event.changes, lookups)
        who = (
            (event.actor.get_full_name() or event.actor.username)
            if event.actor
            else (str(event.actor_contact) if event.actor_contact else _("system"))
        )
        items.append({"who": who, "at": event.created_at, "title": title, "lines": lines})
    return {"items": items, "your_version": version, "current_version": ticket.version}


def _refused(
    request: HttpRequest,
    pk: int,
    exc: DomainError,
    *,
    form_key: str,
    form: djforms.Form,
    rebuild: Callable[[Ticket, dict[str, Any]], djforms.Form],
    dialog: str = "",
) -> HttpResponse:
    """Re-render the ticket page (fresh from the database) with the refusal and the input."""
    ticket = load_ticket(pk)
    language = get_language() or "ru"
    intake_labels = {}
    if ticket.category is not None:
        intake_labels = {f.name: f.label(language) for f in ticket.category.fields.all()}
    overrides: dict[str, Any] = {
        "error": user_message(exc, field_labels=intake_labels),
        "open_dialog": dialog,
    }
    data = form.data.copy()  # type: ignore[attr-defined]
    status = 400
    if isinstance(exc, ConflictError):
        status = 409
        overrides["conflict"] = _conflict(ticket, form.cleaned_data.get("version"), language)
        data["version"] = str(ticket.version)
    rebound = rebuild(ticket, data)
    rebound.is_valid()
    field = exc.details.get("field")
    if isinstance(field, str) and not isinstance(exc, ConflictError):
        target = field if field in rebound.fields else f"f_{field}"
        if target in rebound.fields:
            rebound.add_error(target, overrides["error"])
    overrides[form_key] = rebound
    return render(
        request, "agent/ticket.html", build_context(request, ticket, **overrides), status=status
    )


def _invalid(
    request: HttpRequest, pk: int, *, form_key: str, form: djforms.Form, dialog: str = ""
) -> HttpResponse:
    ticket = load_ticket(pk)
    overrides = {form_key: form, "open_dialog": dialog, "error": _("Please correct the form.")}
    return render(
        request, "agent/ticket.html", build_context(request, ticket, **overrides), status=400
    )


def _done(request: HttpRequest, ticket: Ticket, text: str) -> HttpResponse:
    messages.success(request, text)
    return HttpResponseRedirect(_ticket_url(ticket))


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


# ---------------------------------------------------------------- composer


@staff_required
@require_POST
def compose(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = load_ticket(pk)

    def make(t: Ticket, data: Any) -> djforms.Form:
        return forms.ComposerForm(data, ticket=t)

    form = forms.ComposerForm(request.POST, request.FILES, ticket=ticket)
    if not form.is_valid():
        return _invalid(request, pk, form_key="composer", form=form)
    data = form.cleaned_data
    article = None
    if data.get("article"):
        article = Article.objects.filter(pk=data["article"], is_published=True).first()
    public = data["kind"] == forms.ComposerForm.KIND_REPLY
    uploads = [
        Upload(filename=f.name or "", content=f.read(), content_type=f.content_type or "")
        for f in data["attachments"]
    ]
    try:
        post_entry(
            ticket=ticket,
            actor=_user(request),
            public=public,
            body=data["body"],
            expected_version=data["version"],
            new_status=data.get("new_status") or None,
            article=article if public else None,
            uploads=uploads,
        )
    except DomainError as exc:
        return _refused(request, pk, exc, form_key="composer", form=form, rebuild=make)
    return _done(
        request, ticket, _("Reply sent to the customer.") if public else _("Internal note added.")
    )


# ---------------------------------------------------------------- intake and details


def _intake_form(ticket: Ticket, data: Any) -> forms.IntakeForm:
    fields = list(ticket.category.fields.order_by("position", "pk")) if ticket.category else []
    return forms.IntakeForm(
        data, fields=fields, values=ticket.intake_data, language=get_language() or "ru"
    )


@staff_required
@require_POST
def intake(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = load_ticket(pk)
    form = _intake_form(ticket, request.POST)
    if not form.is_valid():
        return _invalid(request, pk, form_key="intake_form", form=form)
    try:
        lifecycle.update_details(
            ticket=ticket,
            actor=_user(request),
            expected_version=form.cleaned_data["version"],
            intake_data=form.intake_data(),
        )
    except DomainError as exc:
        return _refused(request, pk, exc, form_key="intake_form", form=form, rebuild=_intake_form)
    return _done(request, ticket, _("Intake data saved."))


@staff_required
@require_POST
def details(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = load_ticket(pk)

    def make(t: Ticket, data: Any) -> djforms.Form:
        return forms.DetailsForm(data, ticket=t, language=get_language() or "ru")

    form = make(ticket, request.POST)
    if not form.is_valid():
        return _invalid(request, pk, form_key="details_form", form=form, dialog="details")
    d = form.cleaned_data
    try:
        lifecycle.update_details(
            ticket=ticket,
            actor=_user(request),
            expected_version=d["version"],
            subject=d["subject"],
            category=d.get("category"),
            device=d.get("device"),
            impact=d["impact"],
            urgency=d["urgency"],
        )
    except DomainError as exc:
        return _refused(
            request, pk, exc, form_key="details_form", form=form, rebuild=make, dialog="details"
        )
    return _done(request, ticket, _("Details saved."))


# ---------------------------------------------------------------- assignment


@staff_required
@require_POST
def take(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = load_ticket(pk)
    form = forms.VersionedForm(request.POST)
    if not form.is_valid():
        return _invalid(request, pk, form_key="take_form", form=form)
    try:
        lifecycle.take(
            ticket=ticket, actor=_user(request), expected_version=form.cleaned_data["version"]
        )
    except DomainError as exc:
        return _refused(
            request,
            pk,
            exc,
            form_key="take_form",
            form=form,
            rebuild=lambda t, data: forms.VersionedForm(data),
        )
    return _done(request, ticket, _("The ticket is yours now."))


@staff_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = load_ticket(pk)
    user = _user(request)
    language = get_language() or "ru"
    page = selectors.ticket_page(ticket=ticket, viewer=user)

    def make(t: Ticket, data: Any) -> djforms.Form:
        return forms.AssignForm(
            data,
            ticket=t,
            agents=page.assignable_agents,
            teams=page.teams,
            supervisor=user.is_supervisor,
            language=language,
        )

    form = make(ticket, request.POST)
    if not form.is_valid():
        return _invalid(request, pk, form_key="assign_form", form=form, dialog="assign")
    d = form.cleaned_data
    assignee = next((a for a in page.assignable_agents if a.pk == d.get("assignee")), None)
    team = next((t for t in page.teams if t.pk == d.get("team")), None)
    try:
        if assignee is not None and assignee.tier_id != ticket.tier_id:
            prefill = selectors.handoff_prefill(page, language)
            reason = (d.get("reason") or "").strip()
            down = assignee.tier is not None and assignee.tier.level < ticket.tier.level
            if down and not reason:
                # a lower tier gets the supervisor's own instructions, not just old notes
                raise InvalidInput(
                    "A de-escalation needs instructions for the lower tier.", field="reason"
                )
            lifecycle.reassign_across_tiers(
                ticket=ticket,
                actor=user,
                assignee=assignee,
                team=team,
                reason=reason,
                handoff=lifecycle.Handoff(
                    problem=prefill["problem"],
                    data_collected=prefill["data_collected"],
                    tried=prefill["tried"] or reason,
                ),
                billing_override=bool(d.get("billing_override")),
                expected_version=d["version"],
            )
        else:
            lifecycle.assign(
                ticket=ticket,
                actor=user,
                assignee=assignee,
                team=team,
                expected_version=d["version"],
            )
    except DomainError as exc:
        return _refused(
            request, pk, exc, form_key="assign_form", form=form, rebuild=make, dialog="assign"
        )
    return _done(request, ticket, _("Assignment saved."))


# ---------------------------------------------------------------- status


@staff_required
@require_POST
def status(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = load_ticket(pk)

    def make(t: Ticket, data: Any) -> djforms.Form:
        return forms.StatusForm(data, ticket=t)

    form = make(ticket, request.POST)
    if not form.is_valid():
        return _invalid(request, pk, form_key="status_form", form=form)
    d = form.cleaned_data
    try:
        lifecycle.change_status(
            ticket=ticket,
            actor=_user(request),
            status=d["status"],
            reason=d.get("reason") or "",
            expected_version=d["version"],
        )
    except DomainError as exc:
        return _refused(request, pk, exc, form_key="status_form", form=form, rebuild=make)
    return _done(request, ticket, _("Status changed."))


@staff_required
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = load_ticket(pk)

    def make(t: Ticket, data: Any) -> djforms.Form:
        offered = list(Article.objects.order_by("title").values_list("pk", "title")[:200])
        return forms.ResolveForm(data, offered=offered)

    form = make(ticket, request.POST)
    if not form.is_valid():
        return _invalid(request, pk, form_key="resolve_form", form=form, dialog="resolve")
    d = form.cleaned_data
    article = Article.objects.filter(pk=d["article"]).first() if d.get("article") else None
    try:
        lifecycle.resolve(
            ticket=ticket,
            actor=_user(request),
            resolution_code=d["resolution_code"],
            note=d.get("note") or "",
            article=article,
            expected_version=d["version"],
        )
    except DomainError as exc:
        return _refused(
            request, pk, exc, form_key="resolve_form", form=form, rebuild=make, dialog="resolve"
        )
    return _done(request, ticket, _("Ticket resolved."))


@staff_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = load_ticket(pk)
    try:
        lifecycle.reopen(
            ticket=ticket, actor=_user(request), reason=request.POST.get("reason", "")[:1000]
        )
    except DomainError as exc:
        messages.error(request, user_message(exc))
        return HttpResponseRedirect(_ticket_url(ticket))
    return _done(request, ticket, _("Ticket reopened."))


# ---------------------------------------------------------------- escalation


def _handoff(d: dict[str, Any]) -> lifecycle.Handoff:
    return lifecycle.Handoff(
        problem=d.get("problem") or "",
        data_collected=d.get("data_collected") or "",
        diagnostics=d.get("diagnostics") or "",
        tried=d.get("tried") or "",
    )


def _move(request: HttpRequest, pk: int, *, down: bool) -> HttpResponse:
    ticket = load_ticket(pk)
    language = get_language() or "ru"
    tiers = list(Tier.objects.order_by("level"))
    teams = list(Team.objects.select_related("tier").order_by("tier__level", "name"))
    user = _user(request)

    def make(t: Ticket, data: Any) -> djforms.Form:
        if down:
            return forms.DeescalateForm(data, ticket=t, tiers=tiers, teams=teams, language=language)
        return forms.EscalateForm(
            data, ticket=t, tiers=tiers, teams=teams, user=user, language=language
        )

    key, dialog = ("deescalate_form", "deescalate") if down else ("escalate_form", "escalate")
    form = make(ticket, request.POST)
    if not form.is_valid():
        return _invalid(request, pk, form_key=key, form=form, dialog=dialog)
    d = form.cleaned_data
    to_tier = next(t for t in tiers if t.pk == d["to_tier"])
    to_team = next((t for t in teams if t.pk == d.get("to_team")), None)
    try:
        lifecycle.escalate(
            ticket=ticket,
            actor=user,
            to_tier=to_tier,
            to_team=to_team,
            handoff=_handoff(d),
            reason=d.get("reason") or "",
            expected_version=d["version"],
            billing_override=bool(d.get("billing_override")),
        )
    except DomainError as exc:
        return _refused(request, pk, exc, form_key=key, form=form, rebuild=make, dialog=dialog)
    name = to_tier.display_name(language)
    text = (
        _("De-escalated to %(tier)s with instructions.")
        if down
        else _("Escalated to %(tier)s with the hand-off.")
    )
    messages.success(request, text % {"tier": name})
    # The ticket left the agent's tier: back to his queue unless he may still work it.
    if not user.is_supervisor and user.tier_id != to_tier.pk:
        return HttpResponseRedirect("/agent/")
    return HttpResponseRedirect(_ticket_url(ticket))


@staff_required
@require_POST
def escalate(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, down=False)


@staff_required
@require_POST
def deescalate(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, down=True)


@staff_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = load_ticket(pk)
    try:
        lifecycle.accept_escalation(ticket=ticket, actor=_user(request))
    except DomainError as exc:
        messages.error(request, user_message(exc))
        return HttpResponseRedirect(_ticket_url(ticket))
    return _done(request, ticket, _("Escalation accepted; the ticket is yours."))


# ---------------------------------------------------------------- time


@staff_required
@require_POST
def log_time(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = load_ticket(pk)
    form = forms.TimeForm(request.POST)
    if not form.is_valid():
        return _invalid(request, pk, form_key="time_form", form=form)
    d = form.cleaned_data
    try:
        billing.log_time(
            ticket=ticket,
            agent=_user(request),
            minutes=d["minutes"],
            note=d.get("note") or "",
            work_date=d.get("work_date"),
        )
    except DomainError as exc:
        return _refused(
            request,
            pk,
            exc,
            form_key="time_form",
            form=form,
            rebuild=lambda t, data: forms.TimeForm(data),
        )
    return _done(request, ticket, _("%(n)d min logged.") % {"n": d["minutes"]})
