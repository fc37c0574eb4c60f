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

from django.db import connection, models, transaction
from django.db.models import Count, ExpressionWrapper, F, IntegerField, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Least

from telephony.models import Outcome, QueuePassage, QueueRollup, QueueWaitCount, RollupStaleDay

KEY = ("queue_id", "local_date", "local_minute", "weekday", "in_hours")
DAY_KEY = ("queue_id", "local_date", "weekday", "in_hours")  # the wait buckets' (per day)
COUNTERS = (
    "offered", "answered", "transferred", "abandoned", "timeouts", "other_exits", "unknown",
    "wait_answered", "wait_closed", "wait_abandoned", "max_wait", "talk", "calls",
    "calls_answered", "calls_multi",
)  # fmt: skip
WAIT_CAP = QueueWaitCount.WAIT_CAP


def passage_counters() -> dict:
    """The threshold-free counters of kpi.Counters and the calls, as aggregates over the
    passages, in ``COUNTERS``' order: the one definition the rollups' rebuild and the
    figures of the days not rolled up yet (telephony.selectors) both count with (the import
    counts the same in Python, ``Writer._count_rollups``; tests compare them)."""
    abandoned, known, answered = Q(outcome=Outcome.ABANDONED), ~Q(outcome=Outcome.UNKNOWN), Q(answered=True)
    first = Q(call_passages__gt=0)  # a call is counted on its first passage
    aggregates = {
        "offered": Count("id"),
        "answered": Count("id", filter=answered),
        "transferred": Count("id", filter=Q(outcome=Outcome.TRANSFER)),
        "abandoned": Count("id", filter=abandoned),
        "timeouts": Count("id", filter=Q(outcome=Outcome.TIMEOUT)),
        "other_exits": Count("id", filter=Q(outcome=Outcome.OTHER)),
        "unknown": Count("id", filter=Q(outcome=Outcome.UNKNOWN)),
        "wait_answered": Sum("wait", filter=answered),
        "wait_closed": Sum("wait", filter=known),
        "wait_abandoned": Sum("wait", filter=abandoned),
        # an incomplete passage's wait is a lower bound (up to the 4 h close): left out
        "max_wait": Max("wait", filter=known),
        "talk": Sum("talk", filter=answered),
        "calls": Count("id", filter=first),
        "calls_answered": Count("id", filter=first & Q(call_answered=True)),
        "calls_multi": Count("id", filter=Q(call_passages__gt=1)),
    }
    assert tuple(aggregates) == COUNTERS  # noqa: S101 - the Writer counts in this order
    return aggregates


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


def _insert(cursor, model: type[models.Model], rows: QuerySet, columns: dict[str, str]) -> None:
    """``INSERT INTO model (…) SELECT …``: the grouped ``rows`` (a values() queryset) written
    as they are computed, ``columns`` naming the model's column of each selected name."""
    sql, params = rows.query.sql_with_params()
    query = rows.query
    names = list(query.selected) if query.selected else [*query.values_select, *query.annotation_select]
    quote = connection.ops.quote_name
    targets = ", ".join(quote(columns.get(name, name)) for name in names)
    cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({targets}) {sql}", params)  # noqa: S608


def refresh() -> int:
    """Rebuild the rollups of every stale day (two ``INSERT … SELECT … GROUP BY`` over their
    passages: per quarter of an hour, and the wait buckets per day); returns how many days
    were rebuilt."""
    stale = RollupStaleDay.objects.values("local_date")
    quarter = ExpressionWrapper(F("local_minute") / 15 * 15, output_field=IntegerField())
    key = ("queue_id", "local_date", "quarter", "weekday", "in_hours")
    passages = QueuePassage.objects.filter(local_date__in=stale).annotate(quarter=quarter).order_by()
    counters = {f"n_{name}": Coalesce(aggregate, 0) for name, aggregate in passage_counters().items()}
    capped = Least(F("wait"), Value(WAIT_CAP), output_field=IntegerField())
    waits = (
        passages.filter(Q(answered=True) | Q(outcome=Outcome.ABANDONED))
        .annotate(bucket=capped)
        .values(*DAY_KEY, "answered", "bucket")
        .annotate(n=Count("id"))
    )
    renames = {"quarter": "local_minute", "bucket": "wait", "n": "count"}
    with transaction.atomic(), connection.cursor() as cursor:
        lock(cursor)
        days = RollupStaleDay.objects.count()
        if not days:
            return 0
        for model in (QueueRollup, QueueWaitCount):
            model.objects.filter(local_date__in=stale).delete()
        _insert(cursor, QueueRollup, passages.values(*key).annotate(**counters), {
            **renames, **{f"n_{name}": name for name in COUNTERS}
        })  # fmt: skip
        _insert(cursor, QueueWaitCount, waits, renames)
        RollupStaleDay.objects.all().delete()
    return days
