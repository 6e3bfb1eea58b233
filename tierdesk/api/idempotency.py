"""``Idempotency-Key`` on creates: a retried request gets the first answer; nothing is made twice.

The record is inserted at the start of the same transaction that performs the create, so a
concurrent duplicate waits on the unique index and then replays the committed answer; a create
that fails rolls its record back with it, so the client may simply retry. Reusing a key for a
different request is refused (422), as the IETF idempotency-key draft recommends.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from pydantic import BaseModel

from tierdesk.api.models import IdempotencyRecord
from tierdesk.core import clock
from tierdesk.core.errors import InvalidInput

if TYPE_CHECKING:
    from tierdesk.api.auth import Principal

KEEP_FOR = dt.timedelta(hours=24)
HEADER = "Idempotency-Key"


class KeyReused(InvalidInput):
    code = "idempotency_key_reused"


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    digest.update(request.body or b"")
    return digest.hexdigest()


def _respond(status: int, body: str, *, replayed: bool = False) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _replay(record: IdempotencyRecord, fingerprint: str) -> HttpResponse:
    if record.fingerprint != fingerprint:
        raise KeyReused(
            f"The Idempotency-Key {record.key!r} was already used for a different request.",
            field=HEADER,
        )
    return _respond(record.status_code, record.response_body, replayed=True)


def check_key(key: str | None) -> str | None:
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > 255 or not key.isprintable():
        raise InvalidInput(
            "An Idempotency-Key is 1–255 printable characters (a UUID is a good choice).",
            field=HEADER,
        )
    return key


def run(
    request: HttpRequest,
    principal: Principal,
    key: str | None,
    produce: Callable[[], BaseModel],
    *,
    status: int = 201,
) -> HttpResponse:
    """Run ``produce`` (which writes and returns the response schema) at most once per key."""
    key = check_key(key)
    fingerprint = _fingerprint(request)
    with transaction.atomic():
        record = None
        if key is not None:
            existing = IdempotencyRecord.objects.filter(user=principal.user, key=key).first()
            if existing is not None:
                return _replay(existing, fingerprint)
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        user=principal.user,
                        key=key,
                        method=request.method or "",
                        path=request.path[:500],
                        fingerprint=fingerprint,
                        status_code=0,
                        response_body="",
                        created_at=clock.now(),
                    )
            except IntegrityError:
                # A concurrent request with the same key committed first: answer as it did.
                existing = IdempotencyRecord.objects.get(user=principal.user, key=key)
                return _replay(existing, fingerprint)
        result = produce()
        body = json.dumps(result.model_dump(mode="json"), ensure_ascii=False)
        if record is not None:
            record.status_code = status
            record.response_body = body
            record.save(update_fields=["status_code", "response_body"])
    return _respond(status, body)


def purge_expired() -> int:
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=clock.now() - KEEP_FOR).delete()
    return deleted
