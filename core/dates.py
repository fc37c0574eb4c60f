"""Dates written the French way for people: « 1er mars 2026 », « 31 mars 2026, 10 h 00 »
(letters, PDFs, the committee's and the finance pages). Machine formats (ISO) stay in the
exports' data and in URLs."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import formats, timezone, translation


def day_start(day: date) -> datetime:
    """Midnight, local time (Europe/Paris), at the start of ``day``."""
    return timezone.make_aware(datetime.combine(day, time.min))


def as_date(value: date | datetime | str | None) -> date | datetime | None:
    """A date, a datetime, or an ISO text as kept in the figures' JSON snapshots."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return None
    return value


def french_date(value: date | datetime | str | None) -> str:
    """« 1er décembre 2026 », « 30 novembre 2026 » (a datetime in Paris time)."""
    day = as_date(value)
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    with translation.override("fr"):
        month_year = formats.date_format(day, "F Y")
    return f"{'1er' if day.day == 1 else day.day} {month_year}"


def french_datetime(value: datetime | str | None) -> str:
    """« 31 mars 2026, 10 h 00 » in Paris time."""
    moment = as_date(value)
    if not isinstance(moment, datetime):
        return french_date(moment)
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{french_date(local.date())}, {local:%H} h {local:%M}"
