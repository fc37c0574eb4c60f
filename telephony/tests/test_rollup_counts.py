"""telephony.rollup_counts without a database: the rows of a few passages counted by hand,
the same rows however the passages are cut into batches, and only the days asked for."""

from __future__ import annotations

import random
from datetime import date

import numpy as np

from telephony import queuelog
from telephony.rollup_counts import OUTCOME_CODE, Batch, Counts, _index

CAP = 3601
# (day, queue, minute, in hours, outcome, answered, wait, talk, call passages, call answered)
PASSAGES = [
    ("2026-03-02", 7, 600, 1, queuelog.ANSWERED, 1, 0, 120, 1, 1),
    ("2026-03-02", 7, 614, 1, queuelog.TRANSFER, 1, 40, 60, 1, 1),
    ("2026-03-02", 7, 605, 1, queuelog.ABANDONED, 0, 12, 0, 2, 0),  # a call of two passages
    ("2026-03-02", 9, 606, 1, queuelog.ANSWERED, 1, CAP + 50, 30, 0, 0),  # its second
    ("2026-03-02", 7, 615, 1, queuelog.UNKNOWN, 0, 9000, 0, 1, 0),  # incomplete: not in max
    ("2026-03-08", 7, 1200, 0, queuelog.TIMEOUT, 0, 300, 0, 1, 0),  # a Sunday, out of hours
]


def batch(rows: list[tuple]) -> Batch:
    columns = list(zip(*rows, strict=True)) if rows else [()] * 10
    ints = [np.array(c, np.int64) for c in columns[1:4]]
    counted = [np.array(c, np.int64) for c in columns[5:]]
    outcome = np.array([OUTCOME_CODE[o] for o in columns[4]], np.int64)
    return Batch(list(columns[0]), *ints, outcome, *counted)


def table(columns: list[np.ndarray]) -> list[tuple]:
    """The rows of ``Counts.rows``' columns, sorted, each day as ISO text."""
    values = [column.tolist() for column in columns]
    if values:
        values[1] = [date.fromordinal(day).isoformat() for day in values[1]]
    return sorted(zip(*values, strict=True))


def test_a_few_passages_counted_by_hand():
    counts = Counts(CAP)
    counts.add(batch(PASSAGES))
    assert counts.day_passages == {"2026-03-02": 5, "2026-03-08": 1}
    rollups, buckets = counts.rows({"2026-03-02", "2026-03-08"})
    # queue, day, minute, weekday, in hours, offered, answered, transferred, abandoned,
    # timeouts, other, unknown, wait answered, wait closed, wait abandoned, max wait, talk,
    # calls, calls answered, calls multi
    assert table(rollups) == [
        (7, "2026-03-02", 600, 0, 1, 3, 2, 1, 1, 0, 0, 0, 40, 52, 12, 40, 180, 3, 2, 1),
        (7, "2026-03-02", 615, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0),
        (7, "2026-03-08", 1200, 6, 0, 1, 0, 0, 0, 1, 0, 0, 0, 300, 0, 300, 0, 1, 0, 0),
        (9, "2026-03-02", 600, 0, 1, 1, 1, 0, 0, 0, 0, 0, CAP + 50, CAP + 50, 0, CAP + 50, 30, 0, 0, 0),
    ]
    assert table(buckets) == [
        (7, "2026-03-02", 0, 1, 0, 12, 1),
        (7, "2026-03-02", 0, 1, 1, 0, 1),
        (7, "2026-03-02", 0, 1, 1, 40, 1),
        (9, "2026-03-02", 0, 1, 1, CAP, 1),
    ]
    assert counts.rows({"2026-03-02"}) == ([], []), "what was counted is forgotten once written"


def test_batches_cut_anywhere_give_the_same_rows_and_only_the_days_asked():
    rng = random.Random(4)
    outcomes = list(OUTCOME_CODE)
    passages = []
    for _ in range(2000):
        outcome = rng.choice(outcomes)
        answered = int(outcome in (queuelog.ANSWERED, queuelog.TRANSFER) and rng.random() < 0.9)
        passages.append((
            f"2026-03-{rng.randrange(1, 6):02d}", rng.choice([3, 70000]), rng.randrange(1440),
            rng.randrange(2), outcome, answered, rng.choice([0, rng.randrange(CAP + 100)]),
            rng.randrange(600) * answered, rng.choice([0, 1, 1, 1, 2, 3]), rng.randrange(2),
        ))  # fmt: skip
    whole = Counts(CAP)
    whole.add(batch(passages))
    days = {"2026-03-01", "2026-03-03", "2026-03-04"}
    rollups, buckets = whole.rows(days)
    cut = Counts(CAP)
    start = 0
    while start < len(passages):
        size = rng.randrange(300)
        cut.add(batch(passages[start : start + size]))
        start += size
    cut_rollups, cut_buckets = cut.rows(days)
    assert table(cut_rollups) == table(rollups)
    assert table(cut_buckets) == table(buckets)
    assert {row[1] for row in table(rollups)} == {row[1] for row in table(buckets)} == days


def test_index_gives_numpy_unique_s_answer_by_a_table_or_by_sorting():
    rng = np.random.default_rng(7)
    for codes, size in (
        (rng.integers(0, 50, 1000), 50),  # a small range: the table
        (rng.integers(0, 10**9, 1000), 10**9),  # a wide one: numpy.unique
        (np.array([5]), 6),
    ):
        expected = np.unique(codes, return_inverse=True)
        found = _index(codes, size)
        assert [a.tolist() for a in found] == [a.tolist() for a in expected]
