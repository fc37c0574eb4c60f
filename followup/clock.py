"""Alert thresholds on a body's working calendar. Pure Python (no Django import).

The sweep turns each rule into one condition on ``due_at`` per body, so the selection
stays set-based SQL: these functions compute the cut-off instants on the calendar.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from worktime import DeadlineUnit, WorkCalendar, add_deadline

MAX_LOOKBACK_DAYS = 400


def escalation_moment(due_at: datetime, days: int, calendar: WorkCalendar) -> datetime:
    """When a fiche due at ``due_at`` has been overdue for ``days`` working days."""
    return add_deadline(due_at, days, DeadlineUnit.WORKING_DAYS, calendar)


def escalation_cutoff(now: datetime, days: int, calendar: WorkCalendar) -> datetime:
    """Fiches due strictly before the returned instant are ``days`` working days overdue.

    The escalation moment depends only on the local due date and grows with it, so the
    set of escalated fiches is "due before the day after the latest escalated due date".
    """
    local_now = now.astimezone(calendar.tz)
    day: date = local_now.date()
    for _ in range(MAX_LOOKBACK_DAYS):
        noon = datetime.combine(day, time(12), calendar.tz)
        if escalation_moment(noon, days, calendar) <= now:
            return datetime.combine(day + timedelta(days=1), time(0), calendar.tz)
        day -= timedelta(days=1)
    return datetime.combine(day, time(0), calendar.tz)


def reminder_moment(start: datetime, due_at: datetime, percent: int) -> datetime:
    """When ``percent`` % of the time between the start of the cycle and the due date has
    elapsed (the same clock share as ``worktime.elapsed_share``)."""
    return start + (due_at - start) * (percent / 100)
