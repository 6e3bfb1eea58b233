"""Webhook subscriptions (admins manage them), the fan-out of an event into deliveries, and one
delivery attempt. The jobs in ``tasks`` call :func:`fan_out` and :func:`attempt_delivery`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
import time
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction

from tierdesk.core import clock
from tierdesk.core.errors import InvalidInput, NotPermitted
from tierdesk.core.jobs import backoff_seconds
from tierdesk.webhooks import signer, ssrf, transport
from tierdesk.webhooks.models import (
    PING,
    Attempt,
    Delivery,
    DeliveryStatus,
    Event,
    Subscription,
)

if TYPE_CHECKING:
    from tierdesk.accounts.models import User

USER_AGENT = "tierdesk-webhooks/1"


def config(name: str, default: Any) -> Any:
    """WEBHOOK_* settings in ``settings.TIERDESK`` (retries, backoff base, timeout)."""
    return getattr(settings, "TIERDESK", {}).get(name, default)


def max_attempts() -> int:
    return int(config("WEBHOOK_MAX_ATTEMPTS", 8))


def retry_base_seconds() -> int:
    return int(config("WEBHOOK_RETRY_BASE_SECONDS", 30))


def timeout_seconds() -> float:
    return float(config("WEBHOOK_TIMEOUT_SECONDS", 10))


# ---------------------------------------------------------------- subscriptions


def can_manage(actor: User | None) -> bool:
    return bool(actor is not None and actor.is_authenticated and actor.is_admin_role)


def _require_admin(actor: User | None) -> None:
    if not can_manage(actor):
        raise NotPermitted("Only administrators manage webhooks.")


def _clean_events(events: Iterable[str]) -> list[str]:
    chosen = sorted(set(events))
    unknown = [e for e in chosen if e not in Event.values]
    if unknown:
        raise InvalidInput(
            f"Unknown events: {', '.join(unknown)}; choose from {', '.join(Event.values)}.",
            field="events",
        )
    if not chosen:
        raise InvalidInput("Subscribe to at least one event.", field="events")
    return chosen


def _clean_secret(secret: str | None) -> str:
    if secret is None or secret == "":
        return "whsec_" + secrets.token_urlsafe(32)
    if len(secret) < 16 or len(secret) > 128 or not secret.isprintable():
        raise InvalidInput("A signing secret is 16–128 printable characters.", field="secret")
    return secret


@transaction.atomic
def create_subscription(
    *,
    actor: User | None,
    name: str,
    url: str,
    events: Iterable[str],
    secret: str | None = None,
    is_active: bool = True,
    allow_private_network: bool = False,
) -> Subscription:
    """Subscribe ``url`` to ``events``. The target must resolve to public addresses unless
    ``allow_private_network`` (set by an administrator) says otherwise."""
    _require_admin(actor)
    name = " ".join((name or "").split())[:100]
    if not name:
        raise InvalidInput("Name the subscription.", field="name")
    chosen = _clean_events(events)
    ssrf.check_target(url, allow_private=allow_private_network)
    _forget_now_and_on_commit()
    return Subscription.objects.create(
        name=name,
        url=url.strip(),
        secret=_clean_secret(secret),
        events=chosen,
        is_active=is_active,
        allow_private_network=allow_private_network,
        created_by=actor,
    )


@transaction.atomic
def update_subscription(
    *,
    actor: User | None,
    subscription: Subscription,
    name: str | None = None,
    url: str | None = None,
    events: Iterable[str] | None = None,
    is_active: bool | None = None,
    allow_private_network: bool | None = None,
    rotate_secret: bool = False,
    secret: str | None = None,
) -> Subscription:
    _require_admin(actor)
    sub = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if name is not None:
        cleaned = " ".join(name.split())[:100]
        if not cleaned:
            raise InvalidInput("Name the subscription.", field="name")
        sub.name = cleaned
    if events is not None:
        sub.events = _clean_events(events)
    if is_active is not None:
        sub.is_active = is_active
    if allow_private_network is not None:
        sub.allow_private_network = allow_private_network
    if url is not None:
        sub.url = url.strip()
    if url is not None or allow_private_network is not None:
        ssrf.check_target(sub.url, allow_private=sub.allow_private_network)
    if secret is not None:
        sub.secret = _clean_secret(secret)
    elif rotate_secret:
        sub.secret = _clean_secret(None)
    sub.save()
    _forget_now_and_on_commit()
    return sub


@transaction.atomic
def delete_subscription(*, actor: User | None, subscription: Subscription) -> None:
    _require_admin(actor)
    Subscription.objects.filter(pk=subscription.pk).delete()
    _forget_now_and_on_commit()


# ---------------------------------------------------------------- events → deliveries


# The events some active subscription wants, cached per process for a few seconds: every
# ticket change publishes events, and most desks have no (or few, rarely changed) webhooks.
# Changes made through this module refresh it at once; other processes within the TTL.
_WANTED_TTL = 5.0
_wanted: tuple[float, frozenset[str]] | None = None


def forget_wanted_events() -> None:
    global _wanted
    _wanted = None


def _forget_now_and_on_commit() -> None:
    forget_wanted_events()
    transaction.on_commit(forget_wanted_events)


def wanted_by_any(event: str) -> bool:
    """Cheap check used by the event handler before it enqueues anything."""
    global _wanted
    now = time.monotonic()
    if _wanted is None or now - _wanted[0] > _WANTED_TTL:
        active = Subscription.objects.filter(is_active=True).values_list("events", flat=True)
        _wanted = (now, frozenset(e for events in active for e in (events or [])))
    return event in _wanted[1]


def _event_data(event: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The ``data`` of an event: the objects it is about, as the REST API shows them to an
    agent, plus the event's own facts (old/new status, changed fields …)."""
    from tierdesk.api import access
    from tierdesk.api.routers.ticket_schemas import EntryOut, EscalationOut, TicketOut
    from tierdesk.tickets.models import Entry, Escalation, Ticket

    data: dict[str, Any] = {
        k: v for k, v in payload.items() if k not in {"ticket_id", "entry_id", "escalation_id"}
    }
    ticket_id = payload.get("ticket_id")
    if ticket_id is not None:
        ticket = Ticket.objects.select_related(*access.TICKET_RELATED).filter(pk=ticket_id).first()
        data["ticket"] = TicketOut.from_orm(ticket).model_dump(mode="json") if ticket else None
    if payload.get("escalation_id") is not None:
        esc = (
            Escalation.objects.select_related(
                "from_tier", "to_tier", "to_team", "by_user", "accepted_by"
            )
            .filter(pk=payload["escalation_id"])
            .first()
        )
        data["escalation"] = EscalationOut.from_orm(esc).model_dump(mode="json") if esc else None
    if payload.get("clock_id") is not None:
        data["clock"] = _clock(payload["clock_id"])
    if payload.get("entry_id") is not None:
        entry = (
            Entry.objects.select_related("author_user", "author_contact")
            .prefetch_related("attachments")
            .filter(pk=payload["entry_id"])
            .first()
        )
        data["entry"] = EntryOut.from_orm(entry).model_dump(mode="json") if entry else None
    return data


def _clock(clock_id: Any) -> dict[str, Any] | None:
    """An SLA clock as it stood when its event was handled (sla.warning / sla.breached)."""
    from tierdesk.sla.models import SlaClock

    clk = SlaClock.objects.select_related("tier").filter(pk=clock_id).first()
    if clk is None:
        return None

    def iso(moment: dt.datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    return {
        "id": clk.pk,
        "kind": clk.kind,
        "tier": clk.tier.level if clk.tier is not None else None,
        "target_seconds": clk.target_seconds,
        "due_at": iso(clk.due_at),
        "warned_at": iso(clk.warned_at),
        "breached_at": iso(clk.breached_at),
    }


def body_bytes(payload: Mapping[str, Any]) -> bytes:
    """The exact bytes sent (and signed) for a delivery's payload; the same on every attempt."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def fan_out(
    *, event: str, event_id: str, occurred_at: str, payload: Mapping[str, Any]
) -> list[Delivery]:
    """Make one delivery per active subscription that wants ``event``. Idempotent: a second run
    with the same ``event_id`` finds the deliveries already made and makes none."""
    subscriptions = [s for s in Subscription.objects.filter(is_active=True) if s.wants(event)]
    if not subscriptions:
        return []
    body = {
        "id": event_id,
        "type": event,
        "created_at": occurred_at,
        "data": _event_data(event, payload),
    }
    made = []
    now = clock.now()
    for sub in subscriptions:
        try:
            with transaction.atomic():
                made.append(
                    Delivery.objects.create(
                        subscription=sub,
                        event=event,
                        event_id=uuid.UUID(event_id),
                        payload=body,
                        max_attempts=max_attempts(),
                        created_at=now,
                    )
                )
        except IntegrityError:
            continue
    return made


def ping(*, actor: User | None, subscription: Subscription) -> Delivery:
    """A test delivery (event ``ping``) to one subscription."""
    _require_admin(actor)
    event_id = uuid.uuid4()
    now = clock.now()
    return Delivery.objects.create(
        subscription=subscription,
        event=PING,
        event_id=event_id,
        payload={
            "id": str(event_id),
            "type": PING,
            "created_at": now.isoformat(),
            "data": {"subscription": subscription.pk, "by": getattr(actor, "username", "")},
        },
        max_attempts=1,
        created_at=now,
    )


def redeliver(*, actor: User | None, delivery: Delivery) -> Delivery:
    """Send a delivery again as a new delivery (same event id and body, fresh attempts)."""
    _require_admin(actor)
    return Delivery.objects.create(
        subscription=delivery.subscription,
        event=delivery.event,
        event_id=delivery.event_id,
        payload=delivery.payload,
        max_attempts=max_attempts(),
        redelivery_of=delivery,
        created_at=clock.now(),
    )


# ---------------------------------------------------------------- one attempt


@dataclasses.dataclass(frozen=True)
class Outcome:
    state: str
    retry: bool = False
    max_attempts: int = 0


def _headers(delivery: Delivery, body: bytes, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Tierdesk-Event": delivery.event,
        "X-Tierdesk-Event-Id": str(delivery.event_id),
        "X-Tierdesk-Delivery": str(delivery.pk),
        signer.TIMESTAMP_HEADER: str(timestamp),
        signer.SIGNATURE_HEADER: signer.sign(delivery.subscription.secret, body, timestamp),
    }


def attempt_delivery(*, delivery_id: int, attempt: int) -> Outcome:
    """Make attempt number ``attempt`` of a delivery and log it. Safe to run twice: a
    finished delivery or an attempt already logged is not sent again."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("subscription")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return Outcome("missing")
        if delivery.status in (
            DeliveryStatus.SUCCEEDED,
            DeliveryStatus.FAILED,
            DeliveryStatus.CANCELLED,
        ):
            return Outcome(delivery.status)
        if Attempt.objects.filter(delivery=delivery, number=attempt).exists():
            return Outcome("duplicate")
        if not delivery.subscription.is_active:
            delivery.status = DeliveryStatus.CANCELLED
            delivery.last_error = "subscription deactivated"
            delivery.save(update_fields=["status", "last_error"])
            return Outcome(delivery.status)
    # The HTTP request runs outside any transaction: no row stays locked while we wait.
    sub = delivery.subscription
    body = body_bytes(delivery.payload)
    started = clock.now()
    result = transport.post(
        sub.url,
        body,
        _headers(delivery, body, int(started.timestamp())),
        allow_private=sub.allow_private_network,
        timeout=timeout_seconds(),
    )
    try:
        with transaction.atomic():
            Attempt.objects.create(
                delivery=delivery,
                number=attempt,
                started_at=started,
                duration_ms=result.duration_ms,
                status_code=result.status_code,
                succeeded=result.ok,
                error=result.error,
                response_excerpt=result.body_excerpt,
            )
            delivery.attempts = max(delivery.attempts, attempt)
            delivery.last_status_code = result.status_code
            delivery.last_error = result.error or (
                "" if result.ok else f"HTTP {result.status_code}"
            )
            retry = False
            if result.ok:
                delivery.status = DeliveryStatus.SUCCEEDED
                delivery.delivered_at = clock.now()
                delivery.next_attempt_at = None
            elif attempt >= delivery.max_attempts:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
            else:
                retry = True
                delivery.status = DeliveryStatus.RETRYING
                delivery.next_attempt_at = clock.now() + dt.timedelta(
                    seconds=backoff_seconds(attempt, base=retry_base_seconds())
                )
            delivery.save()
    except IntegrityError:
        return Outcome("duplicate")
    return Outcome(delivery.status, retry=retry, max_attempts=delivery.max_attempts)


def give_up(*, delivery_id: int, reason: str) -> None:
    Delivery.objects.filter(pk=delivery_id).exclude(status=DeliveryStatus.SUCCEEDED).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None, last_error=reason[:500]
    )
