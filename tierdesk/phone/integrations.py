"""Telephony integrations (one per PBX) and their tokens. Only the SHA-256 of a token is
stored; the token itself is shown once, when it is created or replaced."""

from __future__ import annotations

import hashlib
import secrets

from tierdesk.core.errors import InvalidInput
from tierdesk.phone.models import CtiIntegration


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_integration(*, name: str) -> tuple[CtiIntegration, str]:
    """A new telephony integration and its token (returned once; only its hash is kept)."""
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("The integration needs a name.", field="name")
    if len(name) > 100:
        raise InvalidInput("The name is longer than 100 characters.", field="name")
    if CtiIntegration.objects.filter(name__iexact=name).exists():
        raise InvalidInput(f"A telephony integration named {name!r} exists already.", field="name")
    integration = CtiIntegration(name=name)
    token = assign_token(integration)
    integration.save()
    return integration, token


def assign_token(integration: CtiIntegration) -> str:
    """Give the (saved or unsaved) integration a fresh token; the caller saves it."""
    token = secrets.token_urlsafe(32)
    integration.token_hash = hash_token(token)
    integration.token_prefix = token[:8]
    return token


def set_new_token(*, integration: CtiIntegration) -> str:
    """Replace the integration's token (the old one stops working at once)."""
    token = assign_token(integration)
    integration.save(update_fields=["token_hash", "token_prefix"])
    return token


def authenticate(token: str) -> CtiIntegration | None:
    """The active integration owning ``token``, or None."""
    token = (token or "").strip()
    if not token or len(token) > 200:
        return None
    return CtiIntegration.objects.filter(token_hash=hash_token(token), is_active=True).first()
