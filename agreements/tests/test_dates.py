"""The convention's date rules (agreements/dates.py): years, quarters, renewal, notice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agreements import dates
from agreements.dates import Period


def test_a_year_runs_from_notification_to_the_day_before_its_anniversary():
    assert dates.convention_year(date(2025, 3, 1), 1) == Period(date(2025, 3, 1), date(2026, 2, 28))
    assert dates.convention_year(date(2025, 3, 1), 2) == Period(date(2026, 3, 1), date(2027, 2, 28))
    assert dates.convention_year(date(2023, 3, 1), 1).end == date(2024, 2, 29)  # leap year


def test_the_quarters_of_a_year_end_the_day_before_each_three_month_boundary():
    ends = [q.end for q in dates.quarters(date(2025, 3, 1), 1)]
    assert ends == [date(2025, 5, 31), date(2025, 8, 31), date(2025, 11, 30), date(2026, 2, 28)]


def test_a_notification_on_the_31st_keeps_its_day_where_the_month_has_it():
    quarters = dates.quarters(date(2025, 1, 31), 1)
    assert [(q.start, q.end) for q in quarters] == [
        (date(2025, 1, 31), date(2025, 4, 29)),  # no 31 April: the 30th stands in
        (date(2025, 4, 30), date(2025, 7, 30)),
        (date(2025, 7, 31), date(2025, 10, 30)),
        (date(2025, 10, 31), date(2026, 1, 30)),
    ]
    # Not chained: year 2 starts on the 31st again, not on the 30th or the 28th.
    assert dates.convention_year(date(2025, 1, 31), 2).start == date(2026, 1, 31)
    assert dates.quarters(date(2025, 8, 31), 1)[2].start == date(2026, 2, 28)
    assert dates.quarters(date(2025, 8, 31), 1)[3].start == date(2026, 5, 31)


def test_a_notification_on_29_february():
    notified = date(2024, 2, 29)
    assert dates.convention_year(notified, 1) == Period(date(2024, 2, 29), date(2025, 2, 27))
    assert dates.convention_year(notified, 2) == Period(date(2025, 2, 28), date(2026, 2, 27))
    assert dates.convention_year(notified, 5).start == date(2028, 2, 29)
    assert dates.quarters(notified, 1)[0].end == date(2024, 5, 28)


def test_the_renewal_letter_deadline_is_three_months_before_the_last_day():
    assert dates.renewal_deadline(date(2025, 3, 1), 1) == date(2025, 11, 28)
    assert dates.renewal_deadline(date(2025, 3, 1), 2) == date(2026, 11, 28)
    assert dates.renewal_deadline(date(2025, 6, 1), 1) == date(2026, 2, 28)  # from 31 May


def test_notice_ends_the_convention_three_months_later_or_at_its_term():
    assert dates.notice_end(date(2025, 6, 15)) == date(2025, 9, 14)
    # Notice served on the last day of a month.
    assert dates.notice_end(date(2025, 11, 30)) == date(2026, 2, 27)
    assert dates.notice_end(date(2025, 5, 31)) == date(2025, 8, 30)
    # Notice served on the last day of the year: the convention ends at its term.
    term = dates.term_end(date(2025, 3, 1), 1)
    assert dates.notice_end(date(2026, 2, 28), term) == term


def test_in_force_follows_notification_renewals_and_notice():
    notified = date(2025, 3, 1)
    assert not dates.in_force(date(2025, 2, 28), notified, 1)
    assert dates.in_force(date(2025, 3, 1), notified, 1)
    assert dates.in_force(date(2026, 2, 28), notified, 1)
    assert not dates.in_force(date(2026, 3, 1), notified, 1)
    assert dates.in_force(date(2026, 3, 1), notified, 2)
    assert not dates.in_force(date(2025, 9, 15), notified, 2, effective_end=date(2025, 9, 14))
    assert not dates.in_force(date(2025, 4, 1), None, 1)


def test_year_numbers():
    notified = date(2024, 2, 29)
    assert dates.year_number_on(notified, date(2024, 2, 28)) == 0
    assert dates.year_number_on(notified, date(2024, 2, 29)) == 1
    assert dates.year_number_on(notified, date(2025, 2, 27)) == 1
    assert dates.year_number_on(notified, date(2025, 2, 28)) == 2
    with pytest.raises(ValueError):
        dates.convention_year(notified, 0)


notifications = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


@given(notifications, st.integers(min_value=1, max_value=10))
def test_years_and_quarters_tile_time_without_gap_or_overlap(notified, year):
    period = dates.convention_year(notified, year)
    following = dates.convention_year(notified, year + 1)
    assert following.start == period.end + timedelta(days=1)
    assert 365 <= period.days <= 366
    quarters = dates.quarters(notified, year)
    assert quarters[0].start == period.start and quarters[-1].end == period.end
    for before, after in zip(quarters, quarters[1:], strict=False):
        assert after.start == before.end + timedelta(days=1)
        assert 88 <= before.days <= 93
    assert dates.year_number_on(notified, period.start) == year
    assert dates.year_number_on(notified, period.end) == year


@given(notifications)
def test_notice_always_gives_about_three_months(served):
    end = dates.notice_end(served)
    assert 88 <= (end - served).days + 1 <= 92
