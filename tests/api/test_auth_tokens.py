"""Personal API tokens (command line, profile page, /me/tokens) and browser-session auth."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from tests.api.conftest import Api, assert_problem
from tests.factories import make_contact
from tierdesk.api import tokens
from tierdesk.api.models import ApiToken
from tierdesk.customers.models import ContactEmail

pytestmark = pytest.mark.django_db


def _cli(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_cli_creates_a_token_printed_alone_on_the_last_line(desk):  # type: ignore[no-untyped-def]
    lines = _cli("create", "l1", "--scope", "write", "--name", "monitoring")
    raw = lines[-1]
    assert raw.startswith("tdk_") and " " not in raw
    row = ApiToken.objects.get()
    assert row.user == desk.agents[1] and row.scope == "write" and row.name == "monitoring"
    # stored hashed: the token itself is nowhere in the row
    assert row.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.values().get())
    me = Api(raw).get("/me").json()
    assert me["user"]["username"] == "l1" and me["kind"] == "agent" and me["scope"] == "write"
    assert me["tier"] == 1


def test_cli_finds_a_customer_by_any_of_his_addresses(desk):  # type: ignore[no-untyped-def]
    ContactEmail.objects.create(contact=desk.contact, email="anna.home@mail.example")
    for address in ("anna@romashka.example", "ANNA.HOME@mail.example"):
        raw = _cli("create", address)[-1]
        me = Api(raw).get("/me").json()
        assert me["kind"] == "customer" and me["contact"]["id"] == desk.contact.pk
        assert me["scope"] == "read"
    with pytest.raises(CommandError, match="No user"):
        _cli("create", "nobody@nowhere.example")
    no_login = make_contact("nologin@romashka.example", desk.org)
    with pytest.raises(CommandError, match="No user"):
        _cli("create", no_login.email)


def test_cli_revokes_by_id_prefix_or_token(desk):  # type: ignore[no-untyped-def]
    raws = [_cli("create", "l1")[-1] for _ in range(3)]
    rows = list(ApiToken.objects.order_by("pk"))
    _cli("revoke", str(rows[0].pk))
    _cli("revoke", rows[1].prefix)
    _cli("revoke", raws[2])
    for raw in raws:
        assert_problem(Api(raw).get("/me"), 401, "not_authenticated")
    listing = "\n".join(_cli("list", "l1"))
    assert listing.count("revoked") == 3
    with pytest.raises(CommandError):
        _cli("revoke", "tdk_unknown")


def test_expired_deactivated_and_garbage_tokens_are_refused(desk):  # type: ignore[no-untyped-def]
    row, raw = tokens.create_token(
        user=desk.agents[2], expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert Api(raw).get("/me").status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert_problem(Api(raw).get("/me"), 401)
    _row, raw2 = tokens.create_token(user=desk.agents[3])
    desk.agents[3].is_active = False
    desk.agents[3].save()
    assert_problem(Api(raw2).get("/me"), 401)
    response = Client().get("/api/v1/me", headers={"Authorization": "Basic Zm9vOmJhcg=="})
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert_problem(Api("tdk_" + "x" * 43).get("/me"), 401)


def test_last_used_is_recorded(desk):  # type: ignore[no-untyped-def]
    row, raw = tokens.create_token(user=desk.agents[1])
    assert row.last_used_at is None
    Api(raw).get("/me")
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_me_tokens_endpoints(roles, desk):  # type: ignore[no-untyped-def]
    api = roles["customer_a"]
    made = api.post("/me/tokens", {"name": "Excel", "scope": "read"})
    assert made.status_code == 201
    raw = made.json()["token"]
    assert Api(raw).get("/me").json()["contact"]["id"] == desk.contact.pk
    listed = api.get("/me/tokens").json()["items"]
    assert "Excel" in [t["name"] for t in listed]
    assert all("token" not in t for t in listed)
    assert api.delete(f"/me/tokens/{made.json()['id']}").status_code == 204
    assert_problem(Api(raw).get("/me"), 401)
    assert_problem(api.post("/me/tokens", {"scope": "admin"}), 422)


def test_session_auth_needs_csrf_for_writes(desk):  # type: ignore[no-untyped-def]
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(desk.agents[1])
    assert browser.get("/api/v1/me").json()["user"]["username"] == "l1"
    body = json.dumps({"subject": "From the browser", "requester_id": desk.contact.pk})
    refused = browser.post("/api/v1/tickets", body, content_type="application/json")
    assert_problem(refused, 403, "csrf_failed")
    browser.get("/api/v1/account/tokens/")  # any page that sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    made = browser.post(
        "/api/v1/tickets", body, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert made.status_code == 201, made.content
    # a customer's session sees what the portal shows him
    customer = Client()
    customer.force_login(desk.other_contact.user)
    assert customer.get("/api/v1/tickets").json()["items"] == []
    assert_problem(customer.get(f"/api/v1/tickets/{made.json()['id']}"), 404)


def test_profile_page_creates_and_revokes_tokens(desk):  # type: ignore[no-untyped-def]
    browser = Client()
    assert browser.get("/api/v1/account/tokens/").status_code == 302  # sign in first
    browser.force_login(desk.contact.user)
    page = browser.post(
        "/api/v1/account/tokens/", {"action": "create", "name": "Phone app", "scope": "write"}
    )
    assert page.status_code == 200
    raw = page.context["new_token"]
    assert raw.encode() in page.content
    assert Api(raw).get("/me").json()["contact"]["id"] == desk.contact.pk
    row = ApiToken.objects.get(name="Phone app")
    assert row.user == desk.contact.user and row.scope == "write"
    again = browser.get("/api/v1/account/tokens/")
    assert raw.encode() not in again.content and row.prefix.encode() in again.content
    assert "API-токены" in again.content.decode()  # Russian by default
    english = browser.get("/api/v1/account/tokens/", headers={"Accept-Language": "en"})
    assert "API tokens" in english.content.decode()
    browser.post("/api/v1/account/tokens/", {"action": "revoke", "token_id": row.pk})
    assert_problem(Api(raw).get("/me"), 401)
    # another user's token cannot be revoked from here
    other, other_raw = tokens.create_token(user=desk.agents[1])
    browser.post("/api/v1/account/tokens/", {"action": "revoke", "token_id": other.pk})
    assert Api(other_raw).get("/me").status_code == 200


def test_one_error_format_outside_ninja_too(roles):  # type: ignore[no-untyped-def]
    assert_problem(roles["l1"].get("/no/such/endpoint"), 404, "not_found")
    response = roles["l1"].client.put(
        "/api/v1/tickets",
        "{}",
        content_type="application/json",
        headers={"Authorization": f"Bearer {roles['l1'].token}"},
    )
    problem = assert_problem(response, 405, "method_not_allowed")
    assert "GET" in problem["detail"] and response["Allow"]
    assert_problem(roles["l1"].get("/tickets", {"limit": 1000}), 422, "validation_failed")
    assert_problem(roles["l1"].get("/tickets", {"cursor": "garbage!"}), 422)
    # found by Schemathesis: an id beyond 64 bits is bad input, not a crash
    huge = 2**80
    response = roles["l1"].get("/tickets", {"team_id": huge})
    assert response.status_code in (200, 422), response.content
    if response.status_code == 422:
        assert_problem(response, 422, "out_of_range")
    assert roles["l1"].get(f"/tickets/{huge}").status_code in (404, 422)


def test_interactive_docs_are_served_locally_with_csrf(client):  # type: ignore[no-untyped-def]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert b'data-api-csrf="true"' in page.content  # "Try it out" works with the session
    assert b"cdn.jsdelivr" not in page.content  # a self-hosted desk needs no CDN
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "tierdesk API"
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"]["in"] == "cookie"
