from __future__ import annotations

# The e-mail channel's real test servers: Dovecot IMAP and aiosmtpd SMTP (tests/mail/).
from tests.mail.conftest import dovecot, smtp_sink  # noqa: F401
