"""Webhook subscriptions and their delivery log over the REST API (administrators only)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from ninja import Field, Header, Query, Router, Schema, Status

from tierdesk.api import access, idempotency
from tierdesk.api.auth import API_AUTH, principal
from tierdesk.api.pagination import keyset_page
from tierdesk.api.schemas import READ_ERRORS, WRITE_ERRORS, Input, page
from tierdesk.core.errors import NotFound
from tierdesk.webhooks import services
from tierdesk.webhooks.models import Attempt, Delivery, Subscription

router = Router(tags=["webhooks"], auth=API_AUTH)

EventName = Literal[
    "ticket.created",
    "ticket.updated",
    "ticket.status_changed",
    "ticket.escalated",
    "ticket.resolved",
    "ticket.closed",
    "ticket.reopened",
    "entry.created",
    "sla.warning",
    "sla.breached",
]


class SubscriptionOut(Schema):
    id: int
    name: str
    url: str
    events: list[str]
    is_active: bool
    allow_private_network: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class SubscriptionWithSecret(SubscriptionOut):
    secret: str = Field(description="Verify X-Tierdesk-Signature with it. Keep it secret.")


class SubscriptionPage(Schema):
    items: list[SubscriptionOut]
    next_cursor: str | None


class SubscriptionIn(Input):
    name: str = Field(min_length=1, max_length=100)
    url: str = Field(min_length=1, max_length=500)
    events: list[EventName] = Field(min_length=1)
    secret: str | None = Field(
        None, min_length=16, max_length=128, description="Generated when omitted."
    )
    is_active: bool = True
    allow_private_network: bool = Field(
        False, description="Allow a target in a private or loopback range (SSRF opt-in)."
    )


class SubscriptionPatch(Input):
    name: str | None = Field(None, min_length=1, max_length=100)
    url: str | None = Field(None, min_length=1, max_length=500)
    events: list[EventName] | None = Field(None, min_length=1)
    is_active: bool | None = None
    allow_private_network: bool | None = None


class SecretOut(Schema):
    secret: str


class AttemptOut(Schema):
    number: int
    started_at: dt.datetime
    duration_ms: int
    status_code: int | None
    succeeded: bool
    error: str
    response_excerpt: str


class DeliveryOut(Schema):
    id: int
    subscription_id: int
    event: str
    event_id: uuid.UUID
    status: str
    attempts: int
    max_attempts: int
    next_attempt_at: dt.datetime | None
    last_status_code: int | None
    last_error: str
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    redelivery_of: int | None
    payload: dict[str, Any]
    attempt_log: list[AttemptOut]

    @staticmethod
    def resolve_redelivery_of(obj: Delivery) -> int | None:
        return obj.redelivery_of_id

    @staticmethod
    def resolve_attempt_log(obj: Delivery) -> list[Attempt]:
        return list(obj.attempt_log.all())


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None


def _admin(request: HttpRequest) -> Any:
    p = principal(request)
    access.require_admin(p)
    return p


def _subscription(subscription_id: int) -> Subscription:
    found = Subscription.objects.filter(pk=subscription_id).first()
    if found is None:
        raise NotFound(f"No webhook subscription {subscription_id}.")
    return found


def _deliveries() -> Any:
    return Delivery.objects.prefetch_related(
        Prefetch("attempt_log", queryset=Attempt.objects.order_by("number"))
    )


def _send_after_commit(delivery: Delivery) -> None:
    from tierdesk.webhooks.tasks import deliver_webhook

    transaction.on_commit(lambda: deliver_webhook.enqueue(delivery_id=delivery.pk, attempt=1))


@router.get("", response={200: SubscriptionPage, **READ_ERRORS}, summary="Subscriptions")
def list_subscriptions(
    request: HttpRequest,
    cursor: str | None = Query(None, max_length=500),
    limit: int = Query(50, ge=1, le=100),
) -> dict[str, Any]:
    _admin(request)
    rows, next_cursor = keyset_page(
        Subscription.objects.all(), order="id", cursor=cursor, limit=limit
    )
    return page(rows, next_cursor)


@router.post("", response={201: SubscriptionWithSecret, **WRITE_ERRORS}, summary="Subscribe")
def create_subscription(
    request: HttpRequest,
    payload: SubscriptionIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> HttpResponse:
    """Deliver the chosen events to ``url``. Targets that resolve to private, loopback or
    reserved addresses are refused (422 ``target_refused``) unless ``allow_private_network``."""
    p = _admin(request)

    def produce() -> SubscriptionWithSecret:
        sub = services.create_subscription(
            actor=p.user,
            name=payload.name,
            url=payload.url,
            events=payload.events,
            secret=payload.secret,
            is_active=payload.is_active,
            allow_private_network=payload.allow_private_network,
        )
        return SubscriptionWithSecret.from_orm(sub)

    return idempotency.run(request, p, idempotency_key, produce)


@router.get("/{subscription_id}", response={200: SubscriptionOut, **READ_ERRORS})
def get_subscription(request: HttpRequest, subscription_id: int) -> Subscription:
    _admin(request)
    return _subscription(subscription_id)


@router.patch("/{subscription_id}", response={200: SubscriptionOut, **WRITE_ERRORS})
def update_subscription(
    request: HttpRequest, subscription_id: int, payload: SubscriptionPatch
) -> Subscription:
    p = _admin(request)
    return services.update_subscription(
        actor=p.user,
        subscription=_subscription(subscription_id),
        name=payload.name,
        url=payload.url,
        events=payload.events,
        is_active=payload.is_active,
        allow_private_network=payload.allow_private_network,
    )


@router.delete("/{subscription_id}", response={204: None, **WRITE_ERRORS})
def delete_subscription(request: HttpRequest, subscription_id: int) -> Status:
    p = _admin(request)
    services.delete_subscription(actor=p.user, subscription=_subscription(subscription_id))
    return Status(204, None)


@router.post(
    "/{subscription_id}/rotate-secret",
    response={200: SecretOut, **WRITE_ERRORS},
    summary="New signing secret",
)
def rotate_secret(request: HttpRequest, subscription_id: int) -> dict[str, str]:
    p = _admin(request)
    sub = services.update_subscription(
        actor=p.user, subscription=_subscription(subscription_id), rotate_secret=True
    )
    return {"secret": sub.secret}


@router.post(
    "/{subscription_id}/ping", response={202: DeliveryOut, **WRITE_ERRORS}, summary="Test it"
)
def ping(request: HttpRequest, subscription_id: int) -> Status:
    """Send a ``ping`` event now (one attempt); its result appears in the delivery log."""
    p = _admin(request)
    delivery = services.ping(actor=p.user, subscription=_subscription(subscription_id))
    _send_after_commit(delivery)
    return Status(202, _deliveries().get(pk=delivery.pk))


@router.get(
    "/{subscription_id}/deliveries",
    response={200: DeliveryPage, **READ_ERRORS},
    summary="Delivery log",
)
def list_deliveries(
    request: HttpRequest,
    subscription_id: int,
    status: Literal["pending", "retrying", "succeeded", "failed", "cancelled"] | None = None,
    cursor: str | None = Query(None, max_length=500),
    limit: int = Query(25, ge=1, le=100),
) -> dict[str, Any]:
    """Newest first, each with every attempt (status code, duration, error, response)."""
    _admin(request)
    qs = _deliveries().filter(subscription=_subscription(subscription_id))
    if status:
        qs = qs.filter(status=status)
    rows, next_cursor = keyset_page(qs, order="-created_at", cursor=cursor, limit=limit)
    return page(rows, next_cursor)


@router.get("/deliveries/{delivery_id}", response={200: DeliveryOut, **READ_ERRORS})
def get_delivery(request: HttpRequest, delivery_id: int) -> Delivery:
    _admin(request)
    found = _deliveries().filter(pk=delivery_id).first()
    if found is None:
        raise NotFound(f"No delivery {delivery_id}.")
    return found  # type: ignore[no-any-return]


@router.post(
    "/deliveries/{delivery_id}/redeliver",
    response={202: DeliveryOut, **WRITE_ERRORS},
    summary="Send again",
)
def redeliver(request: HttpRequest, delivery_id: int) -> Status:
    p = _admin(request)
    original = Delivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if original is None:
        raise NotFound(f"No delivery {delivery_id}.")
    delivery = services.redeliver(actor=p.user, delivery=original)
    _send_after_commit(delivery)
    return Status(202, _deliveries().get(pk=delivery.pk))
