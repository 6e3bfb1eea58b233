"""Business-time arithmetic without the database: examples and hypothesis properties."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tierdesk.sla import businesstime as bt
from tierdesk.sla.holidays import HolidaySource

MSK = "Europe/Moscow"
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


def msk(*args: int) -> dt.datetime:
    import zoneinfo

    return dt.datetime(*args, tzinfo=zoneinfo.ZoneInfo(MSK))


def office(country: str = "RU", **kwargs) -> bt.WorkingCalendar:  # type: ignore[no-untyped-def]
    source = HolidaySource(country) if country else None
    return bt.WorkingCalendar.build(
        timezone=MSK,
        week={str(d): [["09:00", "18:00"]] for d in range(5)},
        holidays=source.holidays if source else frozenset(),
        workdays=source.workdays if source else frozenset(),
        **kwargs,
    )


NIGHT_SHIFT = bt.WorkingCalendar.build(
    timezone=MSK,
    # evenings and nights Mon–Fri: 20:00–02:00 (past midnight), plus a Saturday morning
    week={**{str(d): [["20:00", "02:00"]] for d in range(5)}, "5": [["09:00", "13:00"]]},
)
ALWAYS = bt.WorkingCalendar.build(timezone="UTC", always_open=True)


def test_within_a_day_and_across_the_night():
    cal = office(country="")
    # Tue 10:00 + 4 h = Tue 14:00
    assert bt.add(cal, msk(2025, 3, 4, 10), 4 * H) == msk(2025, 3, 4, 14)
    # Tue 16:00 + 4 h = 2 h today + 2 h tomorrow → Wed 11:00
    assert bt.add(cal, msk(2025, 3, 4, 16), 4 * H) == msk(2025, 3, 5, 11)
    # created at night: clock starts at 09:00
    assert bt.add(cal, msk(2025, 3, 4, 23, 30), 1 * H) == msk(2025, 3, 5, 10)
    assert bt.elapsed(cal, msk(2025, 3, 4, 17), msk(2025, 3, 5, 10)) == 2 * H


def test_across_the_weekend():
    cal = office(country="")
    # Fri 17:00 + 2 h → Mon 10:00
    assert bt.add(cal, msk(2025, 3, 14, 17), 2 * H) == msk(2025, 3, 17, 10)
    # created on Saturday → the clock starts on Monday 09:00
    assert bt.add(cal, msk(2025, 3, 15, 12), 30 * M) == msk(2025, 3, 17, 9, 30)
    assert bt.elapsed(cal, msk(2025, 3, 14, 12), msk(2025, 3, 17, 12)) == 9 * H


def test_russian_new_year_holidays():
    cal = office()
    # Tue 30 Dec 2025 is a normal working day; 31 Dec is a transferred day off; 1–8 Jan off;
    # 9 Jan 2026 is a day off too (substituted from 3 Jan); work resumes Mon 12 Jan.
    assert bt.add(cal, msk(2025, 12, 30, 17), 2 * H) == msk(2026, 1, 12, 10)


def test_transferred_working_saturday():
    cal = office()
    # Sat 27 Apr 2024 was a working day in Russia; Mon 29 and Tue 30 Apr were days off,
    # 1 May a holiday. Fri 26 Apr 17:00 + 2 h lands on the working Saturday.
    assert bt.add(cal, msk(2024, 4, 26, 17), 2 * H) == msk(2024, 4, 27, 10)
    # 9 more hours from Saturday 10:00: 8 h left on Saturday, then Thursday 2 May 09:00 + 1 h
    assert bt.add(cal, msk(2024, 4, 27, 10), 9 * H) == msk(2024, 5, 2, 10)
    assert bt.is_working(cal, msk(2024, 4, 27, 12))
    assert not bt.is_working(cal, msk(2024, 4, 29, 12))
    assert not bt.is_working(office(country=""), msk(2024, 4, 27, 12))


def test_manual_exceptions_close_and_open_days():
    cal = office(
        country="",
        exceptions={
            dt.date(2025, 3, 5): [],  # Wednesday closed (office move)
            dt.date(2025, 3, 8): [["10:00", "14:00"]],  # Saturday opened for a migration
        },
    )
    assert bt.add(cal, msk(2025, 3, 4, 17), 2 * H) == msk(2025, 3, 6, 10)
    assert bt.add(cal, msk(2025, 3, 7, 17), 3 * H) == msk(2025, 3, 8, 12)


def test_overnight_shift_belongs_to_the_day_it_starts():
    # Mon 3 Mar 2025 23:00 is inside Monday's 20:00–02:00 shift: 3 h end it, the 4th hour is
    # Tuesday 20:00–21:00
    assert bt.add(NIGHT_SHIFT, msk(2025, 3, 3, 23), 3 * H) == msk(2025, 3, 4, 2)
    assert bt.add(NIGHT_SHIFT, msk(2025, 3, 3, 23), 4 * H) == msk(2025, 3, 4, 21)
    # Friday's shift runs into Saturday 02:00, then Saturday morning 09:00–13:00
    assert bt.add(NIGHT_SHIFT, msk(2025, 3, 7, 21), 7 * H) == msk(2025, 3, 8, 11)
    assert bt.is_working(NIGHT_SHIFT, msk(2025, 3, 8, 1, 30))
    assert not bt.is_working(NIGHT_SHIFT, msk(2025, 3, 8, 2, 0))
    # Sunday night: no shift starts on Sunday
    assert bt.add(NIGHT_SHIFT, msk(2025, 3, 9, 21), 1 * H) == msk(2025, 3, 10, 21)


def test_night_shift_on_a_holiday_is_off():
    cal = bt.WorkingCalendar.build(
        timezone=MSK,
        week={str(d): [["22:00", "06:00"]] for d in range(7)},
        holidays=frozenset({dt.date(2025, 6, 12)}),
    )
    # the shift starting on 12 June (Russia Day) does not work; the one from 11 June does
    assert bt.is_working(cal, msk(2025, 6, 12, 5))
    assert not bt.is_working(cal, msk(2025, 6, 12, 23))
    assert bt.add(cal, msk(2025, 6, 12, 5), 2 * H) == msk(2025, 6, 13, 23)


def test_24x7_is_wall_clock_time():
    start = msk(2026, 1, 1, 0, 30)
    assert bt.add(ALWAYS, start, 30 * H) == start + 30 * H
    assert bt.elapsed(ALWAYS, start, start + 5 * H) == 5 * H


def test_dst_day_has_23_hours_of_24x7_like_shift():
    berlin = bt.WorkingCalendar.build(
        timezone="Europe/Berlin", week={str(d): [["00:00", "24:00"]] for d in range(7)}
    )
    import zoneinfo

    tz = zoneinfo.ZoneInfo("Europe/Berlin")
    day = dt.datetime(2025, 3, 30, tzinfo=tz)  # clocks go forward at 02:00
    assert bt.elapsed(berlin, day, day + dt.timedelta(days=1)) == 23 * H


def test_bad_calendars_are_refused():
    with pytest.raises(bt.CalendarError):
        bt.WorkingCalendar.build(timezone="Mars/Base")
    with pytest.raises(bt.CalendarError):
        bt.WorkingCalendar.build(timezone=MSK, week={"0": [["9am", "6pm"]]})
    with pytest.raises(bt.CalendarError):
        bt.WorkingCalendar.build(timezone=MSK, week={"8": [["09:00", "18:00"]]})
    empty = bt.WorkingCalendar.build(timezone=MSK, week={})
    with pytest.raises(bt.CalendarError):
        bt.add(empty, msk(2025, 1, 1), H)
    with pytest.raises(bt.CalendarError):
        bt.add(office(country=""), dt.datetime(2025, 1, 1), H)


def test_holiday_source_knows_russian_days():
    source = HolidaySource("RU")
    assert dt.date(2025, 5, 9) in source.holidays
    assert dt.date(2024, 11, 2) in source.workdays
    assert dt.date(2024, 11, 9) not in source.workdays
    assert dt.date(2031, 1, 1) in source.holidays  # years are loaded on demand
    assert isinstance(source.holidays, holidays.HolidayBase)


# ---------------------------------------------------------------- properties

CALENDARS = st.sampled_from([office(), office(country=""), NIGHT_SHIFT, ALWAYS])
MOMENTS = st.datetimes(
    min_value=dt.datetime(2023, 12, 1),
    max_value=dt.datetime(2026, 12, 31),
    timezones=st.just(dt.UTC),
)
DURATIONS = st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=6))


@settings(max_examples=300, deadline=None)
@given(CALENDARS, MOMENTS, MOMENTS, DURATIONS)
def test_add_is_monotonic_in_the_start(cal, a, b, d):  # type: ignore[no-untyped-def]
    a, b = sorted([a, b])
    assert bt.add(cal, a, d) <= bt.add(cal, b, d)


@settings(max_examples=300, deadline=None)
@given(CALENDARS, MOMENTS, DURATIONS, DURATIONS)
def test_add_is_monotonic_in_the_duration(cal, a, d1, d2):  # type: ignore[no-untyped-def]
    d1, d2 = sorted([d1, d2])
    assert bt.add(cal, a, d1) <= bt.add(cal, a, d2)


@settings(max_examples=300, deadline=None)
@given(CALENDARS, MOMENTS, DURATIONS)
def test_elapsed_measures_what_add_added(cal, a, d):  # type: ignore[no-untyped-def]
    assert bt.elapsed(cal, a, bt.add(cal, a, d)) == d


@settings(max_examples=300, deadline=None)
@given(CALENDARS, MOMENTS, DURATIONS)
def test_add_then_subtract_returns_to_a_working_start(cal, a, d):  # type: ignore[no-untyped-def]
    assume(bt.is_working(cal, a))
    assert bt.subtract(cal, bt.add(cal, a, d), d) == a


@settings(max_examples=200, deadline=None)
@given(CALENDARS, MOMENTS, DURATIONS)
def test_outside_working_time_it_returns_to_the_next_working_moment(cal, a, d):  # type: ignore[no-untyped-def]
    assume(d > dt.timedelta(0))
    assert bt.subtract(cal, bt.add(cal, a, d), d) == bt.next_working_moment(cal, a)


@settings(max_examples=200, deadline=None)
@given(CALENDARS, MOMENTS, MOMENTS, MOMENTS)
def test_elapsed_is_additive(cal, a, b, c):  # type: ignore[no-untyped-def]
    a, b, c = sorted([a, b, c])
    assert bt.elapsed(cal, a, c) == bt.elapsed(cal, a, b) + bt.elapsed(cal, b, c)
