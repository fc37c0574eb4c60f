"""Opening hours of the call centre (pure Python).

Weekly slots in minutes of the local day, French public holidays closed (via
``worktime.WorkCalendar``), exceptions by date. A call is in hours when its queue entry
time (Europe/Paris) falls in an open slot: ``opens ≤ t < closes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from worktime import WorkCalendar

Slot = tuple[int, int]  # (opening minute, closing minute) of the local day

DEFAULT_WEEK: dict[int, tuple[Slot, ...]] = {
    0: ((8 * 60, 18 * 60 + 30),),
    1: ((8 * 60, 18 * 60 + 30),),
    2: ((8 * 60, 18 * 60 + 30),),
    3: ((8 * 60, 18 * 60 + 30),),
    4: ((8 * 60, 18 * 60 + 30),),
    5: ((7 * 60 + 30, 17 * 60 + 30),),
    6: (),
}


def minutes(value: time) -> int:
    return value.hour * 60 + value.minute


@dataclass
class OpeningCalendar:
    week: dict[int, tuple[Slot, ...]] = field(default_factory=lambda: dict(DEFAULT_WEEK))
    exceptions: dict[date, tuple[Slot, ...]] = field(default_factory=dict)
    holidays_closed: bool = True
    calendar: WorkCalendar = field(default_factory=lambda: WorkCalendar(weekdays=frozenset(range(7))))

    def slots(self, day: date) -> tuple[Slot, ...]:
        if day in self.exceptions:
            return self.exceptions[day]
        if self.holidays_closed and self.calendar.is_holiday(day):
            return ()
        return self.week.get(day.weekday(), ())

    def is_open(self, day: date, minute: int) -> bool:
        return any(start <= minute < end for start, end in self.slots(day))

    def open_minutes(self, day: date) -> int:
        return sum(end - start for start, end in self.slots(day))
