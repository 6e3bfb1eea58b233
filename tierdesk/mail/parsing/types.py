"""What the parser hands to the rest of the mail channel: plain data, no ORM."""

from __future__ import annotations

import dataclasses
import datetime as dt


@dataclasses.dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes
    content_id: str = ""
    inline: bool = False

    @property
    def size(self) -> int:
        return len(self.data)


@dataclasses.dataclass
class ParsedMessage:
    """One inbound message, decoded. Message-IDs keep their angle brackets (``<id@host>``).

    ``text`` is always readable text (derived from the HTML when the mail has no text part);
    ``html`` is sanitised (safe to render) or empty. ``quoted_from`` is the offset in ``text``
    where quoted earlier correspondence starts (None when there is none). ``is_auto`` says the
    mail was sent by a machine (``auto_kind``: bounce, auto_reply or bulk) and ``auto_reason``
    which header or pattern said so. ``problems`` lists what was wrong with the message and how
    it was read anyway (wrong charset, broken structure); the raw message is always kept.
    """

    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = dataclasses.field(default_factory=list)
    subject: str = ""
    from_email: str = ""
    from_name: str = ""
    reply_to: str = ""
    to: list[str] = dataclasses.field(default_factory=list)
    cc: list[str] = dataclasses.field(default_factory=list)
    date: dt.datetime | None = None
    text: str = ""
    html: str = ""
    attachments: list[ParsedAttachment] = dataclasses.field(default_factory=list)
    is_auto: bool = False
    auto_kind: str = ""
    auto_reason: str = ""
    quoted_from: int | None = None
    return_path: str | None = None
    returned_message_ids: list[str] = dataclasses.field(default_factory=list)
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    size: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this message answers, nearest first (In-Reply-To, then References from
        the end), without repeats."""
        seen: list[str] = []
        for mid in [self.in_reply_to, *reversed(self.references)]:
            if mid and mid not in seen:
                seen.append(mid)
        return seen

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")
