"""Phone numbers as PBXes send them, to E.164 (pure functions, no database)."""

from __future__ import annotations

import phonenumbers
from django.conf import settings


def default_region() -> str:
    return str(getattr(settings, "TIERDESK", {}).get("PHONE_REGION", "RU"))


def to_e164(raw: str, *, region: str | None = None) -> str:
    """Best-effort E.164 for a number from a PBX: ``79161234567``, ``8 916 123-45-67``,
    ``+7 …``, ``0049…`` and international numbers written without the plus (Zammad's
    examples: ``493055571600``). Returns "" for ``anonymous``, extensions and garbage —
    an unknown number is normal for a phone call, never an error."""
    text = (raw or "").strip()
    if not text:
        return ""
    region = region or default_region()
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.startswith("00") and digits:
        text = "+" + digits[2:]
    candidates = [text]
    if not text.startswith("+") and digits and len(digits) >= 8:
        candidates.append("+" + digits)
    parsed = []
    for candidate in candidates:
        try:
            parsed.append(phonenumbers.parse(candidate, region))
        except phonenumbers.NumberParseException:
            continue
    for check in (phonenumbers.is_valid_number, phonenumbers.is_possible_number):
        for number in parsed:
            if check(number):
                return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return ""


def display(e164: str) -> str:
    """``+79161234567`` → ``+7 916 123-45-67`` (international format), else as given."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
