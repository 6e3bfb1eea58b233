"""Turn a :class:`BusinessCalendar` row into a :class:`WorkingCalendar` for the arithmetic."""

from __future__ import annotations

import datetime as dt

from tierdesk.sla.businesstime import WorkingCalendar
from tierdesk.sla.holidays import source_for
from tierdesk.sla.models import BusinessCalendar

ALWAYS_OPEN = WorkingCalendar.build(timezone="UTC", always_open=True)


def working_calendar(calendar: BusinessCalendar | None) -> WorkingCalendar:
    """The arithmetic view of ``calendar``; no calendar means wall-clock time (24x7).

    Reads the calendar's exceptions (one query unless prefetched).
    """
    if calendar is None or calendar.is_24x7:
        if calendar is not None and calendar.timezone:
            return WorkingCalendar.build(timezone=calendar.timezone, always_open=True)
        return ALWAYS_OPEN
    source = source_for(calendar.holiday_country.upper()) if calendar.holiday_country else None
    exceptions: dict[dt.date, list[list[str]]] = {
        exc.date: list(exc.hours or []) for exc in calendar.exceptions.all()
    }
    return WorkingCalendar.build(
        timezone=calendar.timezone,
        week=calendar.weekly_hours or {},
        holidays=source.holidays if source else frozenset(),
        workdays=source.workdays if source else frozenset(),
        exceptions=exceptions,
    )


def calendar_by_id(calendar_id: int | None) -> WorkingCalendar:
    if calendar_id is None:
        return ALWAYS_OPEN
    calendar = (
        BusinessCalendar.objects.filter(pk=calendar_id).prefetch_related("exceptions").first()
    )
    return working_calendar(calendar)
