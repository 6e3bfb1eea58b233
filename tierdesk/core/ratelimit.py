"""Rate limits for forms that anyone can post (sign-in, password reset, registration, portal
and forum forms), counted in the shared database so every web process on every machine enforces
the same limit.

A limit is "at most ``limit`` hits per ``period`` seconds" per key (client IP, user, e-mail…),
counted in fixed windows with one atomic ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` per hit
(SQLite ≥ 3.35 and PostgreSQL). Views use the :func:`ratelimit` decorator, or :func:`hit` for a
second key (e.g. the e-mail address typed into a sign-in form).

Settings (``settings.TIERDESK``): ``RATELIMIT_ENABLED`` (default True) and
``CLIENT_IP_HEADER`` — the request header that carries the client address when the site runs
behind a reverse proxy (e.g. ``HTTP_X_FORWARDED_FOR``; the first address is used). Without it,
``REMOTE_ADDR``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import random
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.html import escape
from django.utils.translation import gettext as _

from tierdesk.core import clock
from tierdesk.core.errors import DomainError
from tierdesk.core.models import RateLimitCounter

V = TypeVar("V", bound=Callable[..., HttpResponseBase])


class RateLimited(DomainError):
    code = "rate_limited"


@dataclasses.dataclass(frozen=True)
class Decision:
    allowed: bool
    count: int
    limit: int
    retry_after: int


def _enabled() -> bool:
    return bool(settings.TIERDESK.get("RATELIMIT_ENABLED", True))


def client_ip(request: HttpRequest) -> str:
    header = settings.TIERDESK.get("CLIENT_IP_HEADER") or ""
    if header:
        forwarded = str(request.META.get(header, "")).split(",")[0].strip()
        if forwarded:
            return forwarded[:64]
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")[:64]


def _key(scope: str, ident: str) -> str:
    # Identities (e-mail addresses, IPs) are hashed: the table must not become a log of them.
    digest = hashlib.sha256(ident.strip().lower().encode()).hexdigest()[:40]
    return f"{scope[:150]}:{digest}"


def hit(scope: str, ident: str, *, limit: int, period: int) -> Decision:
    """Count one hit of ``ident`` on ``scope``; ``allowed`` is False once over ``limit``."""
    if not _enabled():
        return Decision(True, 0, limit, 0)
    now = clock.now()
    stamp = int(now.timestamp())
    window = stamp // period
    expires = now + dt.timedelta(seconds=period * 2)
    table = RateLimitCounter._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, window_start, count, expires_at) "  # noqa: S608
            "VALUES (%s, %s, 1, %s) "
            "ON CONFLICT (key, window_start) DO UPDATE "
            f"SET count = {table}.count + 1 RETURNING count",
            [_key(scope, ident), window, expires],
        )
        row = cursor.fetchone()
    count = int(row[0]) if row else 1
    if random.random() < 0.01:  # expired windows are swept now and then, by whoever hits
        RateLimitCounter.objects.filter(expires_at__lt=now).delete()
    retry_after = (window + 1) * period - stamp
    return Decision(count <= limit, count, limit, max(1, retry_after))


def check(scope: str, ident: str, *, limit: int, period: int) -> None:
    """Like :func:`hit` but raises :class:`RateLimited` when over the limit."""
    decision = hit(scope, ident, limit=limit, period=period)
    if not decision.allowed:
        raise RateLimited(too_many_message(decision.retry_after), retry_after=decision.retry_after)


def too_many_message(retry_after: int) -> str:
    minutes = max(1, (retry_after + 59) // 60)
    return _("Too many attempts. Please wait %(minutes)d min and try again.") % {"minutes": minutes}


def too_many_response(request: HttpRequest, retry_after: int) -> HttpResponse:
    message = escape(too_many_message(retry_after))
    if request.headers.get("HX-Request"):
        body = f'<div class="alert alert-warning" role="alert">{message}</div>'
    else:
        title = escape(_("Too many requests"))
        body = (
            '<!doctype html><html><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}'
            '</title><link rel="stylesheet" href="/static/tierdesk/base.css"></head><body>'
            f'<main class="page page-narrow"><div class="card"><div class="card-body"><h1>{title}'
            f'</h1><p>{message}</p><p><a href="javascript:history.back()">&larr;</a></p></div>'
            "</div></main></body></html>"
        )
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def _ident(request: HttpRequest, key: str) -> str:
    user = getattr(request, "user", None)
    if key == "user" and user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    if key == "user_or_ip" and user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


def ratelimit(
    scope: str,
    *,
    limit: int,
    period: int,
    key: str = "user_or_ip",
    methods: Iterable[str] = ("POST",),
) -> Callable[[V], V]:
    """Refuse with HTTP 429 (and ``Retry-After``) when a client exceeds ``limit`` requests of
    ``methods`` per ``period`` seconds. ``key``: "ip", "user" or "user_or_ip"."""
    counted = {m.upper() for m in methods}

    def decorator(view: V) -> V:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method in counted:
                decision = hit(scope, _ident(request, key), limit=limit, period=period)
                if not decision.allowed:
                    return too_many_response(request, decision.retry_after)
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
