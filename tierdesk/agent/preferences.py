"""The signed-in user's own preferences (language, time zone) — the only writes this app owns."""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from tierdesk.accounts.models import User

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def validate_timezone(name: str) -> str:
    name = name.strip()
    if not name:
        return ""
    if name not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(name)s") % {"name": name})
    return name


def update_preferences(
    *, user: User, language: str | None = None, timezone: str | None = None
) -> None:
    """Store the user's language and/or time zone; raises ``ValidationError`` on bad input."""
    fields: list[str] = []
    if language is not None:
        if language not in LANGUAGE_CODES:
            raise ValidationError(_("Unknown language: %(code)s") % {"code": language})
        user.language = language
        fields.append("language")
    if timezone is not None:
        user.timezone = validate_timezone(timezone)
        fields.append("timezone")
    if fields:
        user.save(update_fields=fields)
