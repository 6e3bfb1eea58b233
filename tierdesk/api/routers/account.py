"""The caller himself: who he is, and his personal API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from tierdesk.api import tokens
from tierdesk.api.auth import API_AUTH, principal
from tierdesk.api.models import ApiToken
from tierdesk.api.schemas import READ_ERRORS, WRITE_ERRORS, Input, Ref, UserRef, page, ref, user_ref
from tierdesk.core.errors import NotFound

router = Router(tags=["account"], auth=API_AUTH)


class MeOut(Schema):
    user: UserRef
    kind: Literal["agent", "customer"]
    role: str
    tier: int | None
    contact: Ref | None
    organization: Ref | None
    is_org_manager: bool
    scope: Literal["read", "write"]
    token_id: int | None


@router.get("/me", response={200: MeOut, **READ_ERRORS}, summary="Who am I")
def me(request: HttpRequest) -> dict[str, Any]:
    p = principal(request)
    contact = p.contact
    return {
        "user": user_ref(p.user),
        "kind": "agent" if p.is_agent else "customer",
        "role": p.user.role,
        "tier": p.user.tier.level if p.is_agent and p.user.tier is not None else None,
        "contact": ref(contact) if contact is not None else None,
        "organization": ref(contact.organization) if contact is not None else None,
        "is_org_manager": bool(contact and contact.is_org_manager),
        "scope": p.scope,
        "token_id": p.token_id,
    }


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scope: Literal["read", "write"]
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="The token itself. Shown once: store it now.")


class TokenIn(Input):
    name: str = Field("", max_length=100)
    scope: Literal["read", "write"] = "read"
    expires_at: dt.datetime | None = None


class TokenList(Schema):
    items: list[TokenOut]
    next_cursor: str | None


@router.get("/me/tokens", response={200: TokenList, **READ_ERRORS}, summary="My API tokens")
def list_tokens(request: HttpRequest) -> dict[str, Any]:
    rows = list(ApiToken.objects.filter(user=principal(request).user).order_by("-pk")[:100])
    return page(rows, None)


@router.post("/me/tokens", response={201: NewTokenOut, **WRITE_ERRORS}, summary="New token")
def create_token(request: HttpRequest, payload: TokenIn) -> Status:
    """Create a personal token. The answer is the only time the token is shown (it is stored
    hashed), so this operation takes no Idempotency-Key: a replay would have to keep it."""
    p = principal(request)
    row, raw = tokens.create_token(
        user=p.user,
        scope=payload.scope,
        name=payload.name,
        actor=p.user,
        expires_at=payload.expires_at,
    )
    out = NewTokenOut(**TokenOut.from_orm(row).model_dump(), token=raw)
    return Status(201, out)


@router.delete(
    "/me/tokens/{token_id}", response={204: None, **WRITE_ERRORS}, summary="Revoke a token"
)
def revoke_token(request: HttpRequest, token_id: int) -> Status:
    p = principal(request)
    row = ApiToken.objects.filter(user=p.user, pk=token_id).first()
    if row is None:
        raise NotFound(f"No token {token_id}.")
    tokens.revoke_token(token=row, actor=p.user)
    return Status(204, None)
