"""Pure MIME parsing: bytes in, :class:`ParsedMessage` out. No ORM, no transport."""

from tierdesk.mail.parsing.types import ParsedAttachment, ParsedMessage

__all__ = ["ParsedAttachment", "ParsedMessage"]
