"""Typed access to the product settings in ``settings.TIERDESK``."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def setting(name: str) -> Any:
    return settings.TIERDESK[name]
