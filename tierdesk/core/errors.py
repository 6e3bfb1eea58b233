"""Domain errors: exceptions with messages a user can read (STYLE rule 3)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request that the domain refuses. ``message`` is safe to show to the user."""

    code = "domain_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return str(self.message)


class InvalidInput(DomainError):
    code = "invalid_input"


class InvalidTransition(DomainError):
    code = "invalid_transition"


class NotPermitted(DomainError):
    code = "not_permitted"


class ApprovalRequired(DomainError):
    code = "approval_required"


class ConflictError(DomainError):
    """Someone else changed the object since the caller read it (optimistic concurrency)."""

    code = "conflict"


class NotFound(DomainError):
    code = "not_found"
