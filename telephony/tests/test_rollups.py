"""The rollups (telephony.rollups) give the very figures the passages give: every grouping,
every service-level formula, random thresholds, on random logs; and they follow every change
of the passages (import, re-read, replaced period, opening hours)."""

from __future__ import annotations

import io
import random
from dataclasses import replace
from datetime import date, time

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection

from telephony import rollups, selectors, services
from telephony.demo import generate_lines
from telephony.kpi import SL_FORMULAS
from telephony.models import OpeningHours, QueuePassage, QueueRollup, QueueWaitCount, RollupStaleDay
from telephony.tests.test_import_and_pages import T10, import_log

pytestmark = pytest.mark.django_db

START = date(2026, 3, 2)  # a Monday; the period crosses a month and the Easter Monday holiday
DAYS = 45
GROUPINGS = [
    ("day", False), ("week", False), ("month", False), ("15", False), ("30", False), ("60", False),
    ("slot", False), ("queue", False), ("day", True), ("30", True),
]  # fmt: skip


def figures(filters: selectors.Filters) -> dict:
    """Everything the pages and telephony_report read, each time from a fresh read."""
    return {
        "rows": {f"{i}{q}": selectors.kpi_rows(replace(filters), i, by_queue=q) for i, q in GROUPINGS},
        "totals": selectors.totals(replace(filters)),
        "out_of_hours": selectors.out_of_hours(replace(filters)),
        "calls": selectors.call_totals(replace(filters)),
    }


def tables() -> tuple[list, list]:
    return (
        sorted(QueueRollup.objects.values_list(*rollups.KEY, *rollups.COUNTERS)),
        sorted(QueueWaitCount.objects.values_list(*rollups.DAY_KEY, "answered", "wait", "count")),
    )


def import_random_log(seed: int) -> None:
    services.seed_opening_hours()
    lines = [line for _day, day_lines in generate_lines(START, DAYS, 60_000, seed) for line in day_lines]
    services.import_lines(lines, name=f"random-{seed}")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollups_give_the_passages_figures(seed):
    import_random_log(seed)
    assert not RollupStaleDay.objects.exists() and QueueRollup.objects.exists()
    assert QueueWaitCount.objects.count() < QueuePassage.objects.count()
    rng = random.Random(seed)
    cases = [selectors.Filters(date_from=START, date_to=date(2026, 4, 15))]
    for _ in range(6):
        first = START.toordinal() + rng.randrange(DAYS)
        cases.append(
            selectors.Filters(
                date_from=date.fromordinal(first),
                date_to=date.fromordinal(first + rng.randrange(20)),
                queue_ids=rng.sample(
                    list(QueuePassage.objects.values_list("queue_id", flat=True).distinct()), 1
                )
                if rng.random() < 0.3
                else [],
                in_hours_only=rng.random() < 0.5,
                threshold=rng.choice([0, 1, rng.randrange(600), 600, 3600]),
                short_threshold=rng.randrange(30),
                formula=rng.choice(list(SL_FORMULAS)),
            )
        )
    from_rollups = [figures(f) for f in cases]
    counted_by_the_import = tables()
    some_days = [START.toordinal() + n for n in rng.sample(range(DAYS), DAYS // 3)]
    rollups.mark(date.fromordinal(day) for day in some_days)  # read from the passages instead
    assert [figures(f) for f in cases] == from_rollups
    rollups.mark_all()
    assert [figures(f) for f in cases] == from_rollups
    assert rollups.refresh() > 0 and not RollupStaleDay.objects.exists()
    assert [figures(f) for f in cases] == from_rollups
    assert tables() == counted_by_the_import  # the import's own counts are the SQL's


def test_queues_whose_ids_pass_a_byte_are_counted_alike():
    """The import reads a batch's queues as bytes when they fit one: queues of ids 255 and
    past (a centre that created and removed many) are counted as the SQL counts them."""
    from telephony.demo import QUEUES
    from telephony.models import Queue

    for pk, (name, _weight) in zip((255, 256, 300), QUEUES, strict=True):
        Queue.objects.create(pk=pk, name=name)
    import_random_log(4)
    counted_by_the_import = tables()
    assert {255, 256, 300} <= {row[0] for row in counted_by_the_import[0]}
    rollups.mark_all()
    rollups.refresh()
    assert tables() == counted_by_the_import


def test_a_threshold_past_the_last_bucket_reads_the_passages():
    import_log_day = [
        f"{T10}|long|info|NONE|ENTERQUEUE||06|1\n",
        f"{T10 + 4000}|long|info|Agent/1|CONNECT|4000|x|1\n",
        f"{T10 + 4100}|long|info|Agent/1|COMPLETECALLER|4000|100|1\n",
    ]
    services.import_lines(import_log_day)
    day = QueuePassage.objects.get().local_date
    assert QueueWaitCount.objects.get().wait == QueueWaitCount.WAIT_CAP
    within = selectors.totals(selectors.Filters(date_from=day, date_to=day, threshold=4000))
    assert within["counters"].answered_in_sl == 1
    assert selectors.totals(selectors.Filters(date_from=day, date_to=day))["counters"].answered_in_sl == 0


def test_a_re_read_and_new_opening_hours_keep_the_rollups_right(tmp_path):
    import_log(tmp_path, f"{T10}|a1|info|NONE|ENTERQUEUE||06|1\n{T10 + 30}|a1|info|NONE|ABANDON|1|1|30\n")
    path = tmp_path / "queue_log"
    day = QueuePassage.objects.get().local_date
    filters = selectors.Filters(date_from=day, date_to=day)
    assert selectors.totals(replace(filters))["abandoned"] == 1
    # the log grows: a new call comes, on the same day
    with path.open("a") as handle:
        handle.write(f"{T10 + 60}|a2|info|NONE|ENTERQUEUE||06|1\n{T10 + 75}|a2|info|Agent/1|CONNECT|15|x|1\n")
        handle.write(f"{T10 + 200}|a2|info|Agent/1|COMPLETEAGENT|15|125|1\n")
    services.import_file(path)
    assert not RollupStaleDay.objects.exists()
    row = QueueRollup.objects.get()
    assert (row.offered, row.answered, row.abandoned, row.talk, row.calls) == (2, 1, 1, 125, 2)
    # the centre now opens at noon on that weekday: both calls fall out of hours
    OpeningHours.objects.filter(weekday=day.weekday()).delete()
    OpeningHours.objects.create(weekday=day.weekday(), opens=time(12), closes=time(18))
    services.recompute_in_hours(day, day)
    assert not RollupStaleDay.objects.exists()
    assert QueueRollup.objects.get().in_hours is False
    assert selectors.out_of_hours(replace(filters)) == 2
    assert selectors.totals(replace(filters, in_hours_only=True))["offered"] == 0


def test_the_command_rebuilds_every_day():
    import_random_log(4)
    before = figures(selectors.Filters(date_from=START, date_to=date(2026, 4, 15)))
    QueueRollup.objects.all().delete()
    out = io.StringIO()
    call_command("telephony_rollups", "--all", stdout=out)
    days = QueuePassage.objects.values("local_date").distinct().count()
    assert out.getvalue().startswith(f"{days} ")
    assert figures(selectors.Filters(date_from=START, date_to=date(2026, 4, 15))) == before


def test_the_import_counts_the_edges_as_the_sql_does():
    """What the random logs seldom hold: waits past the last bucket (answered, abandoned, and
    an incomplete passage's, left out of the maximum), waits of 0 s, a call of two passages
    crossing a quarter of an hour (counted once, on its first) and one of three not answered,
    a transfer, an exit by key; the import's counts are those of rollups.refresh's SQL."""
    cap = rollups.WAIT_CAP
    services.import_lines([
        f"{T10 + 60}|u0|info|NONE|ENTERQUEUE||06|1",  # incomplete: closed at the restart
        f"{T10 + 100}|long|info|NONE|ENTERQUEUE||06|1",
        f"{T10 + 120}|gone|info|NONE|ENTERQUEUE||06|1",
        f"{T10 + 200}|now|info|NONE|ENTERQUEUE||06|1",
        f"{T10 + 200}|now|info|ag1|CONNECT|0|x|1",
        f"{T10 + 260}|now|info|ag1|COMPLETEAGENT|0|60|1",
        f"{T10 + 300}|quit|info|NONE|ENTERQUEUE||06|1",
        f"{T10 + 300}|quit|info|NONE|ABANDON|1|1|0",
        f"{T10 + 400}|key|info|NONE|ENTERQUEUE||06|1",
        f"{T10 + 460}|key|info|NONE|EXITWITHKEY|1|1|1|60",
        f"{T10 + 800}|two|info|NONE|ENTERQUEUE||06|1",  # 10:13:20
        f"{T10 + 1000}|two|info|NONE|EXITWITHTIMEOUT|1|1|200",
        f"{T10 + 1000}|two|overflow|NONE|ENTERQUEUE||06|1",  # 10:16:40, the next quarter
        f"{T10 + 1030}|two|overflow|ag2|CONNECT|30|x|1",
        f"{T10 + 1090}|two|overflow|ag2|BLINDTRANSFER|3013|internal|30|60|1",
        f"{T10 + 1100}|three|info|NONE|ENTERQUEUE||06|1",
        f"{T10 + 1300}|three|info|NONE|EXITWITHTIMEOUT|1|1|200",
        f"{T10 + 1300}|three|overflow|NONE|ENTERQUEUE||06|1",
        f"{T10 + 1400}|three|overflow|NONE|EXITWITHTIMEOUT|1|1|100",
        f"{T10 + 1400}|three|info|NONE|ENTERQUEUE||06|1",
        f"{T10 + 1410}|three|info|NONE|ABANDON|1|1|10",
        f"{T10 + 3820}|gone|info|NONE|ABANDON|1|1|{cap + 99}",
        f"{T10 + cap + 499}|long|info|ag1|CONNECT|{cap + 399}|x|1",
        f"{T10 + cap + 559}|long|info|ag1|COMPLETECALLER|{cap + 399}|60|1",
        f"{T10 + 5000}|NONE|NONE|NONE|QUEUESTART|",
    ])  # fmt: skip
    counted_by_the_import = tables()
    rollups.mark_all()
    rollups.refresh()
    assert tables() == counted_by_the_import
    rows = QueueRollup.objects.filter(queue__name="info").order_by("local_minute")
    first, second = rows[0], rows[1]  # 10:00 and 10:15
    assert (first.offered, first.answered, first.abandoned, first.unknown, first.other_exits) == (
        7,
        2,
        2,
        1,
        1,
    )
    assert (first.max_wait, first.calls, first.calls_multi) == (cap + 399, 7, 1)  # not the incomplete's
    assert (second.offered, second.calls, second.calls_multi, second.timeouts) == (2, 1, 1, 1)
    overflow = QueueRollup.objects.get(queue__name="overflow", local_minute=first.local_minute + 15)
    assert (overflow.offered, overflow.answered, overflow.transferred, overflow.calls) == (2, 1, 1, 0)
    buckets = sorted(
        QueueWaitCount.objects.filter(queue__name="info").values_list("answered", "wait", "count")
    )
    assert buckets == [(False, 0, 1), (False, 10, 1), (False, cap, 1), (True, 0, 1), (True, cap, 1)]


def test_a_quarter_split_between_batches_is_counted_once(monkeypatch):
    """Batches of 37 passages cut most quarters of an hour in two: the import adds the second
    part's counts, wait buckets and maximum wait to the first's, as rollups.refresh's SQL does."""
    monkeypatch.setattr(services, "BATCH", 37)
    services.seed_opening_hours()
    lines = [line for _day, day_lines in generate_lines(START, 2, 60_000, 5) for line in day_lines]
    services.import_lines(lines, name="small-batches")
    counted_by_the_import = tables()
    assert len(counted_by_the_import[0]) > 40 and QueuePassage.objects.count() > 37 * 10
    rollups.mark_all()
    rollups.refresh()
    assert tables() == counted_by_the_import


def test_passages_written_meanwhile_by_another_import_are_not_taken_for_the_writers(monkeypatch):
    """Another import writes a passage on one of this import's days while it runs (after the
    day was first met): the ids given meanwhile outnumber this import's passages, so the
    days are counted again and that day is rolled up from all its passages."""
    monkeypatch.setattr(services, "BATCH", 200)
    services.seed_opening_hours()
    count_batch = services.Writer._count_rollups

    def meanwhile(writer, *batch):
        count_batch(writer, *batch)
        other = QueuePassage.objects.filter(callid="other")
        if writer.counts.day_passages.total() > 400 and not other.exists():
            intruder = QueuePassage.objects.order_by("id").values().first()
            intruder.update(id=None, callid="other", offset=10**9, source_id=None)
            QueuePassage.objects.create(**intruder)

    monkeypatch.setattr(services.Writer, "_count_rollups", meanwhile)
    lines = [line for _day, day_lines in generate_lines(START, 2, 60_000, 6) for line in day_lines]
    services.import_lines(lines, name="meanwhile")
    assert QueuePassage.objects.filter(callid="other").exists()
    counted_by_the_import = tables()
    rollups.mark_all()
    rollups.refresh()
    assert tables() == counted_by_the_import


def test_rows_given_by_column_are_written_as_given_on_each_database():
    """The import's rollups reach the tables column by column (_Table.write_columns): a binary
    COPY on PostgreSQL, rows of parameters elsewhere; a day as its ordinal, booleans 0/1."""
    queue = services.Writer(None).queue_id("accueil")
    table = services._Table(QueueWaitCount, [*rollups.DAY_KEY, "answered", "wait", "count"])
    days = [date(2026, 3, 2), date(2000, 1, 1), date(1999, 12, 31)]
    columns = [
        np.array([queue] * 3), np.array([d.toordinal() for d in days]), np.array([0, 5, 4]),
        np.array([1, 0, 1]), np.array([0, 1, 1]), np.array([0, 3601, 17]), np.array([2**31 - 1, 1, 2]),
    ]  # fmt: skip
    with connection.cursor() as cursor:
        assert table.write_columns(cursor, columns) == 3
        assert table.write_columns(cursor, [np.array([], np.int64)] * 7) == 0
    stored = QueueWaitCount.objects.order_by("local_date").values_list(
        "queue_id", "local_date", "weekday", "in_hours", "answered", "wait", "count"
    )
    assert list(stored) == [
        (queue, date(1999, 12, 31), 4, True, True, 17, 2),
        (queue, date(2000, 1, 1), 5, False, True, 3601, 1),
        (queue, date(2026, 3, 2), 0, True, False, 0, 2**31 - 1),
    ]


@pytest.mark.parametrize("value", [2**31, -(2**31) - 1])
def test_a_value_out_of_its_columns_range_is_refused_before_copying(value):
    with pytest.raises(ValueError, match="out of range for integer"):
        services._binary_copy(["bigint", "integer"], [np.array([1]), np.array([value])])
    with pytest.raises(ValueError, match="out of range for boolean"):
        services._binary_copy(["boolean"], [np.array([2])])
