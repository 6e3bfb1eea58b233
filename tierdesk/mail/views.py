"""Inline (``cid:``) images of e-mail entries, for the agent workspace and the portal."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from tierdesk.tickets import permissions
from tierdesk.tickets.models import Attachment

SAFE_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"}


@require_GET
@login_required
def inline_image(request: HttpRequest, pk: int, sha: str) -> FileResponse:
    """An image of a mail entry, to users who may see that entry: agents, and customers who
    may see the ticket when the entry is public. The hash prefix in the URL must match."""
    found = Attachment.objects.select_related("ticket", "entry").filter(pk=pk).first()
    if found is None or not found.sha256.startswith(sha) or len(sha) < 16:
        raise Http404
    user = request.user
    allowed = permissions.is_agent(user)  # type: ignore[arg-type]
    if not allowed:
        contact = getattr(user, "contact", None)
        entry_public = found.entry is None or found.entry.is_public
        allowed = entry_public and permissions.contact_can_see_ticket(contact, found.ticket)
    if not allowed:
        raise Http404
    content_type = found.content_type if found.content_type in SAFE_IMAGE_TYPES else None
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=content_type is None,
        filename=found.filename,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=86400"
    return response
