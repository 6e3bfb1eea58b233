"""Storing attachments of ticket entries: safe names, size limit, content-addressed files.

Files live under TIERDESK_DATA_DIR (the default storage) at a path made from the ticket id and
the SHA-256 of the content, so a hostile filename can never choose where bytes land.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import unicodedata

from django.core.files.base import ContentFile

from tierdesk.core.conf import setting
from tierdesk.core.errors import InvalidInput
from tierdesk.tickets.models import Attachment, Entry, Ticket

_UNSAFE = re.compile(r"[^\w.\- ()\[\]+,@=]", re.UNICODE)


def safe_filename(name: str | None, *, fallback: str = "attachment") -> str:
    """A display name without paths, control characters or leading dots (Unicode kept)."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name:
        name = fallback
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext[:9]) if dot and len(ext) < 10 else name[:200]
    return name


def max_attachment_bytes() -> int:
    return int(setting("MAX_ATTACHMENT_BYTES"))


def check_size(size: int, *, filename: str) -> None:
    limit = max_attachment_bytes()
    if size > limit:
        raise InvalidInput(
            f"{filename} is {size // 1024} KiB; attachments are limited to {limit // 1024} KiB.",
            field="attachments",
        )


def store_attachment(
    *,
    ticket: Ticket,
    entry: Entry | None,
    filename: str | None,
    content: bytes,
    content_type: str = "",
    content_id: str = "",
    inline: bool = False,
) -> Attachment:
    """Store ``content`` for ``ticket`` (and ``entry``). Raises InvalidInput over the limit.
    Callers that must not lose data (the e-mail importer) check the size first and keep an
    oversized part in the raw message instead."""
    name = safe_filename(filename)
    check_size(len(content), filename=name)
    digest = hashlib.sha256(content).hexdigest()
    ctype = (content_type or mimetypes.guess_type(name)[0] or "application/octet-stream")[:255]
    attachment = Attachment(
        ticket=ticket,
        entry=entry,
        filename=name,
        content_type=ctype,
        size=len(content),
        sha256=digest,
        content_id=(content_id or "").strip("<> ")[:255],
        is_inline=inline,
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment
