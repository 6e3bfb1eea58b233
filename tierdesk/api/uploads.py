"""Attachments sent inline (base64) with a new ticket, a reply or a note.

They are decoded and size-checked before anything is written, so a bad file refuses the whole
request; then stored through ``tickets.attachments`` in the request's transaction.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
from collections.abc import Iterable
from typing import Protocol

from tierdesk.core.errors import InvalidInput
from tierdesk.tickets.attachments import check_size, safe_filename, store_attachment
from tierdesk.tickets.models import Attachment, Entry, Ticket


class AttachmentData(Protocol):
    filename: str
    content_type: str
    content_base64: str


@dataclasses.dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    content: bytes


def decode(items: Iterable[AttachmentData]) -> list[Upload]:
    uploads = []
    for index, item in enumerate(items):
        field = f"attachments.{index}.content_base64"
        try:
            content = base64.b64decode(item.content_base64.encode("ascii"), validate=True)
        except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
            raise InvalidInput(
                f"{item.filename}: the content is not valid base64.", field=field
            ) from exc
        name = safe_filename(item.filename)
        check_size(len(content), filename=name)
        uploads.append(Upload(filename=name, content_type=item.content_type, content=content))
    return uploads


def store(ticket: Ticket, entry: Entry | None, uploads: list[Upload]) -> list[Attachment]:
    return [
        store_attachment(
            ticket=ticket,
            entry=entry,
            filename=u.filename,
            content=u.content,
            content_type=u.content_type,
        )
        for u in uploads
    ]
