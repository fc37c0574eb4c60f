"""Telephone KPI formulas (pure Python, no Django import).

Figures are computed from counters aggregated in SQL (see telephony.selectors); this
module only turns counters into rates. Rates of a group are always Σnumerator/Σdenominator,
never averages of percentages. Formulas: research/telephony.md §2 and docs/telephony.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime

# Service-level formulas: code -> (label, numerator, denominator) as documentation.
SL_FORMULAS: dict[str, str] = {
    "F1": "(A_T + B_T) / (N_ans + N_ab)",
    "F2": "A_T / N_ans",
    "F3": "A_T / (N_ans + N_ab)",
    "F3b": "A_T / (O − N_unknown)",
    "F4": "A_T / (N_ans + B_>T)",
    "F5": "(A_T + B_s) / (N_ans + N_ab)",
    "F6": "A_T / (O − N_unknown − B_s)",
}
DEFAULT_SL_FORMULA = "F6"


@dataclass
class Counters:
    """What SQL aggregates per group (queue, interval, day…)."""

    offered: int = 0
    answered: int = 0  # connected: completed or transferred
    transferred: int = 0
    abandoned: int = 0
    short_abandoned: int = 0  # abandoned with wait < short threshold
    timeouts: int = 0
    other_exits: int = 0  # key, empty, withdraw, syscompat
    unknown: int = 0
    answered_in_sl: int = 0  # answered with wait ≤ T
    abandoned_in_sl: int = 0  # abandoned with wait ≤ T
    out_of_hours: int = 0
    wait_answered: int = 0  # Σ wait of answered
    wait_closed: int = 0  # Σ wait of every passage not unknown
    wait_abandoned: int = 0
    max_wait: int = 0
    talk: int = 0  # Σ talk of answered

    @classmethod
    def from_row(cls, row: dict) -> Counters:
        return cls(**{f.name: int(row.get(f.name) or 0) for f in fields(cls)})

    def __add__(self, other: Counters) -> Counters:
        values = {f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        values["max_wait"] = max(self.max_wait, other.max_wait)
        return Counters(**values)


def ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def service_level_parts(c: Counters, formula: str) -> tuple[int, int]:
    """(numerator, denominator) of the chosen service-level formula."""
    late_abandoned = c.abandoned - c.abandoned_in_sl
    closed = c.offered - c.unknown
    parts = {
        "F1": (c.answered_in_sl + c.abandoned_in_sl, c.answered + c.abandoned),
        "F2": (c.answered_in_sl, c.answered),
        "F3": (c.answered_in_sl, c.answered + c.abandoned),
        "F3b": (c.answered_in_sl, closed),
        "F4": (c.answered_in_sl, c.answered + late_abandoned),
        "F5": (c.answered_in_sl + c.short_abandoned, c.answered + c.abandoned),
        "F6": (c.answered_in_sl, closed - c.short_abandoned),
    }
    if formula not in parts:
        raise ValueError(f"unknown service-level formula {formula!r}")
    return parts[formula]


def service_level(c: Counters, formula: str = DEFAULT_SL_FORMULA) -> float | None:
    return ratio(*service_level_parts(c, formula))


def unanswered(c: Counters) -> int:
    return c.abandoned + c.timeouts + c.other_exits


def indicators(c: Counters, formula: str = DEFAULT_SL_FORMULA, handling_extra: float = 0.0) -> dict:
    """Every KPI of one group; ``handling_extra`` = after-call work per answered call (s)."""
    return {
        "offered": c.offered,
        "answered": c.answered,
        "transferred": c.transferred,
        "abandoned": c.abandoned,
        "short_abandoned": c.short_abandoned,
        "timeouts": c.timeouts,
        "other_exits": c.other_exits,
        "unknown": c.unknown,
        "out_of_hours": c.out_of_hours,
        "service_level": service_level(c, formula),
        "answer_rate": ratio(c.answered, c.offered),
        "abandon_rate": ratio(c.abandoned, c.offered),
        "abandon_rate_excl_short": ratio(c.abandoned - c.short_abandoned, c.offered - c.short_abandoned),
        "asa": ratio(c.wait_answered, c.answered),
        "avg_wait": ratio(c.wait_closed, c.offered - c.unknown),
        "avg_wait_abandoned": ratio(c.wait_abandoned, c.abandoned),
        "max_wait": c.max_wait,
        "avg_talk": ratio(c.talk, c.answered),
        "aht": ratio(c.talk + handling_extra * c.answered, c.answered),
    }


def estimate_patience(total_wait_all: float, abandons: int) -> float | None:
    """Mean patience 1/θ ≈ Σ wait of all queued calls / number of abandons (CCmath)."""
    return total_wait_all / abandons if abandons else None


def merge_intervals(intervals: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The union of intervals sorted by start, as disjoint intervals (research §2: an agent's
    pause time is the union of its pauses in each queue, not their sum)."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def union_seconds(intervals: Iterable[tuple[datetime, datetime]]) -> int:
    """Seconds covered by at least one of the intervals (sorted by start)."""
    return int(sum((end - start).total_seconds() for start, end in merge_intervals(intervals)))


def intersect_intervals(
    first: list[tuple[datetime, datetime]], second: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    """The parts common to two lists of disjoint intervals sorted by start (as given by
    :func:`merge_intervals`): e.g. the pauses that fall within an agent's own sessions."""
    common: list[tuple[datetime, datetime]] = []
    i = j = 0
    while i < len(first) and j < len(second):
        start, end = max(first[i][0], second[j][0]), min(first[i][1], second[j][1])
        if start < end:
            common.append((start, end))
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return common
