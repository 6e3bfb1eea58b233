from __future__ import annotations

import pytest

# The e-mail channel's real test servers: Dovecot IMAP and aiosmtpd SMTP (tests/mail/).
from tests.mail.conftest import dovecot, smtp_sink  # noqa: F401


@pytest.fixture(autouse=True)
def _fast_passwords(settings):  # type: ignore[no-untyped-def]
    """The desk fixture creates a dozen users; PBKDF2 would spend seconds hashing demo passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
