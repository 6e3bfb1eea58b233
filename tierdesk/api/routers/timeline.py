"""A ticket's timeline: entries (customers see public ones only), replies, internal notes, sharing
a vendor message with the customer, and attachments."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from ninja import Query, Router

from tierdesk.api import access, idempotency, lookups, uploads
from tierdesk.api.auth import API_AUTH, principal
from tierdesk.api.pagination import keyset_page
from tierdesk.api.routers.ticket_schemas import (
    AttachmentOut,
    AttachmentPage,
    EntryOut,
    EntryPage,
    NoteIn,
    ReplyIn,
)
from tierdesk.api.routers.tickets import IDEMPOTENCY_KEY
from tierdesk.api.schemas import READ_ERRORS, WRITE_ERRORS, page
from tierdesk.core.errors import NotFound, NotPermitted
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import Attachment, Entry

router = Router(tags=["timeline"], auth=API_AUTH)


def _entries_with_related(qs):  # type: ignore[no-untyped-def]
    return qs.select_related("author_user", "author_contact").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
    )


def _reload_entry(entry_id: int) -> Entry:
    return _entries_with_related(Entry.objects.filter(pk=entry_id)).get()


@router.get(
    "/tickets/{ticket_id}/entries", response={200: EntryPage, **READ_ERRORS}, summary="Timeline"
)
def list_entries(
    request: HttpRequest,
    ticket_id: int,
    cursor: str | None = Query(None, max_length=500),
    limit: int = Query(50, ge=1, le=100),
) -> dict[str, Any]:
    """The ticket's timeline, oldest first. Customers get public entries only."""
    p = principal(request)
    ticket = access.get_ticket(p, ticket_id)
    qs = _entries_with_related(access.entries(p, ticket))
    rows, next_cursor = keyset_page(qs, order="created_at", cursor=cursor, limit=limit)
    return page(rows, next_cursor)


@router.post(
    "/tickets/{ticket_id}/replies", response={201: EntryOut, **WRITE_ERRORS}, summary="Reply"
)
def reply(
    request: HttpRequest,
    ticket_id: int,
    payload: ReplyIn,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
) -> HttpResponse:
    """An agent's public reply to the customer, or the customer's message on his ticket (which
    re-opens a waiting ticket; on a closed ticket it opens a linked follow-up ticket — see the
    entry's ``ticket_id``)."""
    p = principal(request)
    ticket = access.get_ticket(p, ticket_id)
    if not p.is_agent and (payload.version, payload.new_status, payload.article_id) != (
        None,
        None,
        None,
    ):
        raise NotPermitted("version, new_status and article_id are for agents.")
    article = lookups.article(p, payload.article_id)
    files = uploads.decode(payload.attachments)

    def produce() -> EntryOut:
        if p.is_agent:
            entry = lifecycle.reply(
                ticket=ticket,
                actor=p.user,
                body=payload.body,
                body_html=payload.body_html,
                expected_version=payload.version,
                new_status=payload.new_status,
                article=article,
            )
        else:
            assert p.contact is not None
            entry = lifecycle.add_customer_message(
                ticket=ticket,
                contact=p.contact,
                body=payload.body,
                body_html=payload.body_html,
                channel="api",
            )
        if files:
            uploads.store(entry.ticket, entry, files)
        return EntryOut.from_orm(_reload_entry(entry.pk))

    return idempotency.run(request, p, idempotency_key, produce)


@router.post("/tickets/{ticket_id}/notes", response={201: EntryOut, **WRITE_ERRORS}, summary="Note")
def add_note(
    request: HttpRequest,
    ticket_id: int,
    payload: NoteIn,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
) -> HttpResponse:
    """An internal note: agents only, never shown or sent to the customer."""
    p = principal(request)
    ticket = access.get_ticket(p, ticket_id)
    access.require_agent(p)
    files = uploads.decode(payload.attachments)

    def produce() -> EntryOut:
        entry = lifecycle.add_note(
            ticket=ticket, actor=p.user, body=payload.body, body_html=payload.body_html
        )
        if files:
            uploads.store(ticket, entry, files)
        return EntryOut.from_orm(_reload_entry(entry.pk))

    return idempotency.run(request, p, idempotency_key, produce)


@router.post(
    "/entries/{entry_id}/share",
    response={200: EntryOut, **WRITE_ERRORS},
    summary="Share with the customer",
)
def share_entry(request: HttpRequest, entry_id: int) -> Entry:
    """Make an agents-only vendor message or call log visible to the customer, on purpose.
    Internal notes can never be shared."""
    p = principal(request)
    access.require_agent(p)
    entry = Entry.objects.filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(f"No entry {entry_id}.")
    lifecycle.share_entry_with_customer(entry=entry, actor=p.user)
    return _reload_entry(entry.pk)


@router.get(
    "/tickets/{ticket_id}/attachments",
    response={200: AttachmentPage, **READ_ERRORS},
    summary="Attachments of a ticket",
)
def list_attachments(
    request: HttpRequest,
    ticket_id: int,
    cursor: str | None = Query(None, max_length=500),
    limit: int = Query(50, ge=1, le=100),
) -> dict[str, Any]:
    p = principal(request)
    ticket = access.get_ticket(p, ticket_id)
    qs = access.attachments(p).filter(ticket=ticket)
    rows, next_cursor = keyset_page(qs, order="id", cursor=cursor, limit=limit)
    return page(rows, next_cursor)


def _attachment(request: HttpRequest, attachment_id: int) -> Attachment:
    found = access.attachments(principal(request)).filter(pk=attachment_id).first()
    if found is None:
        raise NotFound(f"No attachment {attachment_id}.")
    return found


@router.get(
    "/attachments/{attachment_id}",
    response={200: AttachmentOut, **READ_ERRORS},
    summary="Attachment metadata",
)
def get_attachment(request: HttpRequest, attachment_id: int) -> Attachment:
    return _attachment(request, attachment_id)


@router.get(
    "/attachments/{attachment_id}/content",
    response={200: None, **READ_ERRORS},
    summary="Download an attachment",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, as a download.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def download_attachment(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    found = _attachment(request, attachment_id)
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise NotFound(f"The file of attachment {attachment_id} is missing.") from exc
    # Always a download, never rendered: user content must not run as our origin's page.
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=found.filename,
        content_type="application/octet-stream",
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
