"""Business-time arithmetic: pure functions over a :class:`WorkingCalendar`, no database.

A calendar says when support works: weekly intervals in a time zone (an interval whose end is
not after its start runs past midnight, e.g. ``22:00–06:00``), public holidays (whole days off),
transferred working days (a weekend day that works like a weekday, e.g. Saturday 27 April 2024
in Russia), and manual exceptions per date (closed, or open with other hours). An overnight
interval belongs to the day it starts on: if that day is a holiday, the whole shift is off.
``always_open`` (24x7) ignores all of that.

Conventions, relied on by the SLA clocks and by the property tests:
  * :func:`elapsed` counts working time in ``[start, end)``.
  * :func:`add` returns the EARLIEST moment ``t >= start`` with ``elapsed(start, t) == d``.
  * :func:`subtract` returns the LATEST moment ``t <= end`` with ``elapsed(t, end) == d``.
So ``add`` is monotonic in both arguments, and for a ``start`` inside working time
``subtract(add(start, d), d) == start``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import zoneinfo
from collections.abc import Container, Iterator, Mapping, Sequence

UTC = dt.UTC
ZERO = dt.timedelta(0)
DAY = dt.timedelta(days=1)
# How far add/subtract search before declaring the calendar empty (no working time at all).
SEARCH_LIMIT_DAYS = 3660

Minutes = tuple[int, int]  # (start, end) minutes after local midnight; end may exceed 1440

_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


class CalendarError(ValueError):
    """A calendar that cannot be used: bad hours, unknown time zone, or no working time."""


def parse_time(value: str) -> int:
    """``"09:30"`` → 570 minutes after midnight; ``"24:00"`` → 1440."""
    match = _TIME.match(str(value).strip())
    if not match:
        raise CalendarError(f"{value!r} is not a time like 09:00.")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise CalendarError(f"{value!r} is not a time of day.")
    return hours * 60 + minutes


def parse_intervals(raw: Sequence[Sequence[str]]) -> tuple[Minutes, ...]:
    """``[["09:00", "18:00"], ["22:00", "06:00"]]`` → ``((540, 1080), (1320, 1800))``.

    An end that is not after the start means the interval runs past midnight (at most 24 h).
    """
    out: list[Minutes] = []
    for item in raw or ():
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise CalendarError(f"{item!r} is not a [start, end] pair.")
        start, end = parse_time(item[0]), parse_time(item[1])
        if start == 1440:
            raise CalendarError("An interval cannot start at 24:00.")
        if end <= start:
            end += 1440
        out.append((start, end))
    return tuple(sorted(out))


def parse_week(raw: Mapping[str, Sequence[Sequence[str]]]) -> dict[int, tuple[Minutes, ...]]:
    """Weekly hours as stored in the database: ``{"0": [["09:00", "18:00"]], …}`` (0 = Monday)."""
    week: dict[int, tuple[Minutes, ...]] = {}
    for key, intervals in (raw or {}).items():
        try:
            day = int(key)
        except (TypeError, ValueError):
            raise CalendarError(f"{key!r} is not a weekday number 0–6.") from None
        if not 0 <= day <= 6:
            raise CalendarError(f"{key!r} is not a weekday number 0–6.")
        week[day] = parse_intervals(intervals)
    return week


@dataclasses.dataclass(frozen=True)
class WorkingCalendar:
    tz: zoneinfo.ZoneInfo
    week: Mapping[int, tuple[Minutes, ...]] = dataclasses.field(default_factory=dict)
    holidays: Container[dt.date] = frozenset()
    workdays: Container[dt.date] = frozenset()  # weekend days that work (transferred)
    exceptions: Mapping[dt.date, tuple[Minutes, ...]] = dataclasses.field(default_factory=dict)
    always_open: bool = False

    @classmethod
    def build(
        cls,
        *,
        timezone: str,
        week: Mapping[str, Sequence[Sequence[str]]] | None = None,
        holidays: Container[dt.date] = frozenset(),
        workdays: Container[dt.date] = frozenset(),
        exceptions: Mapping[dt.date, Sequence[Sequence[str]]] | None = None,
        always_open: bool = False,
    ) -> WorkingCalendar:
        try:
            tz = zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise CalendarError(f"Unknown time zone {timezone!r}.") from None
        return cls(
            tz=tz,
            week=parse_week(week or {}),
            holidays=holidays,
            workdays=workdays,
            exceptions={d: parse_intervals(v) for d, v in (exceptions or {}).items()},
            always_open=always_open,
        )

    # ------------------------------------------------------------------ which hours a day has

    def transferred_hours(self) -> tuple[Minutes, ...]:
        """A transferred working day works like the first weekday that has hours (Monday)."""
        for day in range(5):
            if self.week.get(day):
                return self.week[day]
        return ()

    def day_hours(self, day: dt.date) -> tuple[Minutes, ...]:
        if day in self.exceptions:
            return self.exceptions[day]
        if day in self.holidays:
            return ()
        hours = self.week.get(day.weekday(), ())
        if not hours and day in self.workdays:
            return self.transferred_hours()
        return hours

    def day_intervals(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The working intervals that start on local ``day``, as aware UTC datetimes."""
        midnight = dt.datetime.combine(day, dt.time())
        out = []
        for start, end in self.day_hours(day):
            a = (midnight + dt.timedelta(minutes=start)).replace(tzinfo=self.tz).astimezone(UTC)
            b = (midnight + dt.timedelta(minutes=end)).replace(tzinfo=self.tz).astimezone(UTC)
            if b > a:
                out.append((a, b))
        return out

    def has_hours(self) -> bool:
        return self.always_open or any(self.week.values()) or any(self.exceptions.values())


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise CalendarError("Business-time arithmetic needs aware datetimes.")
    return moment.astimezone(UTC)


def _merged(chunks: list[tuple[dt.datetime, dt.datetime]]) -> list[tuple[dt.datetime, dt.datetime]]:
    chunks.sort()
    out: list[tuple[dt.datetime, dt.datetime]] = []
    for a, b in chunks:
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _forward(cal: WorkingCalendar, start: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Working intervals (merged, ascending) that end after ``start``, clipped to it."""
    day = start.astimezone(cal.tz).date() - DAY  # yesterday's overnight shift may still run
    last: dt.datetime | None = None
    pending: list[tuple[dt.datetime, dt.datetime]] = []
    for _ in range(SEARCH_LIMIT_DAYS):
        pending = _merged(pending + cal.day_intervals(day))
        # Anything that ends before the next day's first possible start is final.
        horizon = dt.datetime.combine(day + DAY, dt.time()).replace(tzinfo=cal.tz).astimezone(UTC)
        while pending and pending[0][1] <= horizon:
            a, b = pending.pop(0)
            if b <= start:
                continue
            a = max(a, start)
            if last is not None and a < last:
                a = last
            if b > a:
                last = b
                yield a, b
        day += DAY
    for a, b in pending:
        if b > start:
            yield max(a, start), b


def _backward(cal: WorkingCalendar, end: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Working intervals (merged, descending) that start before ``end``, clipped to it."""
    day = end.astimezone(cal.tz).date() + DAY
    pending: list[tuple[dt.datetime, dt.datetime]] = []
    for _ in range(SEARCH_LIMIT_DAYS):
        pending = _merged(pending + cal.day_intervals(day))
        # Intervals starting on earlier days can reach at most 48 h forward; anything that
        # starts after (this day's midnight + 0) can still merge with an earlier overnight
        # shift only if it starts before that shift ends, so keep a one-day margin.
        floor = dt.datetime.combine(day + DAY, dt.time()).replace(tzinfo=cal.tz).astimezone(UTC)
        while pending and pending[-1][0] >= floor:
            a, b = pending.pop()
            if a >= end:
                continue
            yield a, min(b, end)
        day -= DAY
    for a, b in reversed(pending):
        if a < end:
            yield a, min(b, end)


def is_working(cal: WorkingCalendar, moment: dt.datetime) -> bool:
    moment = _utc(moment)
    if cal.always_open:
        return True
    for a, _b in _forward(cal, moment):
        return a == moment
    return False


def elapsed(cal: WorkingCalendar, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Working time in ``[start, end)``; zero when ``end <= start``."""
    start, end = _utc(start), _utc(end)
    if end <= start:
        return ZERO
    if cal.always_open:
        return end - start
    total = ZERO
    for a, b in _forward(cal, start):
        if a >= end:
            break
        total += min(b, end) - a
    return total


def add(cal: WorkingCalendar, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    """The earliest moment at which ``duration`` of working time has passed since ``start``."""
    start = _utc(start)
    if duration < ZERO:
        return subtract(cal, start, -duration)
    if duration == ZERO or cal.always_open:
        return start + duration
    if not cal.has_hours():
        raise CalendarError("The calendar has no working hours.")
    left = duration
    for a, b in _forward(cal, start):
        if b - a >= left:
            return a + left
        left -= b - a
    raise CalendarError("The calendar has no working hours in the next ten years.")


def subtract(cal: WorkingCalendar, end: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    """The latest moment from which ``duration`` of working time runs until ``end``."""
    end = _utc(end)
    if duration < ZERO:
        return add(cal, end, -duration)
    if duration == ZERO or cal.always_open:
        return end - duration
    if not cal.has_hours():
        raise CalendarError("The calendar has no working hours.")
    left = duration
    for a, b in _backward(cal, end):
        if b - a >= left:
            return b - left
        left -= b - a
    raise CalendarError("The calendar has no working hours in the last ten years.")


def next_working_moment(cal: WorkingCalendar, moment: dt.datetime) -> dt.datetime:
    moment = _utc(moment)
    if cal.always_open:
        return moment
    for a, _b in _forward(cal, moment):
        return a
    raise CalendarError("The calendar has no working hours in the next ten years.")
