"""Per-queue, per-quarter-of-an-hour rollups of the queue passages (issue 17 §3).

Five years of calls are too many passages to count for every page. ``QueueRollup`` keeps,
per queue, local day, quarter of an hour and in/out of opening hours, every counter that
does not depend on a threshold; ``QueueWaitCount`` keeps the waits of answered and abandoned
passages at one-second buckets, so the service level at any threshold and the short abandons
stay exact sums. Both are written from the passages in SQL, for whole days:

* whatever changes passages (the import's batches, the deletes of a re-read or a replaced
  period, the re-flagging after the opening hours changed) marks their days stale
  (``RollupStaleDay``) in the same transaction;
* ``refresh`` rebuilds the stale days' rows and clears their marks, in one transaction: the
  import calls it when it closes, the re-flagging when it ends, ``manage.py
  telephony_rollups`` on demand;
* the figures (``telephony.selectors``) read the rollups for the days that are not stale and
  the passages for the others, so they are the same whether or not a refresh has run.

Merging an agent identifier into another changes no rollup: they have no agent.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import connection, transaction

from telephony.models import Outcome, QueuePassage, QueueRollup, QueueWaitCount, RollupStaleDay

KEY = ("queue_id", "local_date", "local_minute", "weekday", "in_hours")
COUNTERS = (
    "offered", "answered", "transferred", "abandoned", "timeouts", "other_exits", "unknown",
    "wait_answered", "wait_closed", "wait_abandoned", "max_wait", "talk", "calls",
    "calls_answered", "calls_multi",
)  # fmt: skip
SLOT = "local_minute / 15 * 15"
WAIT_CAP = QueueWaitCount.WAIT_CAP


def _true(column: str) -> str:
    return column if connection.vendor == "postgresql" else f"{column} = 1"


def _counters_sql() -> list[tuple[str, str]]:
    """(rollup column, aggregate over the passages): kpi.Counters' threshold-free counters,
    as telephony.selectors.counter_aggregates counts them, and the calls."""
    answered, first = _true("answered"), "call_passages > 0"

    def count(condition: str) -> str:
        return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"

    def total(column: str, condition: str) -> str:
        return f"SUM(CASE WHEN {condition} THEN {column} ELSE 0 END)"

    columns = [
        ("offered", "COUNT(*)"),
        ("answered", count(answered)),
        ("transferred", count(f"outcome = '{Outcome.TRANSFER}'")),
        ("abandoned", count(f"outcome = '{Outcome.ABANDONED}'")),
        ("timeouts", count(f"outcome = '{Outcome.TIMEOUT}'")),
        ("other_exits", count(f"outcome = '{Outcome.OTHER}'")),
        ("unknown", count(f"outcome = '{Outcome.UNKNOWN}'")),
        ("wait_answered", total("wait", answered)),
        ("wait_closed", total("wait", f"outcome <> '{Outcome.UNKNOWN}'")),
        ("wait_abandoned", total("wait", f"outcome = '{Outcome.ABANDONED}'")),
        ("max_wait", f"COALESCE(MAX(CASE WHEN outcome <> '{Outcome.UNKNOWN}' THEN wait END), 0)"),
        ("talk", total("talk", answered)),
        ("calls", count(first)),
        ("calls_answered", count(f"{first} AND {_true('call_answered')}")),
        ("calls_multi", count("call_passages > 1")),
    ]
    assert tuple(c for c, _ in columns) == COUNTERS  # noqa: S101 - the Writer counts in this order
    return columns


def mark(days: Iterable[date | str]) -> None:
    """Mark these local days stale (in the caller's transaction)."""
    marks = [RollupStaleDay(local_date=day) for day in set(days)]
    if marks:
        RollupStaleDay.objects.bulk_create(marks, ignore_conflicts=True)


def mark_all() -> int:
    """Mark every day with passages stale (a full rebuild at the next refresh)."""
    days = list(QueuePassage.objects.order_by().values_list("local_date", flat=True).distinct())
    mark(days)
    return len(days)


def lock(cursor) -> None:
    """In the caller's transaction: on PostgreSQL, a batch marking a day waits until the
    rollups being written are committed (SQLite writes one transaction at a time)."""
    if connection.vendor == "postgresql":
        cursor.execute(f"LOCK TABLE {RollupStaleDay._meta.db_table} IN EXCLUSIVE MODE")


def forget(days: Iterable[date | str]) -> None:
    """Delete the rollups of these days and their stale marks, before writing them again."""
    days = list(days)
    for model in (QueueRollup, QueueWaitCount, RollupStaleDay):
        model.objects.filter(local_date__in=days).delete()


def refresh() -> int:
    """Rebuild the rollups of every stale day; returns how many days were rebuilt. The SQL is
    built from the models' table names and constants only (no value from outside)."""
    stale_table = RollupStaleDay._meta.db_table
    passages = QueuePassage._meta.db_table
    counters = _counters_sql()
    key = ", ".join(KEY)
    grouped = f"queue_id, local_date, {SLOT}, weekday, in_hours"
    stale = f"local_date IN (SELECT local_date FROM {stale_table})"  # noqa: S608
    wait = f"CASE WHEN wait > {QueueWaitCount.WAIT_CAP} THEN {QueueWaitCount.WAIT_CAP} ELSE wait END"
    with transaction.atomic(), connection.cursor() as cursor:
        lock(cursor)
        cursor.execute(f"SELECT COUNT(*) FROM {stale_table}")  # noqa: S608
        days = cursor.fetchone()[0]
        if not days:
            return 0
        for model in (QueueRollup, QueueWaitCount):
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {stale}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {QueueRollup._meta.db_table} ({key}, {', '.join(c for c, _ in counters)}) "  # noqa: S608
            f"SELECT {grouped}, {', '.join(sql for _, sql in counters)} "
            f"FROM {passages} WHERE {stale} GROUP BY {grouped}"
        )
        cursor.execute(
            f"INSERT INTO {QueueWaitCount._meta.db_table} ({key}, answered, wait, count) "  # noqa: S608
            f"SELECT {grouped}, answered, {wait}, COUNT(*) FROM {passages} "
            f"WHERE {stale} AND ({_true('answered')} OR outcome = '{Outcome.ABANDONED}') "
            f"GROUP BY {grouped}, answered, {wait}"
        )
        cursor.execute(f"DELETE FROM {stale_table}")  # noqa: S608
    return days


def stale_days(start: date, end: date) -> list[date]:
    return list(
        RollupStaleDay.objects.filter(local_date__gte=start, local_date__lte=end).values_list(
            "local_date", flat=True
        )
    )
