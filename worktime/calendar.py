"""Business-time arithmetic on a body's working calendar.

Rules (documented in docs/architecture.md, "Deadlines"):

* ``HOURS``: elapsed clock hours from the start.
* ``CALENDAR_DAYS``: N days after the start date.
* ``WORKING_DAYS`` (jours ouvrés): N days among Monday-Friday that are neither public
  holidays nor the body's closed days, the start day not counted.
* ``BUSINESS_DAYS`` (jours ouvrables): the same among Monday-Saturday.

Day units fall due at the end of the due day (23:59:59 local time). Whatever the unit,
a deadline that falls on a day the body is closed moves to the next day it is open
(same clock time for hours; end of day for day units).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays as holiday_data

PARIS = ZoneInfo("Europe/Paris")
END_OF_DAY = time(23, 59, 59)
MONDAY_TO_FRIDAY = frozenset(range(5))
MONDAY_TO_SATURDAY = frozenset(range(6))
MAX_SEARCH_DAYS = 366


class DeadlineUnit(enum.StrEnum):
    HOURS = "hours"
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    BUSINESS_DAYS = "business_days"


@dataclass(frozen=True)
class WorkCalendar:
    """The days a body works: its weekdays, minus public holidays and its own closed days."""

    weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    closed_days: frozenset[date] = field(default_factory=frozenset)
    country: str = "FR"
    subdivision: str | None = None
    tz: ZoneInfo = PARIS

    @cached_property
    def _holidays(self) -> holiday_data.HolidayBase:
        return holiday_data.country_holidays(self.country, subdiv=self.subdivision)

    def is_holiday(self, day: date) -> bool:
        return day in self._holidays or day in self.closed_days

    def holiday_name(self, day: date) -> str | None:
        if day in self.closed_days:
            return "closed"
        return self._holidays.get(day)

    def is_open(self, day: date) -> bool:
        return day.weekday() in self.weekdays and not self.is_holiday(day)

    def next_open_day(self, day: date) -> date:
        """``day`` itself when the body works that day, else the next day it does."""
        for _ in range(MAX_SEARCH_DAYS):
            if self.is_open(day):
                return day
            day += timedelta(days=1)
        raise ValueError("calendar has no open day within a year")

    def add_counted_days(self, start: date, count: int, weekdays: Iterable[int]) -> date:
        """The ``count``-th day after ``start`` among ``weekdays`` that is not a holiday."""
        allowed = frozenset(weekdays)
        day = start
        remaining = count
        guard = 0
        while remaining > 0:
            day += timedelta(days=1)
            guard += 1
            if guard > MAX_SEARCH_DAYS * 4:
                raise ValueError("no counted day found")
            if day.weekday() in allowed and not self.is_holiday(day):
                remaining -= 1
        return day

    def open_days_between(self, start: date, end: date) -> int:
        """Open days in the half-open interval (start, end]."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_open(day):
                count += 1
        return count


def add_deadline(start: datetime, amount: int, unit: DeadlineUnit, calendar: WorkCalendar) -> datetime:
    """The moment a request received at ``start`` falls due (aware datetime, body's zone)."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    if amount < 0:
        raise ValueError("amount must be positive")
    local = start.astimezone(calendar.tz)
    unit = DeadlineUnit(unit)
    if unit is DeadlineUnit.HOURS:
        due = (start.astimezone(UTC) + timedelta(hours=amount)).astimezone(calendar.tz)
        open_day = calendar.next_open_day(due.date())
        if open_day != due.date():
            due = datetime.combine(open_day, due.time(), calendar.tz)
        return due
    if unit is DeadlineUnit.CALENDAR_DAYS:
        day = local.date() + timedelta(days=amount)
    elif unit is DeadlineUnit.WORKING_DAYS:
        day = calendar.add_counted_days(local.date(), amount, MONDAY_TO_FRIDAY)
    else:
        day = calendar.add_counted_days(local.date(), amount, MONDAY_TO_SATURDAY)
    return datetime.combine(calendar.next_open_day(day), END_OF_DAY, calendar.tz)


def elapsed_share(start: datetime, due: datetime, now: datetime) -> float:
    """Share of the time between start and due that has passed at ``now`` (may exceed 1)."""
    total = (due - start).total_seconds()
    if total <= 0:
        return 1.0
    return (now - start).total_seconds() / total


def working_seconds(start: datetime, end: datetime, calendar: WorkCalendar) -> int:
    """Seconds between ``start`` and ``end`` that fall on the calendar's open days (local days;
    a closed day, weekend or holiday counts for nothing). Zero when ``end`` is not after ``start``."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    if end <= start:
        return 0
    # in UTC: the difference of two times in the same zone would ignore daylight saving
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    total = 0.0
    day = start.astimezone(calendar.tz).date()
    while day <= end.astimezone(calendar.tz).date():
        if calendar.is_open(day):
            day_start = datetime.combine(day, time(), calendar.tz).astimezone(UTC)
            next_start = datetime.combine(day + timedelta(days=1), time(), calendar.tz).astimezone(UTC)
            low, high = max(start, day_start), min(end, next_start)
            total += max((high - low).total_seconds(), 0.0)
        day += timedelta(days=1)
    return int(total)
