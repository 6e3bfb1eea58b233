"""The generic CTI webhook, mounted at /api/v1/cti (see tierdesk/api/urls.py).

PBX scripts written for Zammad's generic CTI work unchanged: they POST ``newCall`` / ``answer``
/ ``hangup`` events as JSON or as a form to ``/api/v1/cti/events`` with
``Authorization: Bearer <token>``, or to ``/api/v1/cti/<token>`` when they cannot set headers.
The answer to a good event is ``{}`` (what Zammad answers). Errors are RFC 9457 problem
details; a bad token or a malformed event writes nothing.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router

from tierdesk.core.errors import InvalidInput
from tierdesk.phone import services
from tierdesk.phone.cti import decode_body, flatten_form, parse_event
from tierdesk.phone.models import CtiIntegration

router = Router(tags=["telephony (CTI)"])

PROBLEM = "application/problem+json"

EVENT_SCHEMA = {
    "type": "object",
    "required": ["event", "callId"],
    "properties": {
        "event": {"type": "string", "enum": ["newCall", "answer", "hangup"]},
        "callId": {"type": "string", "maxLength": 250},
        "from": {"type": "string"},
        "to": {"type": "string"},
        "direction": {"type": "string", "enum": ["in", "out"]},
        "user": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "queue": {"type": "string"},
        "answeringNumber": {"type": "string"},
        "cause": {
            "type": "string",
            "enum": [
                "normalClearing",
                "busy",
                "cancel",
                "noAnswer",
                "congestion",
                "notFound",
                "forwarded",
            ],
        },
    },
}
BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": EVENT_SCHEMA},
            "application/x-www-form-urlencoded": {"schema": EVENT_SCHEMA},
        },
    }
}


def problem(status: int, title: str, detail: str) -> JsonResponse:
    response = JsonResponse(
        {"title": title, "detail": detail, "status": status}, status=status, content_type=PROBLEM
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="tierdesk-cti"'
    return response


def _bearer(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _handle(request: HttpRequest, integration: CtiIntegration | None) -> HttpResponse:
    if integration is None:
        return problem(
            401,
            "Unauthorized",
            "The CTI token is missing, unknown or disabled. Send it as 'Authorization: Bearer "
            "<token>' or as the last path segment /api/v1/cti/<token>.",
        )
    try:
        content_type = request.content_type or ""
        if content_type.startswith("multipart/form-data"):
            data = flatten_form({k: request.POST.getlist(k) for k in request.POST})
        else:
            data = decode_body(request.body, request.META.get("CONTENT_TYPE", ""))
        event = parse_event(data)
    except InvalidInput as exc:
        return problem(400, "Invalid CTI event", exc.message)
    services.record_cti_event(integration=integration, event=event)
    return JsonResponse({})


@router.post(
    "/events",
    auth=None,
    summary="Receive a call event (token in the Authorization header)",
    response={200: dict, 400: dict, 401: dict},
    openapi_extra=BODY,
)
def cti_event(request: HttpRequest) -> HttpResponse:
    """Generic CTI event: ``event`` newCall|answer|hangup, ``callId``, ``from``, ``to``,
    ``direction`` in|out, ``user`` (repeatable), ``queue``, ``answeringNumber``, ``cause``."""
    return _handle(request, services.authenticate(_bearer(request)))


@router.post(
    "/{token}",
    auth=None,
    summary="Receive a call event (token as the last path segment)",
    response={200: dict, 400: dict, 401: dict},
    openapi_extra=BODY,
)
def cti_event_with_path_token(request: HttpRequest, token: str) -> HttpResponse:
    """The same as ``/events`` for PBXes that cannot set headers."""
    return _handle(request, services.authenticate(token))
