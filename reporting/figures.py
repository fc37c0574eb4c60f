"""The barometer's derived figures: shares, percentile ranks, period comparisons, map shading.

Pure Python (no Django import): the SQL counts come in, the figures shown go out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from agreements.dates import Period

PERCENTILES = (50, 90)


def share(part: int | None, whole: int | None) -> float | None:
    """``part / whole`` as a percentage with one decimal, or None when there is nothing to divide."""
    if not whole or part is None:
        return None
    return round(100 * part / whole, 1)


def nearest_rank(percentile: int, count: int) -> int:
    """The rank (1-based, values sorted ascending) of the nearest-rank percentile of ``count``
    values: the smallest value with at least ``percentile`` % of the values at or below it."""
    if count <= 0:
        raise ValueError("no values")
    if not 0 < percentile <= 100:
        raise ValueError("percentile must be within (0, 100]")
    return max(1, math.ceil(percentile * count / 100))


@dataclass(frozen=True)
class Change:
    """A figure against the same figure of an earlier period."""

    current: float | None
    before: float | None

    @property
    def delta(self) -> float | None:
        if self.current is None or self.before is None:
            return None
        return round(self.current - self.before, 1)

    @property
    def percent(self) -> float | None:
        """Relative change in %, None when the earlier figure is 0 or unknown."""
        if self.current is None or not self.before:
            return None
        return round(100 * (self.current - self.before) / self.before, 1)


def quarter_of(day: date) -> Period:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    next_start = date(day.year + (first_month == 10), 1 if first_month == 10 else first_month + 3, 1)
    return Period(start, next_start - timedelta(days=1))


SHADES = 5


def shade(value: float | None, highest: float | None) -> int:
    """A shading level 0..4 for a map tile (0 = no figure or nothing)."""
    if value is None or not highest or value <= 0:
        return 0
    return min(SHADES - 1, 1 + int((SHADES - 1) * value / highest * 0.999))


# The 16 arrondissements of Marseille on a tile grid (column, row), north at the top, the sea
# to the west: drawn by the project, close enough to the real layout to be recognised.
ARRONDISSEMENT_TILES: dict[int, tuple[int, int]] = {
    16: (0, 0), 15: (1, 0), 14: (2, 0), 13: (3, 0),
    2: (1, 1), 3: (2, 1), 4: (3, 1), 12: (4, 1),
    7: (0, 2), 1: (1, 2), 6: (2, 2), 5: (3, 2), 11: (4, 2),
    8: (1, 3), 9: (2, 3), 10: (3, 3),
}  # fmt: skip
