"""Who is calling the API: a personal token (``Authorization: Bearer tdk_…``) or the browser's
session (with Django's CSRF check on writes). Both yield a :class:`Principal` in
``request.auth``; handlers take their permissions from it.

A read-scope token may only read: any other method is refused with 403 before the handler runs.
A customer's principal carries his contact, and sees what the portal shows him.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from tierdesk.api import tokens
from tierdesk.api.models import Scope
from tierdesk.core.errors import NotPermitted
from tierdesk.tickets import permissions

if TYPE_CHECKING:
    from tierdesk.accounts.models import User
    from tierdesk.customers.models import Contact

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfFailed(NotPermitted):
    code = "csrf_failed"


class ScopeDenied(NotPermitted):
    code = "insufficient_scope"


@dataclasses.dataclass(frozen=True)
class Principal:
    user: User
    contact: Contact | None
    scope: str
    token_id: int | None = None

    @property
    def is_agent(self) -> bool:
        return permissions.is_agent(self.user)

    @property
    def is_customer(self) -> bool:
        return not self.is_agent and self.contact is not None

    @property
    def is_supervisor(self) -> bool:
        return self.is_agent and self.user.is_supervisor

    @property
    def is_admin(self) -> bool:
        return self.is_agent and self.user.is_admin_role

    @property
    def can_write(self) -> bool:
        return self.scope == Scope.WRITE


def _contact_of(user: User) -> Contact | None:
    try:
        return user.contact  # type: ignore[no-any-return]
    except Exception:  # RelatedObjectDoesNotExist: a user without a contact
        return None


def principal_for(user: User, *, scope: str, token_id: int | None = None) -> Principal | None:
    """A principal for an active agent or an active customer login; None for anyone else."""
    if not user.is_active:
        return None
    contact = None if permissions.is_agent(user) else _contact_of(user)
    if not permissions.is_agent(user) and contact is None:
        return None
    return Principal(user=user, contact=contact, scope=scope, token_id=token_id)


def _check_scope(request: HttpRequest, principal: Principal) -> Principal:
    if request.method not in SAFE_METHODS and not principal.can_write:
        raise ScopeDenied("This token has the read scope; writing needs a token with write scope.")
    return principal


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a personal API token."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        found = tokens.authenticate(token)
        if found is None:
            return None
        principal = principal_for(found.user, scope=found.scope, token_id=found.pk)
        if principal is None:
            return None
        return _check_scope(request, principal)


class SessionAuth(APIKeyCookie):
    """The signed-in browser session. Writes need Django's CSRF token (the ``X-CSRFToken``
    header); the check runs only when a session is present, so a token client without a cookie
    gets 401, not a CSRF error."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        user: Any = getattr(request, "user", None)
        if not key or user is None or not user.is_authenticated:
            return None
        principal = principal_for(user, scope=Scope.WRITE)
        if principal is None:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise CsrfFailed(
                "CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header."
            )
        return principal


API_AUTH = [TokenAuth(), SessionAuth()]


def principal(request: HttpRequest) -> Principal:
    """The caller of an authenticated operation."""
    auth = getattr(request, "auth", None)
    assert isinstance(auth, Principal), "operation without API_AUTH"
    return auth
