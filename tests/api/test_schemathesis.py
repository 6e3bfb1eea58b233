"""Property-based tests of the whole API from its own OpenAPI document (Schemathesis).

Every operation of /api/v1/openapi.json is called with generated requests — as an
administrator (an agent who may do everything) and as a customer — through the Django WSGI
application, against a populated desk. Whatever the input, the API must never answer 5xx, and
every answer must match the schema: declared status code, content type and body.
"""

from __future__ import annotations

import base64
import contextlib

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tierdesk.kb.models import Article
from tierdesk.phone import services as phone
from tierdesk.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 8


@contextlib.contextmanager
def _connection_kept():  # type: ignore[no-untyped-def]
    """Calling the WSGI handler directly fires request_started/finished, whose
    close_old_connections would close the test's connection mid-transaction (PostgreSQL);
    Django's own test client unhooks it the same way, around each request."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def populated(roles, desk):  # type: ignore[no-untyped-def]
    """Tickets with a timeline, an attachment and an escalation for the generated ids to hit."""
    api = roles["l1"]
    for n in range(3):
        files = [{"filename": f"log{n}.txt", "content_base64": base64.b64encode(b"x").decode()}]
        made = api.post(
            "/tickets",
            {
                "subject": f"Тикет {n}",
                "body": "…",
                "requester_id": desk.contact.pk,
                "category_id": desk.category.pk,
                "intake_data": {"device_model": "LaserJet"},
                "attachments": files,
            },
        ).json()
        api.post(f"/tickets/{made['id']}/notes", {"body": "заметка"})
        api.post(f"/tickets/{made['id']}/replies", {"body": "ответ"})
    Article.objects.create(title="Принтер не печатает", resolution="Очистите очередь печати")
    phone.log_call(actor=desk.agents[1], number="+74951234567", notes="звонок")
    return roles


@pytest.mark.parametrize("role", ["admin", "customer_a"])
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
@pytest.mark.django_db
def test_api_conforms_to_its_schema(case, role, populated):  # type: ignore[no-untyped-def]
    _aim_at_real_objects(case)
    token = populated[role].token
    with _connection_kept():
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


def _aim_at_real_objects(case):  # type: ignore[no-untyped-def]
    """Random ids rarely exist: point even ids at real rows so the handlers behind the 404s
    are exercised too (odd ids keep probing for objects that are not there)."""
    from tierdesk.api.models import ApiToken
    from tierdesk.billing.models import Quote
    from tierdesk.categories.models import Category
    from tierdesk.customers.models import Contact, Organization
    from tierdesk.devices.models import Device
    from tierdesk.kb.models import Article
    from tierdesk.phone.models import Call
    from tierdesk.tickets.models import Attachment, Entry, Ticket
    from tierdesk.vendors.models import VendorCase
    from tierdesk.webhooks.models import Delivery, Subscription

    models = {
        "ticket_id": Ticket,
        "entry_id": Entry,
        "attachment_id": Attachment,
        "contact_id": Contact,
        "organization_id": Organization,
        "device_id": Device,
        "category_id": Category,
        "token_id": ApiToken,
        "subscription_id": Subscription,
        "delivery_id": Delivery,
        "article_id": Article,
        "quote_id": Quote,
        "case_id": VendorCase,
        "call_id": Call,
    }
    for name, value in list((case.path_parameters or {}).items()):
        model = models.get(name)
        if model is None or not isinstance(value, int) or value % 2:
            continue
        ids = list(model.objects.order_by("pk").values_list("pk", flat=True)[:10])
        if ids:
            case.path_parameters[name] = ids[value % len(ids)]
