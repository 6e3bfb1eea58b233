"""Who may enter the agent workspace: active staff (agents, supervisors, admins).

``staff_required`` (for function views) and ``StaffRequiredMixin`` (for class-based views) are
what every staff page uses, including other apps' pages that extend ``agent/base.html``:
anonymous visitors go to the login page, customers are sent to the portal, other users get 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase

PORTAL_URL = "/portal/"

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def refuse_non_staff(request: HttpRequest) -> HttpResponse | None:
    """The response that keeps a non-staff visitor out, or ``None`` for staff."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if getattr(user, "is_staff_member", False):
        return None
    if getattr(user, "is_customer", False):
        return HttpResponseRedirect(PORTAL_URL)
    raise PermissionDenied


def staff_required(view: View) -> View:
    """Decorator for views open to active agents, supervisors and admins only."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        refused = refuse_non_staff(request)
        if refused is not None:
            return refused
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def supervisor_required(view: View) -> View:
    """Decorator for views open to supervisors and admins only (403 for other agents)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        refused = refuse_non_staff(request)
        if refused is not None:
            return refused
        if not getattr(request.user, "is_supervisor", False):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class StaffRequiredMixin:
    """Class-based-view counterpart of :func:`staff_required` (put it first in the bases)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = refuse_non_staff(request)
        if refused is not None:
            return refused
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
