"""The rollups of an import, counted with numpy while it writes (issue 17 §3).

``telephony.rollups`` defines the rollups and rebuilds them in SQL. An import counts the
passages it writes itself, batch by batch, so that it does not read them back: the same
counts as ``rollups.passage_counters`` (the property tests compare both ways). A loop in
Python per passage, however lean, cost the import about 15 %; here Python runs per batch and
per rollup row, numpy per passage:

* each passage's key (queue, local day, quarter of an hour, in opening hours) is one
  integer, first among the batch's own days and queues (small codes, grouped by a table
  without sorting: ``_index``), so that a batch's keys are grouped and counted by
  ``numpy.bincount`` (the weekday follows from the day); the passages' days are read as runs
  of one day (they come nearly in time order);
* a batch leaves one row of counters per key it holds; the rows of every batch are summed
  per key (``numpy.add.reduceat``) once, when the import writes its rollups;
* the waits of the answered and of the abandoned passages are counted per day key and
  second (capped at ``WAIT_CAP``), as ``QueueWaitCount`` keeps them.

Pure numpy and Python: no database here (``telephony.services.Writer`` feeds it).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from typing import ClassVar

import numpy as np

from telephony import queuelog

QUEUES = 1 << 16  # queue slots in a key (an import meets a handful of queues)
QUARTERS = 96
OUTCOME_CODE = {outcome: code for code, outcome in enumerate(queuelog.OUTCOMES)}
ANSWERED, TRANSFER, ABANDONED, TIMEOUT, OTHER, UNKNOWN = map(OUTCOME_CODE.get, queuelog.OUTCOMES)


@dataclass
class Batch:
    """A batch's passages, column by column (numpy integer arrays of one length, of any
    integer type: the small values may come as bytes), and the local day of each (text, as
    the database stores it). ``outcome`` holds ``OUTCOME_CODE``'s codes; ``call_passages``
    is the call's number of passages on its first passage and 0 on the others;
    ``call_answered`` is 1 on the first passage of an answered call."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "queue", "local_minute", "in_hours", "outcome", "answered", "wait", "talk", "call_passages",
        "call_answered",
    )  # fmt: skip  # the passages' columns given, after the days

    days: list[str]
    queue: np.ndarray
    minute: np.ndarray
    in_hours: np.ndarray
    outcome: np.ndarray
    answered: np.ndarray
    wait: np.ndarray
    talk: np.ndarray
    call_passages: np.ndarray
    call_answered: np.ndarray


@dataclass
class Counts:
    """What an import counted, batch by batch (``add``), until written (``rows``)."""

    wait_cap: int
    day_passages: Counter[str] = field(default_factory=Counter)  # passages written per day
    _parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    _waits: tuple[list, list] = field(default_factory=lambda: ([], []))  # answered, abandoned
    _queue_slot: dict[int, int] = field(default_factory=dict)

    def add(self, batch: Batch) -> None:
        """Count a batch: one row of ``rollups.COUNTERS`` per key it holds, and its waits."""
        if not batch.days:
            return
        # the passages come nearly in time order: their days are runs of one day
        runs = [(day, len(list(passages))) for day, passages in groupby(batch.days)]
        for day, count in runs:
            self.day_passages[day] += count
        names = sorted({day for day, _count in runs})
        position = {day: i for i, day in enumerate(names)}
        day_index = np.repeat([position[day] for day, _count in runs], [count for _day, count in runs])
        ordinals = [date.fromisoformat(d).toordinal() for d in names]
        queue_ids, queue_index = _index(batch.queue, int(batch.queue.max()) + 1)
        slots = [self._queue_slot.setdefault(q, len(self._queue_slot)) for q in queue_ids.tolist()]
        # each passage's day key among the batch's days and queues (in hours or not), then its
        # quarter of an hour's: small codes, grouped without sorting (_index), made the
        # import's keys (_DayKeys) once grouped
        day_keys = _DayKeys(np.array(ordinals), np.array(slots))
        local_day = (day_index * len(slots) + queue_index) * 2 + batch.in_hours
        local_days = len(names) * len(slots) * 2
        codes, index = _index(local_day * QUARTERS + batch.minute // 15, local_days * QUARTERS)
        local_day_of_key, quarter = np.divmod(codes, QUARTERS)
        keys = day_keys.of(local_day_of_key) * QUARTERS + quarter
        outcome, answered, wait = batch.outcome, batch.answered, batch.wait
        known, abandoned = outcome != UNKNOWN, outcome == ABANDONED
        weights = (  # rollups.COUNTERS but max_wait; offered is the bincount alone
            answered, outcome == TRANSFER, abandoned, outcome == TIMEOUT, outcome == OTHER,
            ~known, answered * wait, np.where(known, wait, 0), np.where(abandoned, wait, 0),
            batch.talk, batch.call_passages > 0, batch.call_answered, batch.call_passages > 1,
        )  # fmt: skip
        size = len(keys)
        sums = np.column_stack(
            [np.bincount(index, minlength=size)] + [np.bincount(index, w, size) for w in weights]
        )
        max_wait = np.zeros(size, np.int64)
        np.maximum.at(max_wait, index, np.where(known, wait, 0))
        self._parts.append((keys, sums.astype(np.int64), max_wait))
        capped, width = np.minimum(wait, self.wait_cap), self.wait_cap + 1
        for side, mask in zip(self._waits, (answered.astype(bool), abandoned), strict=True):
            codes, counts = np.unique(local_day[mask] * width + capped[mask], return_counts=True)
            local_day_of_code, waits = np.divmod(codes, width)
            side.append((day_keys.of(local_day_of_code) * width + waits, counts))

    def rows(self, days: set[str]) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The rows of these days, column by column (numpy integer arrays of one length, a day
        given by its ordinal, ``date.toordinal``): ``QueueRollup``'s (``rollups.KEY``, then
        ``rollups.COUNTERS``) and ``QueueWaitCount``'s (``rollups.DAY_KEY``, answered, wait,
        count). What was counted is forgotten."""
        parts, self._parts = self._parts, []
        waits, self._waits = self._waits, ([], [])
        if not parts:
            return [], []
        own = np.array([date.fromisoformat(day).toordinal() for day in days], np.int64)
        keys, sums, max_wait = (np.concatenate(column) for column in zip(*parts, strict=True))
        keys, starts, order = _groups(keys)
        sums = np.add.reduceat(sums[order], starts)
        max_wait = np.maximum.reduceat(max_wait[order], starts)
        day_key, quarter = np.divmod(keys, QUARTERS)
        kept = np.isin(day_key // (2 * QUEUES), own)
        counters = [sums[kept, 0], *sums[kept, 1:10].T, max_wait[kept], *sums[kept, 10:].T]
        rollup_columns = self._columns(day_key[kept], [quarter[kept] * 15], counters)
        buckets = []  # (day key, answered, wait, count) of each side
        for answered, side in zip((1, 0), waits, strict=True):
            if side:
                codes, counts = (np.concatenate(column) for column in zip(*side, strict=True))
                codes, starts, order = _groups(codes)
                day_key, wait = np.divmod(codes, self.wait_cap + 1)
                kept = np.isin(day_key // (2 * QUEUES), own)
                counts = np.add.reduceat(counts[order], starts)[kept]
                buckets.append((day_key[kept], np.full(len(counts), answered), wait[kept], counts))
        day_key, *columns = (np.concatenate(column) for column in zip(*buckets, strict=True))
        return rollup_columns, self._columns(day_key, [], columns)

    def _columns(self, day_key: np.ndarray, after_day: list, columns: list) -> list[np.ndarray]:
        """The columns queue id, day (ordinal), [minute,] weekday, in hours, *columns."""
        rest, in_hours = np.divmod(day_key, 2)
        ordinal, slot = np.divmod(rest, QUEUES)
        queue_id = np.array(list(self._queue_slot))[slot]  # slots are given in insertion order
        weekday = (ordinal - 1) % 7  # date.fromordinal(1) is a Monday
        return [queue_id, ordinal, *after_day, weekday, in_hours, *columns]


@dataclass
class _DayKeys:
    """A batch's day keys (its days, given by ordinal, and queues, given by slot): from the
    batch's own, ``(day index × queues + queue index) × 2 + in hours``, to the import's,
    ``(ordinal × QUEUES + slot) × 2 + in hours``."""

    ordinals: np.ndarray
    slots: np.ndarray

    def of(self, local: np.ndarray) -> np.ndarray:
        rest, in_hours = np.divmod(local, 2)
        day, queue = np.divmod(rest, len(self.slots))
        return (self.ordinals[day] * QUEUES + self.slots[queue]) * 2 + in_hours


def _index(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``numpy.unique(codes, return_inverse=True)`` for codes in ``range(size)``: the distinct
    codes, sorted, and each code's index among them. By a table of ``size`` entries when that
    is not much more than the codes (no sorting: 4 to 40 times faster on a batch's queues and
    keys), else by ``numpy.unique``."""
    if size > 4 * len(codes):
        return np.unique(codes, return_inverse=True)
    present = np.flatnonzero(np.bincount(codes, minlength=size))
    table = np.zeros(size, np.int64)
    table[present] = np.arange(len(present))
    return present, table[codes]


def _groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct keys, where each starts among the sorted keys, and the sorting order."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    starts = np.flatnonzero(np.diff(ordered, prepend=ordered[:1] - 1))  # where a key changes
    return ordered[starts], starts, order
