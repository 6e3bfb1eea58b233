"""Keyset (cursor) pagination over a queryset ordered by one column plus the primary key.

Pure helpers: a cursor is an opaque URL-safe token holding the sort value and the id of the
row at the page edge. Pages never use OFFSET, so page N costs the same as page 1 and rows
arriving meanwhile do not shift what the agent sees.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
from typing import Any, Generic, TypeVar

from django.db.models import Model, Q, QuerySet

from tierdesk.core.errors import InvalidInput

M = TypeVar("M", bound=Model)


@dataclasses.dataclass(frozen=True)
class Sort:
    """Order by ``field`` then ``pk``, both ascending or both descending."""

    key: str
    field: str
    descending: bool

    def order_by(self, *, reverse: bool = False) -> list[str]:
        desc = self.descending != reverse
        prefix = "-" if desc else ""
        return [f"{prefix}{self.field}", f"{prefix}pk"]


def encode_cursor(value: Any, pk: int) -> str:
    if isinstance(value, dt.datetime):
        payload: list[Any] = ["dt", value.isoformat(), pk]
    else:
        payload = ["v", value, pk]
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[Any, int]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        kind, value, pk = json.loads(raw)
        if kind == "dt":
            value = dt.datetime.fromisoformat(value)
        elif kind != "v" or not isinstance(value, (int, str)):
            raise ValueError(kind)
        if not isinstance(pk, int):
            raise ValueError(pk)
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise InvalidInput("The page link is damaged; start from the first page.") from exc
    return value, pk


def _after(sort: Sort, value: Any, pk: int, *, backwards: bool) -> Q:
    """Rows strictly after (value, pk) in the page direction."""
    forward_desc = sort.descending != backwards
    op = "lt" if forward_desc else "gt"
    return Q(**{f"{sort.field}__{op}": value}) | Q(**{sort.field: value, f"pk__{op}": pk})


@dataclasses.dataclass
class Page(Generic[M]):
    rows: list[M]
    next_cursor: str | None
    prev_cursor: str | None


def paginate(
    qs: QuerySet[M],
    *,
    sort: Sort,
    after: str | None = None,
    before: str | None = None,
    size: int = 50,
) -> Page[M]:
    """One page of ``qs`` (a single query of ``size + 1`` rows)."""
    backwards = bool(before) and not after
    token = after or before
    if token:
        value, pk = decode_cursor(token)
        qs = qs.filter(_after(sort, value, pk, backwards=backwards))
    rows = list(qs.order_by(*sort.order_by(reverse=backwards))[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()

    def edge(row: M) -> str:
        return encode_cursor(getattr(row, sort.field), row.pk)

    next_cursor = prev_cursor = None
    if rows:
        if more or backwards:
            next_cursor = edge(rows[-1])
        if token and (more or not backwards):
            prev_cursor = edge(rows[0])
    return Page(rows=rows, next_cursor=next_cursor, prev_cursor=prev_cursor)
