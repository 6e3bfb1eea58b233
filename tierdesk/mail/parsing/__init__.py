"""Pure MIME parsing: bytes in, :class:`ParsedMessage` out. No ORM, no transport."""

from tierdesk.mail.parsing.message import ParseError, content_hash, parse_message, read_message_id
from tierdesk.mail.parsing.types import ParsedAttachment, ParsedMessage

__all__ = [
    "ParseError",
    "ParsedAttachment",
    "ParsedMessage",
    "content_hash",
    "parse_message",
    "read_message_id",
]
