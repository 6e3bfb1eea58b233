"""Schemas shared by the routers: references, problem details, the error responses."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field


class Input(Schema):
    """Request bodies refuse unknown fields, so a typo is an error and not a silent no-op."""

    model_config = ConfigDict(extra="forbid")


class Ref(Schema):
    id: int
    name: str


class UserRef(Schema):
    id: int
    username: str
    name: str


class FieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details (served as ``application/problem+json``)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["https://tierdesk.dev/problems/invalid-input"])
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    errors: list[FieldError] | None = None


def errors(*codes: int) -> dict[int, Any]:
    return {code: Problem for code in codes}


# Every authenticated operation may answer these.
READ_ERRORS = errors(401, 403, 404, 422)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)


def ref(obj: Any, name_attr: str = "name") -> dict[str, Any] | None:
    if obj is None:
        return None
    return {"id": obj.pk, "name": str(getattr(obj, name_attr, "") or obj)}


def user_ref(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.get_full_name() or user.username,
    }


def page(rows: Any, next_cursor: str | None) -> dict[str, Any]:
    """A page of a list: ninja validates the rows against the page's item schema."""
    return {"items": list(rows), "next_cursor": next_cursor}
