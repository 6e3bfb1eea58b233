"""One error format for the whole API: RFC 9457 problem details (``application/problem+json``).

Every error — a domain refusal, bad input, a missing token, an unknown URL, a wrong method, a
crash — leaves the API as::

    {"type": "https://tierdesk.dev/problems/invalid-input", "title": "Invalid input",
     "status": 422, "detail": "A ticket needs a subject.", "instance": "/api/v1/tickets",
     "code": "invalid_input", "errors": [{"field": "subject", "message": "…"}]}

``type`` URIs identify the kind of problem (they are names; nothing is served there).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from tierdesk.core.errors import (
    ApprovalRequired,
    ConflictError,
    DomainError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    NotPermitted,
)

log = logging.getLogger("tierdesk.api")

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "https://tierdesk.dev/problems/"

TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal server error",
}

CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid_input",
    429: "throttled",
    500: "server_error",
}

# Domain errors → HTTP status (DomainError subclasses of tierdesk.core.errors).
DOMAIN_STATUS: list[tuple[type[DomainError], int]] = [
    (ConflictError, 409),
    (ApprovalRequired, 409),
    (InvalidTransition, 409),
    (NotFound, 404),
    (NotPermitted, 403),
    (InvalidInput, 422),
]


def problem(
    request: HttpRequest | None,
    status: int,
    detail: str,
    *,
    code: str | None = None,
    title: str | None = None,
    **extra: Any,
) -> HttpResponse:
    code = code or CODES.get(status, "error")
    body: dict[str, Any] = {
        "type": TYPE_BASE + code.replace("_", "-"),
        "title": title or TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if request is not None:
        body["instance"] = request.path
    body.update({k: v for k, v in extra.items() if v is not None})
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="tierdesk"'
    return response


def is_problem(response: HttpResponse) -> bool:
    return str(response.get("Content-Type", "")).startswith(PROBLEM_CONTENT_TYPE)


def domain_status(exc: DomainError) -> int:
    for cls, status in DOMAIN_STATUS:
        if isinstance(exc, cls):
            return status
    return 400


def _domain_errors(exc: DomainError) -> list[dict[str, Any]] | None:
    details = exc.details
    if "field" in details:
        return [{"field": str(details["field"]), "message": exc.message}]
    if "fields" in details and isinstance(details["fields"], list):
        return [{"field": str(f), "message": exc.message} for f in details["fields"]]
    return None


RESERVED = frozenset(
    {"type", "title", "status", "detail", "code", "instance", "errors", "request", "context"}
)


def _on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    # The error's details become extension members; names the format itself uses go into
    # "context" so they never shadow the problem's own status, type or title.
    details = {
        k: v for k, v in exc.details.items() if k not in {"field", "fields"} and _jsonable(v)
    }
    extra = {k: v for k, v in details.items() if k not in RESERVED}
    context = {k: v for k, v in details.items() if k in RESERVED}
    return problem(
        request,
        domain_status(exc),
        exc.message,
        code=exc.code,
        errors=_domain_errors(exc),
        context=context or None,
        **extra,
    )


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def _field_name(loc: Any) -> str:
    parts = [str(p) for p in (loc or ())]
    # ninja prefixes the source ("body", "query", "path") and the parameter name of the body
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        source, rest = parts[0], parts[1:]
        if source == "body" and len(rest) > 1 and rest[0] == "payload":
            rest = rest[1:]
        return ".".join(rest) or source
    return ".".join(parts)


def _on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": _field_name(e.get("loc")), "message": str(e.get("msg", "invalid"))}
        for e in exc.errors
    ]
    unparsable = any(str(e.get("msg", "")).startswith("Cannot parse") for e in exc.errors)
    if unparsable:
        return problem(request, 400, "The request body is not valid JSON.", code="bad_request")
    summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    return problem(
        request,
        422,
        f"The request does not validate: {summary}" if summary else "Invalid input.",
        code="validation_failed",
        title="Invalid input",
        errors=errors,
    )


def _on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(
        request,
        401,
        "Send a valid API token (Authorization: Bearer tdk_…) or sign in.",
        code="not_authenticated",
    )


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code, str(exc))


def _on_404(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 404, "No such object, or you may not see it.", code="not_found")


def _on_permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 403, str(exc) or "You may not do this.", code="forbidden")


def _on_overflow(request: HttpRequest, exc: Exception) -> HttpResponse:
    # An id beyond 64 bits reaches SQLite as an OverflowError (PostgreSQL just finds nothing).
    return problem(
        request,
        422,
        "A number in the request is out of range (ids are 64-bit integers).",
        code="out_of_range",
    )


def _on_exception(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("API error on %s %s", request.method, request.path)
    return problem(request, 500, "The server failed to handle the request.", code="server_error")


def install(api: NinjaAPI) -> None:
    """Route every exception the API can raise to a problem response."""
    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (Exception, _on_exception),
        (DomainError, _on_domain_error),
        (ValidationError, _on_validation_error),
        (AuthenticationError, _on_authentication_error),
        (HttpError, _on_http_error),
        (Http404, _on_404),
        (PermissionDenied, _on_permission_denied),
        (OverflowError, _on_overflow),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)


def problem_responses(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a Django view under /api/v1/ so errors produced outside ninja's handlers (a method
    not allowed, Django's own 404/403 pages) also leave as problem details."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return _on_404(request, Http404())
        if response.status_code >= 400 and not is_problem(response):
            status = response.status_code
            if status == 405:
                allowed = response.get("Allow", "")
                out = problem(
                    request,
                    405,
                    f"{request.method} is not allowed here; use {allowed}.",
                    code="method_not_allowed",
                )
                out["Allow"] = allowed
                return out
            detail = TITLES.get(status, "Error")
            try:
                payload = json.loads(response.content or b"{}")
                detail = str(payload.get("detail") or detail)
            except (ValueError, AttributeError):
                pass
            return problem(request, status, detail)
        return response

    for attr in ("csrf_exempt",):
        if hasattr(view, attr):
            setattr(wrapped, attr, getattr(view, attr))
    wrapped.__name__ = getattr(view, "__name__", "view")
    wrapped.__doc__ = view.__doc__
    return wrapped


def not_found_view(request: HttpRequest, path: str = "") -> HttpResponse:
    return problem(request, 404, f"No API endpoint at {request.path}.", code="not_found")
