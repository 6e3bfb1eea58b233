"""Cursor (keyset) pagination: stable under inserts, one query per page whatever the depth.

A cursor is an opaque URL-safe string holding the ordering and the last row's sort key. Pages
are read with ``WHERE (key, id) < (last key, last id)`` against an index that ends in the id.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from tierdesk.core.errors import InvalidInput

M = TypeVar("M", bound=Model)

MAX_LIMIT = 100


def _encode(payload: list[Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise InvalidInput("The cursor is not one this API gave out.", field="cursor") from exc
    if not isinstance(value, list) or len(value) != 3:
        raise InvalidInput("The cursor is not one this API gave out.", field="cursor")
    return value


def _key_value(raw: Any, sample: Any) -> Any:
    if isinstance(sample, dt.datetime) or sample == "datetime":
        return dt.datetime.fromisoformat(str(raw))
    if sample == "int":
        return int(raw)
    return str(raw)


def keyset_page(
    qs: QuerySet[M],
    *,
    order: str,
    cursor: str | None,
    limit: int,
    key_type: str = "datetime",
) -> tuple[list[M], str | None]:
    """One page of ``qs`` ordered by ``order`` (``"-updated_at"``, ``"created_at"``, ``"id"``…)
    then by id in the same direction; returns the rows and the cursor of the next page."""
    if limit < 1 or limit > MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}.", field="limit")
    descending = order.startswith("-")
    field = order.lstrip("-")
    id_order = "-pk" if descending else "pk"
    ordering = [order, id_order] if field not in {"id", "pk"} else [id_order]
    qs = qs.order_by(*ordering)
    if cursor:
        c_order, c_value, c_id = _decode(cursor)
        if c_order != order:
            raise InvalidInput(
                f"The cursor belongs to the ordering {c_order!r}, not {order!r}.", field="cursor"
            )
        try:
            last_id = int(c_id)
            op = "lt" if descending else "gt"
            if field in {"id", "pk"}:
                qs = qs.filter(**{f"pk__{op}": last_id})
            else:
                value = _key_value(c_value, key_type)
                qs = qs.filter(
                    Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"pk__{op}": last_id})
                )
        except (TypeError, ValueError) as exc:
            raise InvalidInput("The cursor is not one this API gave out.", field="cursor") from exc
    rows = list(qs[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        value = getattr(last, field) if field not in {"id", "pk"} else last.pk
        if isinstance(value, dt.datetime):
            value = value.isoformat()
        next_cursor = _encode([order, value, last.pk])
    return rows, next_cursor
