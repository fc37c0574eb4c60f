"""Working time between two moments on a body's calendar (the barometer's durations)."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from worktime import WorkCalendar, working_seconds
from worktime.calendar import PARIS

CAL = WorkCalendar()
HOUR = 3600


def at(y, m, d, h=0, mi=0):
    return datetime(y, m, d, h, mi, tzinfo=PARIS)


def test_within_one_open_day():
    assert working_seconds(at(2026, 3, 2, 9), at(2026, 3, 2, 13), CAL) == 4 * HOUR


def test_the_weekend_does_not_count():
    # Friday noon to Monday noon: 12 h on Friday, 12 h on Monday
    assert working_seconds(at(2026, 1, 9, 12), at(2026, 1, 12, 12), CAL) == 24 * HOUR


def test_holidays_and_closed_days_do_not_count():
    # Monday 13 July to Wednesday 15 July 2026: the 14th is the national holiday
    assert working_seconds(at(2026, 7, 13, 12), at(2026, 7, 15, 12), CAL) == 24 * HOUR
    closed = WorkCalendar(closed_days=frozenset({date(2026, 7, 15)}))
    assert working_seconds(at(2026, 7, 13, 12), at(2026, 7, 16, 12), closed) == 24 * HOUR


def test_daylight_saving_day_is_23_hours():
    six_days = WorkCalendar(weekdays=frozenset(range(7)))
    assert working_seconds(at(2026, 3, 29), at(2026, 3, 30), six_days) == 23 * HOUR


def test_nothing_backwards_and_naive_refused():
    assert working_seconds(at(2026, 3, 3), at(2026, 3, 2), CAL) == 0
    with pytest.raises(ValueError):
        working_seconds(datetime(2026, 3, 2), at(2026, 3, 3), CAL)


moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda d: d.replace(tzinfo=PARIS)
)


@given(moments, st.integers(0, 40 * 24 * 60), st.integers(0, 40 * 24 * 60))
def test_never_more_than_elapsed_and_additive(start, first, second):
    middle = start + timedelta(minutes=first)
    end = middle + timedelta(minutes=second)
    whole = working_seconds(start, end, CAL)
    assert 0 <= whole <= (end - start).total_seconds() + 1
    parts = working_seconds(start, middle, CAL) + working_seconds(middle, end, CAL)
    assert abs(whole - parts) <= 2  # each result is truncated to the second
