"""The profile page where a signed-in user (agent or customer) manages his API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tierdesk.api import tokens
from tierdesk.api.models import ApiToken, Scope
from tierdesk.core.errors import DomainError


@login_required
@require_http_methods(["GET", "POST"])
def token_page(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    new_token = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "create":
                _row, new_token = tokens.create_token(
                    user=user,
                    scope=request.POST.get("scope", Scope.READ),
                    name=request.POST.get("name", ""),
                    actor=user,
                )
            elif action == "revoke":
                row = ApiToken.objects.filter(
                    user=user, pk=_int(request.POST.get("token_id"))
                ).first()
                if row is None:
                    messages.error(request, _("No such token."))
                else:
                    tokens.revoke_token(token=row, actor=user)
                    messages.success(request, _("The token was revoked."))
                    return redirect("api-token-page")
        except DomainError as exc:
            messages.error(request, exc.message)
    rows = ApiToken.objects.filter(user=user).order_by("-pk")[:100]
    return render(
        request,
        "api/tokens.html",
        {"tokens": rows, "new_token": new_token, "scopes": Scope.choices},
    )


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0
