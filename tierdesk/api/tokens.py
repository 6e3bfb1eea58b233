"""Personal API tokens: create, authenticate, revoke (services; the CLI, the profile page and the
``/me/tokens`` endpoints call these).

A token is ``tdk_`` followed by 43 URL-safe characters (256 random bits). Only its SHA-256 is
stored: the tokens are random, so a slow password hash would add nothing but latency.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q

from tierdesk.api.models import ApiToken, Scope
from tierdesk.core import clock
from tierdesk.core.errors import InvalidInput, NotFound, NotPermitted

if TYPE_CHECKING:
    from tierdesk.accounts.models import User

TOKEN_PREFIX = "tdk_"
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = dt.timedelta(seconds=60)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def find_user(identifier: str) -> User:
    """The user named by ``identifier``: a username, or a customer's e-mail address (the portal
    login of the contact who writes from it)."""
    from tierdesk.accounts.models import User
    from tierdesk.customers.models import ContactEmail

    ident = (identifier or "").strip()
    if not ident:
        raise InvalidInput("Name a user: a username or a customer's e-mail address.")
    user = User.objects.filter(username=ident).first()
    if user is None and "@" in ident:
        row = (
            ContactEmail.objects.select_related("contact__user")
            .filter(email__iexact=ident, contact__user__isnull=False)
            .first()
        )
        if row is not None:
            user = row.contact.user
        if user is None:
            user = (
                User.objects.filter(Q(username__iexact=ident) | Q(email__iexact=ident))
                .order_by("pk")
                .first()
            )
    if user is None:
        raise NotFound(f"No user {ident!r} (give a username or a customer's e-mail address).")
    return user


def _can_manage(actor: User | None, user: User) -> bool:
    if actor is None:  # the command line: the operator of the installation
        return True
    return bool(actor.pk == user.pk or actor.is_admin_role)


@transaction.atomic
def create_token(
    *,
    user: User,
    scope: str = Scope.READ,
    name: str = "",
    actor: User | None = None,
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the token (shown once, never stored)."""
    if scope not in Scope.values:
        raise InvalidInput(f"Unknown scope {scope!r}; use read or write.", field="scope")
    if not user.is_active:
        raise InvalidInput(f"User {user.username} is not active.", field="user")
    if not _can_manage(actor, user):
        raise NotPermitted("You may create tokens only for yourself.")
    name = " ".join((name or "").split())[:100]
    now = clock.now()
    if expires_at is not None and expires_at <= now:
        raise InvalidInput("The expiry must be in the future.", field="expires_at")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[:12],
        key_hash=hash_token(raw),
        scope=scope,
        created_at=now,
        created_by=actor,
        expires_at=expires_at,
    )
    return token, raw


def authenticate(raw: str) -> ApiToken | None:
    """The live token for ``raw`` (with its user loaded), or None when it is unknown, revoked,
    expired or its user is deactivated."""
    raw = (raw or "").strip()
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__contact")
        .filter(key_hash=hash_token(raw))
        .first()
    )
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = clock.now()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


@transaction.atomic
def revoke_token(*, token: ApiToken, actor: User | None = None) -> ApiToken:
    """Revoke ``token`` at once (idempotent: a revoked token stays revoked as it was)."""
    if not _can_manage(actor, token.user):
        raise NotPermitted("You may revoke only your own tokens.")
    fresh = ApiToken.objects.select_for_update().get(pk=token.pk)
    if fresh.revoked_at is None:
        fresh.revoked_at = clock.now()
        fresh.revoked_by = actor
        fresh.save(update_fields=["revoked_at", "revoked_by"])
    token.revoked_at, token.revoked_by = fresh.revoked_at, fresh.revoked_by
    return fresh


def find_token(reference: str, *, user: User | None = None) -> ApiToken:
    """A token by its id, its prefix or the whole token (to revoke it from the command line)."""
    ref = (reference or "").strip()
    qs = ApiToken.objects.select_related("user")
    if user is not None:
        qs = qs.filter(user=user)
    if ref.isdigit():
        found = qs.filter(pk=int(ref)).first()
    elif ref.startswith(TOKEN_PREFIX) and len(ref) > 16:
        found = qs.filter(key_hash=hash_token(ref)).first()
    else:
        matches = list(qs.filter(prefix__startswith=ref)[:2]) if len(ref) >= 8 else []
        if len(matches) > 1:
            raise InvalidInput(f"{ref!r} matches several tokens; give the id.")
        found = matches[0] if matches else None
    if found is None:
        raise NotFound(f"No token {ref!r}.")
    return found
