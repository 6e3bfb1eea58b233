"""The one place that asks for the current time.

Tests move time with time-machine. Data loaders (demo data, benchmarks) that must write history
"as of" a past moment use :func:`as_of`, which only affects code that reads this clock.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

_as_of: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar(
    "tierdesk_as_of", default=None
)


def now() -> dt.datetime:
    override = _as_of.get()
    return override if override is not None else timezone.now()


@contextlib.contextmanager
def as_of(moment: dt.datetime) -> Iterator[None]:
    token = _as_of.set(moment)
    try:
        yield
    finally:
        _as_of.reset(token)
