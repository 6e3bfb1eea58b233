"""Every API endpoint × every role: who may read or change what.

Roles: a customer of organisation A, his organisation's manager, a customer of organisation
B, an L1 agent, a supervisor, an administrator, an anonymous caller, a revoked token, and an
L1 read-scope token. Each call runs in a savepoint that is rolled back, so every role meets
the same desk. A customer of B meets A's objects exactly as if they did not exist (404).
"""

from __future__ import annotations

import base64
import dataclasses
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from tests.api.conftest import Api, assert_problem
from tests.factories import handoff
from tierdesk.api import tokens
from tierdesk.api.urls import api as ninja_api
from tierdesk.billing import services as billing
from tierdesk.kb.models import Article, Visibility
from tierdesk.phone import services as phone
from tierdesk.phone.models import Call, Callback, CallState, Source
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import Ticket
from tierdesk.vendors import services as vendors
from tierdesk.webhooks import services as webhooks

pytestmark = pytest.mark.django_db

ROLES = [
    "customer_a",
    "manager_a",
    "customer_b",
    "l1",
    "supervisor",
    "admin",
    "anonymous",
    "revoked",
    "l1_read",
]
AGENTS = ("l1", "supervisor", "admin")


@dataclasses.dataclass
class World:
    ids: dict[str, int]


@pytest.fixture
def world(roles, desk):  # type: ignore[no-untyped-def]
    l1 = roles["l1"]
    files = [{"filename": "photo.txt", "content_base64": base64.b64encode(b"x").decode()}]
    ta = l1.post(
        "/tickets",
        {
            "subject": "A: printer",
            "requester_id": desk.contact.pk,
            "category_id": desk.category.pk,
            "intake_data": {"device_model": "LaserJet"},
            "attachments": files,
        },
    ).json()
    ta2 = l1.post("/tickets", {"subject": "A: duplicate", "requester_id": desk.contact.pk}).json()
    tb = l1.post("/tickets", {"subject": "B: router", "requester_id": desk.other_contact.pk})
    escalated = desk.ticket(intake_data={"device_model": "LaserJet"})
    lifecycle.escalate(
        ticket=escalated, actor=desk.agents[1], to_tier=desk.tiers[2], handoff=handoff()
    )
    resolved = desk.ticket()
    lifecycle.resolve(ticket=resolved, actor=desk.agents[1], resolution_code="solved")
    vendor_entry = lifecycle.add_vendor_message(
        ticket=desk.ticket(), body="Vendor says: firmware 2.1", return_to_tier=False
    )
    [attachment] = l1.get(f"/tickets/{ta['id']}/attachments").json()["items"]
    spare, _raw = tokens.create_token(user=desk.agents[1], scope="read", name="spare")
    sub = webhooks.create_subscription(
        actor=desk.admin,
        name="CRM",
        url="http://127.0.0.1:9/hook",
        events=["ticket.created"],
        allow_private_network=True,
    )
    delivery = webhooks.ping(actor=desk.admin, subscription=sub)
    public_article = Article.objects.create(title="Принтер не печатает", resolution="Шаги")
    internal_article = Article.objects.create(
        title="Принтер: сервисный режим", resolution="Шаги", visibility=Visibility.INTERNAL
    )
    quote = billing.create_quote(
        ticket=Ticket.objects.get(pk=ta["id"]),
        tier=desk.tiers[3],
        estimated_minutes=60,
        actor=desk.agents[1],
        send=False,
    )
    at_l3 = desk.ticket(intake_data={"device_model": "LaserJet"})
    lifecycle.escalate(
        ticket=at_l3,
        actor=desk.supervisor,
        to_tier=desk.tiers[3],
        handoff=handoff(),
        billing_override=True,
    )
    at_l3_case = desk.ticket(intake_data={"device_model": "LaserJet"})
    lifecycle.escalate(
        ticket=at_l3_case,
        actor=desk.supervisor,
        to_tier=desk.tiers[3],
        handoff=handoff(),
        billing_override=True,
    )
    case = vendors.open_vendor_case(
        ticket=at_l3_case, actor=desk.agents[3], vendor=desk.vendor, body="Please help"
    )
    call = phone.log_call(actor=desk.agents[1], number="+74951234567", notes="Не печатает")
    missed = Call.objects.create(
        call_id="pbx-1",
        source=Source.CTI,
        direction="in",
        state=CallState.ENDED,
        customer_number="+74951234568",
        started_at=timezone.now(),
        callback=Callback.PENDING,
    )
    return World(
        ids={
            "ta": ta["id"],
            "ta2": ta2["id"],
            "tb": tb.json()["id"],
            "escalated": escalated.pk,
            "resolved": resolved.pk,
            "vendor_entry": vendor_entry.pk,
            "attachment": attachment["id"],
            "anna": desk.contact.pk,
            "org_a": desk.org.pk,
            "device_a": desk.device_in_warranty.pk,
            "category": desk.category.pk,
            "l1": desk.agents[1].pk,
            "spare_token": spare.pk,
            "subscription": sub.pk,
            "delivery": delivery.pk,
            "public_article": public_article.pk,
            "internal_article": internal_article.pk,
            "quote": quote.pk,
            "at_l3": at_l3.pk,
            "case": case.pk,
            "vendor": desk.vendor.pk,
            "call": call.pk,
            "missed": missed.pk,
        }
    )


def expect(
    *,
    customer_a: int,
    customer_b: int,
    agents: int | dict[str, int],
    manager_a: int | None = None,
) -> dict[str, int]:
    agent_codes = agents if isinstance(agents, dict) else dict.fromkeys(AGENTS, agents)
    return {
        "customer_a": customer_a,
        "manager_a": customer_a if manager_a is None else manager_a,
        "customer_b": customer_b,
        **agent_codes,
        "anonymous": 401,
        "revoked": 401,
    }


OWN = expect(customer_a=200, customer_b=404, agents=200)  # A's object: A and agents
AGENT_ONLY = expect(customer_a=403, customer_b=404, agents=200)
EVERYONE = expect(customer_a=200, customer_b=200, agents=200)
STAFF = expect(customer_a=403, customer_b=403, agents=200)
ADMIN_ONLY = expect(
    customer_a=403, customer_b=403, agents={"l1": 403, "supervisor": 403, "admin": 200}
)
HANDOFF = {"problem": "Error 52", "tried": "Restart", "diagnostics": "Log"}

# (method, path, body, expected status per role). "{x}" is an id from the world.
MATRIX: list[tuple[str, str, Any, dict[str, int]]] = [
    ("GET", "/tickets", None, EVERYONE),
    (
        "POST",
        "/tickets",
        {"subject": "for Anna", "requester_id": "{anna}"},
        expect(customer_a=201, manager_a=403, customer_b=403, agents=201),
    ),
    ("GET", "/tickets/{ta}", None, OWN),
    ("PATCH", "/tickets/{ta}", {"subject": "Renamed"}, AGENT_ONLY),
    ("POST", "/tickets/{ta}/assign", {"assignee_id": "{l1}"}, AGENT_ONLY),
    ("POST", "/tickets/{ta}/status", {"status": "pending_customer"}, AGENT_ONLY),
    ("POST", "/tickets/{ta}/escalate", {"to_tier": 2, "handoff": HANDOFF}, AGENT_ONLY),
    ("GET", "/tickets/{ta}/escalations", None, AGENT_ONLY),
    (
        "POST",
        "/tickets/{escalated}/accept",
        None,
        expect(
            customer_a=403,
            customer_b=404,
            agents={"l1": 403, "supervisor": 200, "admin": 200},
        ),
    ),
    (
        "POST",
        "/tickets/{ta}/approvals",
        {"tier": 3, "note": "critical customer"},
        expect(
            customer_a=403,
            customer_b=404,
            agents={"l1": 403, "supervisor": 201, "admin": 201},
        ),
    ),
    ("GET", "/tickets/{ta}/time-entries", None, AGENT_ONLY),
    (
        "POST",
        "/tickets/{ta}/time-entries",
        {"minutes": 10, "note": "diagnosis"},
        expect(customer_a=403, customer_b=404, agents=201),
    ),
    ("GET", "/tickets/{ta}/quotes", None, OWN),
    (
        "POST",
        "/tickets/{ta}/quotes",
        {"tier": 3, "estimated_minutes": 60, "send": False},
        expect(customer_a=403, customer_b=404, agents=201),
    ),
    ("POST", "/quotes/{quote}/approve", None, expect(customer_a=200, customer_b=404, agents=403)),
    ("POST", "/quotes/{quote}/decline", {}, expect(customer_a=200, customer_b=404, agents=403)),
    ("GET", "/kb/search?q=принтер", None, EVERYONE),
    ("GET", "/kb/articles", None, EVERYONE),
    ("GET", "/kb/articles/{public_article}", None, EVERYONE),
    (
        "GET",
        "/kb/articles/{internal_article}",
        None,
        expect(customer_a=404, customer_b=404, agents=200),
    ),
    (
        "POST",
        "/kb/articles/{public_article}/solved",
        {"query": "принтер"},
        expect(customer_a=201, customer_b=201, agents=201),
    ),
    ("GET", "/vendors", None, STAFF),
    ("GET", "/vendor-cases", None, STAFF),
    ("GET", "/vendor-cases/{case}", None, STAFF),
    (
        "POST",
        "/tickets/{at_l3}/vendor-cases",
        {"vendor_id": "{vendor}", "body": "Error 13.A2"},
        expect(customer_a=403, customer_b=404, agents=201),
    ),
    (
        "POST",
        "/vendor-cases/{case}/messages",
        {"body": "Any news?"},
        expect(customer_a=403, customer_b=403, agents=201),
    ),
    ("PATCH", "/vendor-cases/{case}", {"vendor_reference": "HP-1"}, STAFF),
    ("POST", "/vendor-cases/{case}/close", {"note": "done"}, STAFF),
    ("GET", "/calls", None, STAFF),
    ("GET", "/calls/{call}", None, STAFF),
    (
        "POST",
        "/calls",
        {"number": "+74951234567"},
        expect(customer_a=403, customer_b=403, agents=201),
    ),
    ("POST", "/calls/{call}/file", {"outcome": "none"}, STAFF),
    ("POST", "/calls/{missed}/callback-done", {}, STAFF),
    (
        "POST",
        "/tickets/{resolved}/csat",
        {"score": 5},
        expect(customer_a=200, customer_b=404, agents=403),
    ),
    ("POST", "/tickets/{ta}/merge", {"into_id": "{ta2}"}, AGENT_ONLY),
    ("GET", "/tickets/{ta}/entries", None, OWN),
    (
        "POST",
        "/tickets/{ta}/replies",
        {"body": "Any news?"},
        expect(customer_a=201, customer_b=404, agents=201),
    ),
    (
        "POST",
        "/tickets/{ta}/notes",
        {"body": "internal"},
        expect(customer_a=403, customer_b=404, agents=201),
    ),
    ("POST", "/entries/{vendor_entry}/share", None, STAFF),
    ("GET", "/tickets/{ta}/attachments", None, OWN),
    ("GET", "/attachments/{attachment}", None, OWN),
    ("GET", "/attachments/{attachment}/content", None, OWN),
    ("GET", "/contacts", None, EVERYONE),
    ("GET", "/contacts/{anna}", None, OWN),
    (
        "POST",
        "/contacts",
        {"name": "New Person", "email": "new.person@romashka.example"},
        expect(customer_a=403, customer_b=403, agents=201),
    ),
    ("GET", "/organizations", None, EVERYONE),
    ("GET", "/organizations/{org_a}", None, OWN),
    ("GET", "/devices", None, EVERYONE),
    ("GET", "/devices/{device_a}", None, OWN),
    ("GET", "/categories", None, EVERYONE),
    ("GET", "/categories/{category}", None, EVERYONE),
    ("GET", "/tiers", None, STAFF),
    ("GET", "/agents", None, STAFF),
    ("GET", "/me", None, EVERYONE),
    ("GET", "/me/tokens", None, EVERYONE),
    (
        "POST",
        "/me/tokens",
        {"name": "script", "scope": "read"},
        expect(customer_a=201, customer_b=201, agents=201),
    ),
    (
        "DELETE",
        "/me/tokens/{spare_token}",
        None,
        expect(
            customer_a=404,
            customer_b=404,
            agents={"l1": 204, "supervisor": 404, "admin": 404},
        ),
    ),
    ("GET", "/webhooks", None, ADMIN_ONLY),
    (
        "POST",
        "/webhooks",
        {
            "name": "BI",
            "url": "http://127.0.0.1:9/bi",
            "events": ["sla.breached"],
            "allow_private_network": True,
        },
        {**ADMIN_ONLY, "admin": 201},
    ),
    ("GET", "/webhooks/{subscription}", None, ADMIN_ONLY),
    ("PATCH", "/webhooks/{subscription}", {"is_active": False}, ADMIN_ONLY),
    ("DELETE", "/webhooks/{subscription}", None, {**ADMIN_ONLY, "admin": 204}),
    ("POST", "/webhooks/{subscription}/rotate-secret", None, ADMIN_ONLY),
    ("POST", "/webhooks/{subscription}/ping", None, {**ADMIN_ONLY, "admin": 202}),
    ("GET", "/webhooks/{subscription}/deliveries", None, ADMIN_ONLY),
    ("GET", "/webhooks/deliveries/{delivery}", None, ADMIN_ONLY),
    ("POST", "/webhooks/deliveries/{delivery}/redeliver", None, {**ADMIN_ONLY, "admin": 202}),
]


def _fill(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _call(api: Api, method: str, path: str, body: Any) -> Any:
    if method == "GET":
        return api.get(path)
    if method == "POST":
        return api.post(path, body)
    if method == "PATCH":
        return api.patch(path, body)
    return api.delete(path)


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    MATRIX,
    ids=[f"{m} {p}" for m, p, _, _ in MATRIX],
)
def test_matrix(roles, world, method, path, body, expected):  # type: ignore[no-untyped-def]
    url = _fill(path, world.ids)
    payload = _fill(body, world.ids)
    for role in ROLES:
        wanted = expected.get(role)
        if role == "l1_read":
            # a read-scope token reads like its user and may never write
            wanted = expected["l1"] if method == "GET" else 403
        with transaction.atomic():
            response = _call(roles[role], method, url, payload)
            transaction.set_rollback(True)
        got = response.status_code
        assert got == wanted, f"{role}: {method} {url} → {got}, expected {wanted}: " + (
            response.content.decode(errors="replace")[:300] if hasattr(response, "content") else ""
        )
        if got >= 400:
            problem = assert_problem(response, got)
            if role == "l1_read" and method != "GET":
                assert problem["code"] == "insufficient_scope"


def test_the_matrix_covers_every_operation():  # type: ignore[no-untyped-def]
    """A new endpoint without a row here fails the build."""
    schema = ninja_api.get_openapi_schema()
    operations = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, item in schema["paths"].items()
        for method in item
        if not path.startswith("/api/v1/cti")  # the telephony router has its own tokens
    }
    covered = set()
    for method, path, _, _ in MATRIX:
        template = path
        for placeholder, name in [
            ("{ta}", "{ticket_id}"),
            ("{escalated}", "{ticket_id}"),
            ("{resolved}", "{ticket_id}"),
            ("{vendor_entry}", "{entry_id}"),
            ("{attachment}", "{attachment_id}"),
            ("{anna}", "{contact_id}"),
            ("{org_a}", "{organization_id}"),
            ("{device_a}", "{device_id}"),
            ("{category}", "{category_id}"),
            ("{spare_token}", "{token_id}"),
            ("{subscription}", "{subscription_id}"),
            ("{delivery}", "{delivery_id}"),
            ("{public_article}", "{article_id}"),
            ("{internal_article}", "{article_id}"),
            ("{quote}", "{quote_id}"),
            ("{at_l3}", "{ticket_id}"),
            ("{case}", "{case_id}"),
            ("{call}", "{call_id}"),
            ("{missed}", "{call_id}"),
        ]:
            template = template.replace(placeholder, name)
        covered.add((method, template.split("?", 1)[0]))
    assert operations - covered == set()


def test_customer_b_sees_nothing_of_a(roles, world):  # type: ignore[no-untyped-def]
    listed = roles["customer_b"].get("/tickets").json()["items"]
    assert [t["id"] for t in listed] == [world.ids["tb"]]
    assert roles["customer_b"].get("/contacts").json()["items"][0]["id"] != world.ids["anna"]
    assert [o["name"] for o in roles["customer_b"].get("/organizations").json()["items"]] == [
        "Vector"
    ]
    assert roles["customer_b"].get("/devices").json()["items"] == []


def test_manager_sees_the_organisations_tickets(roles, world, desk):  # type: ignore[no-untyped-def]
    mine = {t["id"] for t in roles["customer_a"].get("/tickets", {"limit": 100}).json()["items"]}
    org = {t["id"] for t in roles["manager_a"].get("/tickets", {"limit": 100}).json()["items"]}
    assert world.ids["ta"] in mine and world.ids["tb"] not in org
    assert mine <= org
    other = (
        roles["l1"]
        .post("/tickets", {"subject": "Boris's own", "requester_id": desk.manager.pk})
        .json()
    )
    assert other["id"] in {
        t["id"] for t in roles["manager_a"].get("/tickets", {"limit": 100}).json()["items"]
    }
    assert_problem(roles["customer_a"].get(f"/tickets/{other['id']}"), 404)
