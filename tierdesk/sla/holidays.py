"""Public holidays and transferred working days from the ``holidays`` package, loaded lazily.

``holidays`` knows Russian public holidays, the days off moved by government decree
("Day off (substituted from 04/27/2024)") and the weekend days that become working days
(``weekend_workdays``). Other countries work the same way by their ISO code.
"""

from __future__ import annotations

import datetime as dt
import functools

import holidays as holidays_lib


class _Workdays:
    """``date in workdays``: a weekend day that the country's calendar makes a working day."""

    def __init__(self, source: holidays_lib.HolidayBase) -> None:
        self._source = source

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, dt.date):
            return False
        day in self._source  # noqa: B015  (membership loads the year on demand)
        return day in getattr(self._source, "weekend_workdays", ())


class HolidaySource:
    def __init__(self, country: str, subdivision: str | None = None) -> None:
        try:
            self.holidays = holidays_lib.country_holidays(
                country.upper(), subdiv=subdivision or None
            )
        except NotImplementedError:
            raise ValueError(f"The holidays package does not know country {country!r}.") from None
        self.workdays = _Workdays(self.holidays)


@functools.lru_cache(maxsize=32)
def source_for(country: str) -> HolidaySource | None:
    """One shared, lazily filled source per country ('' → none)."""
    return HolidaySource(country) if country else None


def known_country(country: str) -> bool:
    return country.upper() in holidays_lib.list_supported_countries()
