"""Reading values typed or tampered with by users (query strings, hidden fields, cursors).

Each parser answers the value or the default, never an exception: a hostile value (``²``
passes ``str.isdigit`` but not ``int``, a 30-digit id overflows PostgreSQL's bigint, a date in
year 9999 overflows ``+ timedelta``, ``inf`` as a coordinate) is ignored like a missing one.
Forms use the bounded fields of ``core.forms`` for the same limits."""

from __future__ import annotations

import math
from datetime import date, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

# The days any date filter or date field accepts: far enough from date.min and date.max
# for any "+ timedelta" to stay valid, and inside every database's range.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
MAX_ID = 2**63 - 1  # a BigAutoField (PostgreSQL bigint)
MAX_SMALL = 2**31 - 1  # an IntegerField or PositiveIntegerField (PostgreSQL integer)


def parse_int(
    value: str | None, default: int | None = None, *, minimum: int = 0, maximum: int = MAX_ID
) -> int | None:
    """An integer written with ASCII digits (and an optional minus sign) within the bounds."""
    text = (value or "").strip()
    digits = text.removeprefix("-")
    longest = len(str(max(abs(minimum), abs(maximum))))  # no int() of a 5,000-digit string
    if not (digits.isascii() and digits.isdigit()) or len(digits) > longest:
        return default
    number = int(text)
    return number if minimum <= number <= maximum else default


def parse_id(value: str | None) -> int | None:
    """A primary key: a positive integer a bigint column holds."""
    return parse_int(value, minimum=1)


def parse_float(
    value: str | None, default: float | None = None, *, minimum: float = -math.inf, maximum: float = math.inf
) -> float | None:
    """A finite number within the bounds (``inf`` and ``nan`` are refused)."""
    try:
        number = float((value or "").strip())
    except ValueError:
        return default
    return number if math.isfinite(number) and minimum <= number <= maximum else default


def parse_moment(value: str | None) -> datetime | None:
    """An ISO date and time between FIRST_DAY and LAST_DAY, made aware in the current time
    zone if it has none; None for anything else (``2026-02-30T10:00`` included)."""
    try:
        moment = parse_datetime((value or "").strip())
    except ValueError:
        return None
    if moment is None or not FIRST_DAY <= moment.date() <= LAST_DAY:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
