"""Every date rule of the convention, in one pure module (no Django).

Articles of the convention (shared/seed/convention-allo-mairie.txt):

* art. 2: one year from notification, renewable expressly for the same duration by a
  letter sent three months before the term;
* art. 5: an instalment at the end of each elapsed period of three months; the key is
  revised on the anniversary;
* art. 6: termination by either party with three months' notice.

Rules (docs/finance.md explains them):

* A period of *n* months that starts on day *d* ends the day before the same day number
  *n* months later. When that month has no day *d* (31 April, 29 February of a common
  year) the month's last day stands in for it (as article 641 of the code of civil
  procedure does for time limits in months). Boundaries are always counted from the
  notification date, never chained, so a notification on the 31st does not drift to the
  30th, then the 28th.
* Year *k* (1, 2, …) runs from ``anniversary(notified, k - 1)`` to the day before
  ``anniversary(notified, k)``; its four quarters tile it exactly.
* The renewal letter must be sent at least three months before the term: at the latest
  on ``add_months(last day of the year, -3)``.
* Notice served on day *s* ends the convention on the day before ``add_months(s, 3)``,
  or at the end of the current term if that comes first (a convention not renewed
  ends at its term anyway).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

QUARTERS = 4
MONTHS_PER_QUARTER = 3
NOTICE_MONTHS = 3
RENEWAL_LETTER_MONTHS = 3
ONE_DAY = timedelta(days=1)


def add_months(start: date, months: int, *, day: int | None = None) -> date:
    """``start`` moved by ``months`` (may be negative), keeping ``day`` (default: the
    start's day number) or the month's last day when the month is shorter."""
    day = day or start.day
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def anniversary(notified: date, years: int) -> date:
    """The ``years``-th anniversary of the notification (29 February → 28 February)."""
    return add_months(notified, 12 * years, day=notified.day)


@dataclass(frozen=True)
class Period:
    """Both ends included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def previous(self) -> Period:
        """The period of the same length just before."""
        return Period(self.start - timedelta(days=self.days), self.start - ONE_DAY)

    def year_before(self) -> Period:
        """The same dates a year earlier (29 February becomes 28 February)."""
        return Period(add_months(self.start, -12), add_months(self.end, -12))


def convention_year(notified: date, number: int) -> Period:
    """Year ``number`` (1 is the first year) of a convention notified on ``notified``."""
    if number < 1:
        raise ValueError("Convention years are numbered from 1.")
    return Period(anniversary(notified, number - 1), anniversary(notified, number) - ONE_DAY)


def year_number_on(notified: date, day: date) -> int:
    """The number of the convention year that contains ``day`` (0 before notification)."""
    if day < notified:
        return 0
    number = max(1, day.year - notified.year)
    while anniversary(notified, number) <= day:
        number += 1
    while number > 1 and anniversary(notified, number - 1) > day:
        number -= 1
    return number


def quarters(notified: date, year: int) -> list[Period]:
    """The four three-month periods of convention year ``year``; instalment q falls due
    on the last day of period q."""
    first = 12 * (year - 1)
    bounds = [
        add_months(notified, first + MONTHS_PER_QUARTER * q, day=notified.day) for q in range(QUARTERS + 1)
    ]
    return [Period(bounds[q], bounds[q + 1] - ONE_DAY) for q in range(QUARTERS)]


def renewal_deadline(notified: date, year: int) -> date:
    """The last day the renewal letter for the end of year ``year`` may be sent."""
    last_day = convention_year(notified, year).end
    return add_months(last_day, -RENEWAL_LETTER_MONTHS)


def notice_end(served: date, term_end: date | None = None) -> date:
    """The last day in force after notice served on ``served`` (three months' notice).

    ``term_end`` is the last day of the years already agreed: a convention that is not
    renewed ends then, notice or not."""
    end = add_months(served, NOTICE_MONTHS) - ONE_DAY
    return min(end, term_end) if term_end else end


def term_end(notified: date, years_agreed: int) -> date:
    """The last day of the ``years_agreed``-th year (1 + renewals)."""
    return convention_year(notified, years_agreed).end


def in_force(day: date, notified: date | None, years_agreed: int, effective_end: date | None = None) -> bool:
    """Whether a convention notified on ``notified``, renewed up to ``years_agreed`` years
    and possibly ended early on ``effective_end``, is in force on ``day``."""
    if notified is None or years_agreed < 1 or day < notified:
        return False
    last = term_end(notified, years_agreed)
    if effective_end is not None:
        last = min(last, effective_end)
    return day <= last


def days_until(today: date, deadline: date) -> int:
    return (deadline - today).days
