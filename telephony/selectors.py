"""Read side of telephony: KPIs aggregated in SQL, staffing plan, drill-down lists.

Every KPI query is one GROUP BY over queue passages (calls: their first passages) on the denormalised local
columns; :mod:`telephony.kpi` only turns the aggregated counters into rates.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import groupby
from operator import itemgetter

from django.conf import settings
from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
)

from telephony import erlang, kpi, rollups
from telephony.hours import OpeningCalendar
from telephony.models import AgentActivity, Outcome, QueuePassage, QueueRollup, QueueWaitCount, RollupStaleDay
from telephony.services import PARIS, opening_calendar

PREFIX = "k_"
INTERVALS = {"15": 15, "30": 30, "60": 60, "day": 0, "week": 0, "month": 0, "slot": 30}


def sl_formula() -> str:
    return getattr(settings, "TELEPHONY_SL_FORMULA", kpi.DEFAULT_SL_FORMULA)


@dataclass
class Filters:
    date_from: date
    date_to: date
    queue_ids: list[int] = field(default_factory=list)
    in_hours_only: bool = False
    threshold: int = field(default_factory=lambda: getattr(settings, "TELEPHONY_SL_THRESHOLD", 20))
    short_threshold: int = field(default_factory=lambda: getattr(settings, "TELEPHONY_SHORT_ABANDON", 5))
    formula: str = field(default_factory=sl_formula)
    # the days not rolled up yet, read once for the filters and those derived from them
    stale: list[date] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def default(cls, today: date | None = None) -> Filters:
        """The pages' default: the last four weeks, calls within opening hours."""
        today = today or date.today()
        return cls(date_from=today - timedelta(days=27), date_to=today, in_hours_only=True)

    def previous(self) -> Filters:
        """The same filters over the period of the same length just before."""
        length = self.date_to - self.date_from + timedelta(days=1)
        return replace(self, date_from=self.date_from - length, date_to=self.date_to - length)


def passages(filters: Filters) -> QuerySet[QueuePassage]:
    qs = QueuePassage.objects.filter(local_date__gte=filters.date_from, local_date__lte=filters.date_to)
    if filters.queue_ids:
        qs = qs.filter(queue_id__in=filters.queue_ids)
    if filters.in_hours_only:
        qs = qs.filter(in_hours=True)
    return qs


CALLS = ("calls", "calls_answered", "calls_multi")  # rollups.COUNTERS that are not kpi.Counters


def counter_aggregates(filters: Filters) -> dict:
    """Every counter of kpi.Counters over the passages: the rollups' own (one definition,
    rollups.passage_counters) and those of the thresholds and the opening hours."""
    t, short = filters.threshold, filters.short_threshold
    abandoned = Q(outcome=Outcome.ABANDONED)
    aggregates = {name: value for name, value in rollups.passage_counters().items() if name not in CALLS}
    aggregates |= {
        "short_abandoned": Count("id", filter=abandoned & Q(wait__lt=short)),
        "answered_in_sl": Count("id", filter=Q(answered=True, wait__lte=t)),
        "abandoned_in_sl": Count("id", filter=abandoned & Q(wait__lte=t)),
        "out_of_hours": Count("id", filter=Q(in_hours=False)),
    }
    # prefixed: several counters share a model field's name
    return {PREFIX + name: expression for name, expression in aggregates.items()}


def _counters(row: dict) -> kpi.Counters:
    return kpi.Counters.from_row({k[len(PREFIX) :]: v for k, v in row.items() if k.startswith(PREFIX)})


def _rollup_aggregates() -> dict:
    aggregates = {name: Sum(name) for name in rollups.COUNTERS if name not in CALLS}
    aggregates["max_wait"] = Max("max_wait")
    aggregates["out_of_hours"] = Sum("offered", filter=Q(in_hours=False))
    return {PREFIX + name: expression for name, expression in aggregates.items()}


THRESHOLD_COUNTERS = ("answered_in_sl", "abandoned_in_sl", "short_abandoned")


def _wait_aggregates(filters: Filters) -> dict:
    """The threshold's counters, summed from the one-second wait buckets."""
    t, short = filters.threshold, filters.short_threshold
    aggregates = (
        Sum("count", filter=Q(answered=True, wait__lte=t)),
        Sum("count", filter=Q(answered=False, wait__lte=t)),
        Sum("count", filter=Q(answered=False, wait__lt=short)),
    )
    return {PREFIX + name: value for name, value in zip(THRESHOLD_COUNTERS, aggregates, strict=True)}


def _in_period(qs: QuerySet, filters: Filters) -> QuerySet:
    """Rows of passages or rollups (same local columns) within the filters."""
    qs = qs.filter(local_date__gte=filters.date_from, local_date__lte=filters.date_to)
    if filters.queue_ids:
        qs = qs.filter(queue_id__in=filters.queue_ids)
    if filters.in_hours_only:
        qs = qs.filter(in_hours=True)
    return qs


def _stale_days(filters: Filters) -> list[date]:
    if filters.stale is None:
        filters.stale = list(RollupStaleDay.objects.values_list("local_date", flat=True))
    return [day for day in filters.stale if filters.date_from <= day <= filters.date_to]


def _parts(filters: Filters, waits: bool = True, intraday: bool = False) -> list[tuple[QuerySet, dict]]:
    """What to count the filters' passages from: the rollups for the days rolled up (and,
    with ``waits``, the wait buckets for the thresholds' counters: kept per day, so for
    groups within a day, ``intraday``, the passages of those days give them), the passages of
    the days not rolled up yet; the passages alone for a threshold past the buckets' last one."""
    if max(filters.threshold, filters.short_threshold) >= QueueWaitCount.WAIT_CAP:
        return [(passages(filters), counter_aggregates(filters))]
    stale = _stale_days(filters)
    parts = [(_in_period(QueueRollup.objects, filters).exclude(local_date__in=stale), _rollup_aggregates())]
    if waits and intraday:
        every = counter_aggregates(filters)
        aggregates = {PREFIX + name: every[PREFIX + name] for name in THRESHOLD_COUNTERS}
        parts.append((passages(filters).exclude(local_date__in=stale), aggregates))
    elif waits:
        buckets = _in_period(QueueWaitCount.objects, filters).exclude(local_date__in=stale)
        parts.append((buckets, _wait_aggregates(filters)))
    if stale:
        parts.append((passages(filters).filter(local_date__in=stale), counter_aggregates(filters)))
    return parts


def _grouped(filters: Filters, keys: dict, waits: bool = True) -> dict[tuple, kpi.Counters]:
    """The counters per group of ``keys`` (name → expression over the local columns); without
    ``waits``, the thresholds' counters are left at 0 (volumes and durations only)."""
    annotations = {k: v for k, v in keys.items() if not (isinstance(v, F) and v.name == k)}
    groups: dict[tuple, kpi.Counters] = {}
    intraday = any(name == "minute" for name in keys)
    for qs, aggregates in _parts(filters, waits, intraday):
        if not keys:
            rows = [qs.aggregate(**aggregates)]
        else:
            rows = qs.annotate(**annotations).values(*keys).annotate(**aggregates).order_by()
        for row in rows:
            key = tuple(row[k] for k in keys)
            counters = _counters(row)
            groups[key] = groups[key] + counters if key in groups else counters
    return groups


FOLDED = {
    "week": lambda day: day - timedelta(days=day.weekday()),
    "month": lambda day: day.replace(day=1),
}


def _group_expression(interval: str) -> dict:
    if interval in ("15", "30", "60"):
        size = int(interval)
        bucket = ExpressionWrapper(F("local_minute") / size * size, output_field=IntegerField())
        return {"day": F("local_date"), "minute": bucket}
    if interval == "day":
        return {"day": F("local_date")}
    if interval == "slot":  # typical week: weekday × half-hour
        bucket = ExpressionWrapper(F("local_minute") / 30 * 30, output_field=IntegerField())
        return {"weekday": F("weekday"), "minute": bucket}
    if interval == "queue":
        return {"queue_name": F("queue__name")}
    raise ValueError(f"unknown interval {interval!r}")


def kpi_rows(
    filters: Filters, interval: str = "day", by_queue: bool = False, waits: bool = True
) -> list[dict]:
    """One row per group: the group keys, the raw counters and the indicators (without
    ``waits``: volumes and durations only, the service level and short abandons left out)."""
    # weeks and months are folded from days here: SQLite truncates dates in Python, row by row
    keys = _group_expression("day" if interval in FOLDED else interval)
    if by_queue and interval != "queue":
        keys["queue_name"] = F("queue__name")
    groups = _grouped(filters, keys, waits)
    if interval in FOLDED:
        folded: dict[tuple, kpi.Counters] = {}
        for (day, *rest), counters in groups.items():
            key = (FOLDED[interval](day), *rest)
            folded[key] = folded[key] + counters if key in folded else counters
        groups = folded
    result = []
    for key, counters in sorted(groups.items()):
        group = dict(zip(keys, key, strict=True))
        result.append({**group, "counters": counters, **_indicators(counters, filters)})
    return result


def totals(filters: Filters, rows: list[dict] | None = None) -> dict:
    """The figures of the whole period; from ``rows`` (kpi_rows of the same filters, any
    interval) when given: every counter adds up, so no query is needed."""
    if rows is None:
        counters = _grouped(filters, {}).get((), kpi.Counters())
    else:
        counters = sum((row["counters"] for row in rows), kpi.Counters())
    return {"counters": counters, **_indicators(counters, filters)}


def _indicators(counters: kpi.Counters, filters: Filters) -> dict:
    """The KPIs of a group; the handling time adds the after-call work of each answered call."""
    return kpi.indicators(counters, filters.formula, settings.TELEPHONY_AFTER_CALL_WORK)


def out_of_hours(filters: Filters) -> int:
    """Queue passages outside opening hours in the period, counted apart from the KPIs."""
    every = _grouped(replace(filters, in_hours_only=False), {}, waits=False)
    return every.get((), kpi.Counters()).out_of_hours


def call_totals(filters: Filters) -> dict:
    """The citizen-call view (multi-stint) and the ratio of calls to fiches by call id."""
    from fiches.models import Fiche  # statistics only: a count, no fiche is listed

    aggregates = {"calls": Sum("calls"), "answered": Sum("calls_answered"), "multi": Sum("calls_multi")}
    counted = rollups.passage_counters()
    from_passages = {
        "calls": counted["calls"],
        "answered": counted["calls_answered"],
        "multi": counted["calls_multi"],
    }
    row = {"calls": 0, "answered": 0, "multi": 0}
    for qs, _aggregates in _parts(filters, waits=False):
        part = qs.aggregate(**(aggregates if qs.model is QueueRollup else from_passages))
        for name in row:
            row[name] += part[name] or 0
    calls = passages(filters).filter(call_passages__gt=0)  # a call is counted on its first passage
    linked = Fiche.objects.filter(call_id__in=calls.values("callid")).exclude(call_id="").count()
    row["fiches"] = linked
    row["fiches_per_call"] = kpi.ratio(linked, row["calls"])
    return row


def heatmap(filters: Filters) -> dict:
    """Average offered passages per weekday and half-hour over the period."""
    rows = kpi_rows(filters, "slot", waits=False)
    days = _weekday_occurrences(filters.date_from, filters.date_to, opening_calendar())
    cells: dict[tuple[int, int], float] = {}
    for row in rows:
        occurrences = days.get(row["weekday"], 0) or 1
        cells[(row["weekday"], row["minute"])] = row["offered"] / occurrences
    minutes_with_calls = sorted({m for (_w, m) in cells})
    if minutes_with_calls:
        first, last = minutes_with_calls[0], minutes_with_calls[-1]
        columns = list(range(first, last + 30, 30))
    else:
        columns = list(range(8 * 60, 18 * 60 + 30, 30))
    top = max(cells.values(), default=0) or 1
    grid = []
    for weekday in range(7):
        grid.append(
            {
                "weekday": weekday,
                "cells": [
                    {
                        "minute": m,
                        "value": cells.get((weekday, m), 0.0),
                        "level": min(5, int(5 * cells.get((weekday, m), 0.0) / top + 0.999)),
                    }
                    for m in columns
                ],
            }
        )
    return {"columns": columns, "rows": grid, "max": top}


def _weekday_occurrences(start: date, end: date, calendar: OpeningCalendar) -> dict[int, int]:
    """How many days of each weekday the averages of the period are over: the days the call
    centre opens (a public holiday has no calls to average), or every day of a weekday that
    never opens in the period (its few calls are still averaged)."""
    every: dict[int, int] = {}
    opened: dict[int, int] = {}
    day = start
    while day <= end:
        weekday = day.weekday()
        every[weekday] = every.get(weekday, 0) + 1
        if calendar.open_minutes(day):
            opened[weekday] = opened.get(weekday, 0) + 1
        day += timedelta(days=1)
    return {weekday: opened.get(weekday) or count for weekday, count in every.items()}


def agent_rows(filters: Filters) -> list[dict]:
    """Per agent (its name, else its main identifier: ``Agent.same_as`` merges a person's
    identifiers at import): calls taken, talk time, pauses and unanswered rings (supervisors
    only)."""
    names = ("agent_id", "agent__identifier", "agent__label")
    taken = (
        passages(filters)
        .filter(answered=True, agent__isnull=False)
        .values(*names)
        .annotate(calls=Count("id"), talk=Sum("talk"))
    )
    result: dict[int, dict] = {}

    def entry(agent_id: int, identifier: str, label: str) -> dict:
        return result.setdefault(
            agent_id, {"agent": label or identifier, "calls": 0, "talk": 0, "pause": 0, "rings": 0}
        )

    for row in taken:
        figures = entry(row["agent_id"], row["agent__identifier"], row["agent__label"])
        figures["calls"], figures["talk"] = row["calls"], row["talk"] or 0
    activity = AgentActivity.objects.filter(
        local_date__gte=filters.date_from, local_date__lte=filters.date_to
    )
    rings = activity.filter(kind=AgentActivity.Kind.RING).values(*names)
    for row in rings.annotate(n=Count("id")):
        entry(row["agent_id"], row["agent__identifier"], row["agent__label"])["rings"] = row["n"]
    # pause time: the union of the agent's pauses in each of its queues (one row per queue)
    pauses = (
        activity.filter(kind=AgentActivity.Kind.PAUSE, ended_at__isnull=False)
        .order_by("agent_id", "started_at")
        .values_list(*names, "started_at", "ended_at")
    )
    for agent, rows in groupby(pauses, key=itemgetter(0, 1, 2)):
        entry(*agent)["pause"] = kpi.union_seconds((start, end) for *_agent, start, end in rows)
    for figures in result.values():
        figures["avg_talk"] = kpi.ratio(figures["talk"], figures["calls"])
    return sorted(result.values(), key=lambda e: e["agent"])


def passage_page(filters: Filters, day: date, minute: int | None, after: tuple | None = None, size: int = 50):
    """Drill-down: passages of one day (and interval), keyset-paginated on (entered_at, id)."""
    qs = passages(filters).filter(local_date=day)
    if minute is not None:
        qs = qs.filter(local_minute__gte=minute, local_minute__lt=minute + 30)
    if after:
        qs = qs.filter(Q(entered_at__gt=after[0]) | Q(entered_at=after[0], id__gt=after[1]))
    rows = list(qs.select_related("queue", "agent").order_by("entered_at", "id")[: size + 1])
    return rows[:size], len(rows) > size


# --- staffing ----------------------------------------------------------------------------
def staffing_plan(
    filters: Filters,
    target: float = 0.8,
    shrinkage: float = 0.3,
    patience: float | None = None,
    after_call_work: float = 0.0,
) -> list[dict]:
    """For every half-hour of the typical week with calls or opening: forecast, agents needed
    (Erlang C, or Erlang A with ``patience``), agents actually logged in (not paused)."""
    rows = {(r["weekday"], r["minute"]): r for r in kpi_rows(filters, "slot", waits=False)}
    calendar = opening_calendar()
    occurrences = _weekday_occurrences(filters.date_from, filters.date_to, calendar)
    global_row = totals(filters)
    default_aht = (global_row["avg_talk"] or 180.0) + after_call_work
    staffed = logged_in_by_slot(filters, occurrences)
    plan = []
    for weekday in range(7):
        slots = calendar.week.get(weekday, ())
        for minute in range(0, 24 * 60, 30):
            row = rows.get((weekday, minute))
            open_slot = any(start <= minute < end for start, end in slots)
            logged = staffed.get((weekday, minute), 0.0)
            if row is None and not open_slot and not logged:
                continue
            days = occurrences.get(weekday, 0) or 1
            calls = (row["offered"] / days) if row else 0.0
            aht = ((row["avg_talk"] or 0) + after_call_work) if row and row["avg_talk"] else default_aht
            need = erlang.staffing(
                calls, 1800, aht, target, filters.threshold, patience=patience, shrinkage=shrinkage
            )
            gap = round(logged - need.agents_needed, 1)
            plan.append(
                {
                    "weekday": weekday,
                    "minute": minute,
                    "open": open_slot,
                    "calls": calls,
                    "aht": aht,
                    "load": need.load,
                    "agents_needed": need.agents_needed,
                    "scheduled": need.scheduled,
                    "service_level": need.result.service_level if need.agents_needed else None,
                    "occupancy": need.result.occupancy if need.agents_needed else None,
                    "asa": need.result.asa if need.agents_needed else None,
                    "logged_in": logged,
                    "gap": gap,
                    "status": slot_status(open_slot, gap),
                }
            )
    return plan


def slot_status(open_slot: bool, gap: float) -> str:
    """Under-, over- or adequately staffed; a slot where the centre is closed is never
    under-staffed (calls then are turned away by the opening hours, not by a lack of agents)."""
    if not open_slot:
        return "closed"
    return "under" if gap < 0 else ("over" if gap >= 2 else "ok")


def logged_in_by_slot(filters: Filters, occurrences: dict[int, int]) -> dict[tuple[int, int], float]:
    """Average number of agents logged in and not paused, per weekday and half-hour: per agent,
    the union of its sessions less the union of its pauses in them (research §2.5; paused in
    several queues at once, an agent is paused once)."""
    from datetime import datetime

    seconds: dict[tuple[int, int], float] = {}

    def spread(started: datetime, ended: datetime, sign: float) -> None:
        cursor, end = started.astimezone(PARIS), ended.astimezone(PARIS)
        while cursor < end:
            slot_start = cursor.replace(minute=cursor.minute // 30 * 30, second=0, microsecond=0)
            stop = min(end, slot_start + timedelta(minutes=30))
            key = (slot_start.weekday(), slot_start.hour * 60 + slot_start.minute)
            seconds[key] = seconds.get(key, 0.0) + sign * (stop - cursor).total_seconds()
            cursor = stop if stop > cursor else datetime.max.replace(tzinfo=PARIS)

    activities = (
        AgentActivity.objects.filter(
            local_date__gte=filters.date_from,
            local_date__lte=filters.date_to,
            ended_at__isnull=False,
            kind__in=[AgentActivity.Kind.LOGIN, AgentActivity.Kind.PAUSE],
        )
        .order_by("agent_id", "started_at")
        .values_list("agent_id", "kind", "started_at", "ended_at")
    )
    for _agent, rows in groupby(activities.iterator(), key=itemgetter(0)):
        sessions: list[tuple[datetime, datetime]] = []
        pauses: list[tuple[datetime, datetime]] = []
        for _a, kind, started, ended in rows:
            (sessions if kind == AgentActivity.Kind.LOGIN else pauses).append((started, ended))
        sessions = kpi.merge_intervals(sessions)
        for started, ended in sessions:
            spread(started, ended, 1.0)
        # only the agent's own pauses within its own sessions (a static member, who logs no
        # session, pausing takes nobody away)
        for started, ended in kpi.intersect_intervals(kpi.merge_intervals(pauses), sessions):
            spread(started, ended, -1.0)
    return {
        key: max(0.0, value / (1800 * (occurrences.get(key[0], 0) or 1))) for key, value in seconds.items()
    }
