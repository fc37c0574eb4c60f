"""Deadlines on real French calendars, each unit, and properties of the arithmetic."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from worktime import DeadlineUnit, WorkCalendar, add_deadline, elapsed_share
from worktime.calendar import PARIS

CAL = WorkCalendar()


def at(y, m, d, h=10, mi=0):
    return datetime(y, m, d, h, mi, tzinfo=PARIS)


def test_french_public_holidays_are_closed():
    assert CAL.is_holiday(date(2026, 7, 14))  # Fête nationale
    assert CAL.is_holiday(date(2026, 5, 14))  # Ascension 2026
    assert CAL.is_holiday(date(2026, 5, 25))  # Lundi de Pentecôte 2026
    assert CAL.is_holiday(date(2026, 12, 25))
    assert not CAL.is_holiday(date(2026, 4, 3))  # Good Friday: only in Alsace-Moselle
    assert WorkCalendar(subdivision="57").is_holiday(date(2026, 4, 3))


def test_working_days_cross_a_weekend():
    # Thursday 2026-03-05 + 5 working days -> Thursday 2026-03-12, end of day
    due = add_deadline(at(2026, 3, 5), 5, DeadlineUnit.WORKING_DAYS, CAL)
    assert due == datetime(2026, 3, 12, 23, 59, 59, tzinfo=PARIS)


def test_working_days_skip_ascension():
    # Wednesday 2026-05-13; Thursday 14 is Ascension: 2 working days -> Friday 15, Monday 18
    due = add_deadline(at(2026, 5, 13), 2, DeadlineUnit.WORKING_DAYS, CAL)
    assert due.date() == date(2026, 5, 18)


def test_business_days_count_saturday_but_land_on_an_open_day():
    # Friday 2026-07-10 + 2 jours ouvrables: Saturday 11, Monday 13 (Tuesday 14 is a holiday)
    due = add_deadline(at(2026, 7, 10), 2, DeadlineUnit.BUSINESS_DAYS, CAL)
    assert due.date() == date(2026, 7, 13)
    # Friday + 1 jour ouvrable = Saturday, closed for a Mon-Fri body -> moves to Monday
    due = add_deadline(at(2026, 7, 10), 1, DeadlineUnit.BUSINESS_DAYS, CAL)
    assert due.date() == date(2026, 7, 13)
    # a body that works on Saturdays keeps the Saturday
    saturday_body = WorkCalendar(weekdays=frozenset(range(6)))
    assert add_deadline(at(2026, 7, 10), 1, DeadlineUnit.BUSINESS_DAYS, saturday_body).date() == date(
        2026, 7, 11
    )


def test_calendar_days_landing_on_14_july_move_to_next_working_day():
    due = add_deadline(at(2026, 7, 4), 10, DeadlineUnit.CALENDAR_DAYS, CAL)
    assert due.date() == date(2026, 7, 15)


def test_hours_are_elapsed_and_move_off_closed_days():
    due = add_deadline(at(2026, 3, 4, 10), 3, DeadlineUnit.HOURS, CAL)
    assert due == at(2026, 3, 4, 13)
    # Friday 20:00 + 24 h = Saturday 20:00, closed -> Monday 20:00
    due = add_deadline(at(2026, 3, 6, 20), 24, DeadlineUnit.HOURS, CAL)
    assert due == at(2026, 3, 9, 20)
    # the eve of Ascension: Wednesday 13 May 12:00 + 24 h -> Thursday is closed -> Friday 12:00
    assert add_deadline(at(2026, 5, 13, 12), 24, DeadlineUnit.HOURS, CAL) == at(2026, 5, 15, 12)


def test_hours_across_daylight_saving_change_are_real_hours():
    # 2026-03-29 clocks go forward at 02:00: 3 real hours from 01:00 is 05:00 local
    start = datetime(2026, 3, 29, 1, 0, tzinfo=PARIS)
    always_open = WorkCalendar(weekdays=frozenset(range(7)), country="FR")
    due = add_deadline(start, 3, DeadlineUnit.HOURS, always_open)
    assert due.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=3)
    assert (due.hour, due.utcoffset()) == (5, timedelta(hours=2))


def test_body_closed_days_count():
    closed = WorkCalendar(closed_days=frozenset({date(2026, 3, 6)}))
    assert add_deadline(at(2026, 3, 5), 1, DeadlineUnit.WORKING_DAYS, closed).date() == date(2026, 3, 9)


def test_naive_start_is_refused():
    with pytest.raises(ValueError):
        add_deadline(datetime(2026, 3, 5, 10), 1, DeadlineUnit.HOURS, CAL)


def test_elapsed_share():
    start, due = at(2026, 3, 2, 0), at(2026, 3, 6, 0)
    assert elapsed_share(start, due, at(2026, 3, 5, 0)) == pytest.approx(0.75)


@given(
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)),
    st.integers(min_value=0, max_value=40),
    st.sampled_from(list(DeadlineUnit)),
)
def test_deadline_is_after_start_and_on_an_open_day(start, amount, unit):
    start = start.replace(tzinfo=PARIS)
    due = add_deadline(start, amount, unit, CAL)
    assert due >= start
    assert CAL.is_open(due.date())


@given(
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)),
    st.integers(min_value=1, max_value=30),
)
def test_more_working_days_never_come_sooner(start, amount):
    start = start.replace(tzinfo=PARIS)
    shorter = add_deadline(start, amount, DeadlineUnit.WORKING_DAYS, CAL)
    longer = add_deadline(start, amount + 1, DeadlineUnit.WORKING_DAYS, CAL)
    assert longer > shorter
    assert CAL.open_days_between(start.date(), longer.date()) >= amount + 1
