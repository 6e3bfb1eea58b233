"""Who may use the portal: a signed-in customer whose login is linked to a contact.

``customer_required`` puts that contact on ``request.contact``. Anonymous visitors go to the
portal sign-in; staff are sent to their workspace (the portal is the customers' side).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase

from tierdesk.customers.models import Contact

LOGIN_URL = "/portal/login/"

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def contact_of(user: Any) -> Contact | None:
    """The contact a customer login belongs to (None for staff, anonymous, inactive)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if not getattr(user, "is_customer", False):
        return None
    cached = getattr(user, "_portal_contact", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    contact = Contact.objects.select_related("organization").filter(user=user).first()
    user._portal_contact = contact
    return contact


def customer_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), LOGIN_URL)
        if getattr(user, "is_staff_member", False):
            return HttpResponseRedirect("/agent/")
        contact = contact_of(user)
        if contact is None:
            raise PermissionDenied
        request.contact = contact  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def is_agent(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_staff_member", False))
