"""API test helpers: a client per role, authenticated by real personal tokens."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from django.test import Client

from tierdesk.api import tokens


@dataclasses.dataclass
class Api:
    """A test client that sends ``Authorization: Bearer <token>`` (or nothing)."""

    token: str | None
    client: Client = dataclasses.field(default_factory=Client)

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = dict(extra or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def get(self, path: str, params: dict[str, Any] | None = None, **kw: Any) -> Any:
        return self.client.get(
            "/api/v1" + path, params or {}, headers=self._headers(kw.get("headers"))
        )

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        data = kw.get("raw", json.dumps(body if body is not None else {}))
        return self.client.post(
            "/api/v1" + path,
            data,
            content_type="application/json",
            headers=self._headers(kw.get("headers")),
        )

    def patch(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.client.patch(
            "/api/v1" + path,
            json.dumps(body or {}),
            content_type="application/json",
            headers=self._headers(kw.get("headers")),
        )

    def delete(self, path: str, **kw: Any) -> Any:
        return self.client.delete("/api/v1" + path, headers=self._headers(kw.get("headers")))


def token_for(user: Any, scope: str = "write") -> str:
    return tokens.create_token(user=user, scope=scope, name="test")[1]


@pytest.fixture
def roles(desk):  # type: ignore[no-untyped-def]
    """One API client per role of the permission matrix."""
    revoked_row, revoked = tokens.create_token(user=desk.agents[1], scope="write", name="old")
    tokens.revoke_token(token=revoked_row)
    return {
        "customer_a": Api(token_for(desk.contact.user)),
        "manager_a": Api(token_for(desk.manager.user)),
        "customer_b": Api(token_for(desk.other_contact.user)),
        "l1": Api(token_for(desk.agents[1])),
        "l2": Api(token_for(desk.agents[2])),
        "l3": Api(token_for(desk.agents[3])),
        "supervisor": Api(token_for(desk.supervisor)),
        "admin": Api(token_for(desk.admin)),
        "anonymous": Api(None),
        "revoked": Api(revoked),
        "l1_read": Api(token_for(desk.agents[1], scope="read")),
    }


def assert_problem(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json"), response["Content-Type"]
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"].startswith("https://")
    if code is not None:
        assert body["code"] == code, body
    return body


@pytest.fixture(autouse=True)
def _fresh_webhook_cache():  # type: ignore[no-untyped-def]
    from tierdesk.webhooks.services import forget_wanted_events

    forget_wanted_events()
    yield
    forget_wanted_events()
