"""Validation of intake data against a category's form: plain logic, no database writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from tierdesk.categories.models import FieldType, IntakeField
from tierdesk.core.errors import InvalidInput


def clean_intake(fields: Iterable[IntakeField], data: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``data`` normalised for the given form. Unknown keys are refused; required fields
    are NOT enforced here (L1 collects them over time) — see :func:`missing_required`."""
    by_name = {f.name: f for f in fields}
    unknown = sorted(set(data) - set(by_name))
    if unknown:
        raise InvalidInput("Unknown intake fields: " + ", ".join(unknown), fields=unknown)
    cleaned: dict[str, Any] = {}
    for name, raw in data.items():
        field = by_name[name]
        value = raw.strip() if isinstance(raw, str) else raw
        if value in (None, ""):
            cleaned[name] = ""
            continue
        cleaned[name] = _clean_value(field, value)
    return cleaned


def _clean_value(field: IntakeField, value: Any) -> Any:
    label = field.label_en or field.name
    if field.field_type == FieldType.NUMBER:
        try:
            return str(Decimal(str(value)))
        except InvalidOperation as exc:
            raise InvalidInput(f"{label}: not a number", field=field.name) from exc
    if field.field_type == FieldType.DATE:
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError as exc:
            raise InvalidInput(f"{label}: not a date (YYYY-MM-DD)", field=field.name) from exc
    if field.field_type == FieldType.CHOICE:
        if field.choices and str(value) not in [str(c) for c in field.choices]:
            raise InvalidInput(f"{label}: not one of the choices", field=field.name)
        return str(value)
    if field.field_type == FieldType.BOOLEAN:
        if isinstance(value, bool):
            return value
        return str(value).lower() in {"1", "true", "yes", "on", "да"}
    return str(value)[:5000]


def missing_required(fields: Iterable[IntakeField], data: Mapping[str, Any]) -> list[IntakeField]:
    return [f for f in fields if f.required and data.get(f.name) in (None, "")]
