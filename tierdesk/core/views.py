from __future__ import annotations

import datetime as dt

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from tierdesk.core import clock
from tierdesk.core.models import WorkerHeartbeat


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and worker state, for monitoring. 503 when the database does not answer."""
    body: dict[str, object] = {"status": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        body["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:
        return JsonResponse(
            {"status": "error", "database": {"ok": False, "error": str(exc)[:200]}}, status=503
        )
    fresh_after = clock.now() - dt.timedelta(seconds=60)
    beats = list(WorkerHeartbeat.objects.order_by("-seen_at")[:20])
    alive = [b for b in beats if b.seen_at >= fresh_after]
    body["worker"] = {
        "ok": bool(alive),
        "alive": len(alive),
        "last_seen": beats[0].seen_at.isoformat() if beats else None,
    }
    if not alive:
        body["status"] = "degraded"
    return JsonResponse(body)


def home(request: HttpRequest):  # type: ignore[no-untyped-def]
    user = request.user
    if user.is_authenticated and getattr(user, "is_staff_member", False):
        return redirect("/agent/")
    if user.is_authenticated:
        return redirect("/portal/")
    return redirect("/portal/")
