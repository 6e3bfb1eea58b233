"""Posting from the composer: a public reply or an internal note with its attachments, in one
transaction (a refused reply stores no files; a too-big file stores no reply)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from django.db import transaction

from tierdesk.tickets import lifecycle
from tierdesk.tickets.attachments import check_size, safe_filename, store_attachment

if TYPE_CHECKING:
    from tierdesk.accounts.models import User
    from tierdesk.kb.models import Article
    from tierdesk.tickets.models import Entry, Ticket


@dataclasses.dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes
    content_type: str = ""


@transaction.atomic
def post_entry(
    *,
    ticket: Ticket,
    actor: User,
    public: bool,
    body: str,
    expected_version: int | None,
    new_status: str | None = None,
    article: Article | None = None,
    uploads: list[Upload] | None = None,
) -> Entry:
    """A public reply (``public=True``; may offer a KB ``article`` and set ``new_status``) or
    an internal note (agents only; a ``new_status`` is applied first, with the version check)."""
    uploads = uploads or []
    for upload in uploads:
        check_size(len(upload.content), filename=safe_filename(upload.filename))
    if public:
        entry = lifecycle.reply(
            ticket=ticket,
            actor=actor,
            body=body,
            expected_version=expected_version,
            new_status=new_status or None,
            article=article,
        )
    else:
        if new_status and new_status != ticket.status:
            lifecycle.change_status(
                ticket=ticket, actor=actor, status=new_status, expected_version=expected_version
            )
        # A note only appends: it never overwrites anyone, so it needs no version check.
        entry = lifecycle.add_note(ticket=ticket, actor=actor, body=body)
    for upload in uploads:
        store_attachment(
            ticket=ticket,
            entry=entry,
            filename=upload.filename,
            content=upload.content,
            content_type=upload.content_type,
        )
    return entry
