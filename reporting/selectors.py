"""Reading the service barometer. Every figure is an SQL aggregate over fiches (``GROUP BY``,
``COUNT … FILTER``, window functions for the percentiles): no Python loop over fiches.
``reporting.figures`` turns the counts into shares and changes.

Counting rules (docs/committee.md): a fiche counts in the period of its creation (local
date), under its current routing (after any re-routing) and its current type; the backlog is
a snapshot at the end of the period.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.dates import french_date
from fiches.models import OPEN_STATUSES, Channel, Event, Fiche, Status
from fiches.selectors import scope_filter
from organisations.access import Scope
from organisations.models import Role
from reporting.figures import PERCENTILES, Change, Period, nearest_rank, share


@dataclass(frozen=True)
class Dimension:
    key: str
    label: Any
    expression: Callable[[], Any] | None = None  # None for time dimensions: see group_key
    label_field: str | None = None
    list_filter: str | None = None  # the fiche list's query parameter for this dimension
    time_unit: str | None = None  # day, week, month, quarter, year


DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in (
        Dimension("day", _("Day"), time_unit="day"),
        Dimension("week", _("Week"), time_unit="week"),
        Dimension("month", _("Month"), time_unit="month"),
        Dimension("quarter", _("Quarter"), time_unit="quarter"),
        Dimension("year", _("Year"), time_unit="year"),
        Dimension("channel", _("Channel"), lambda: F("channel"), list_filter="channel"),
        Dimension(
            "family",
            _("Family"),
            lambda: F("request_type__request_type__family__code"),
            "request_type__request_type__family__label",
            "family",
        ),
        Dimension(
            "type",
            _("Request type"),
            lambda: F("request_type__request_type__code"),
            "request_type__label",
            "type",
        ),
        Dimension("body", _("Body"), lambda: F("body_id"), "body__short_name", "body"),
        Dimension(
            "directorate", _("Directorate"), lambda: F("directorate_id"), "directorate__name", "directorate"
        ),
        Dimension("cell", _("Cell"), lambda: F("cell_id"), "cell__name", "cell"),
        Dimension(
            "arrondissement", _("Arrondissement"), lambda: F("arrondissement"), list_filter="arrondissement"
        ),
        Dimension("quartier", _("Quartier"), lambda: F("quartier"), list_filter="quartier"),
    )
}
TIME_DIMENSIONS = tuple(k for k, d in DIMENSIONS.items() if d.time_unit)

# The counters of one period, named as in the exports and the command's output.
COUNTERS = (
    "received",
    "duplicates",
    "rejected",
    "resolved",
    "on_time",
    "open",
    "reopened",
    "sent_back",
    "rerouted",
    "other_body",
    "answers",
    "satisfied",
    "score_sum",
)
BACKLOG_COUNTERS = ("backlog", "overdue", "age_0_2", "age_2_7", "age_7_30", "age_30")
AGE_BUCKETS = (("age_0_2", 0, 2), ("age_2_7", 2, 7), ("age_7_30", 7, 30), ("age_30", 30, None))


# the committee's view: every fiche, figures only (the command line, the pack, the report)
EVERY_FIGURE = Scope(roles=frozenset({Role.COMMITTEE}))


def fiches_for(scope: Scope) -> QuerySet[Fiche]:
    """The fiches whose figures the scope may read: everything for the call centre and the
    committee (figures only), the scope's own fiches for directorate managers."""
    if scope.sees_all_service_figures:
        return Fiche.objects.all()
    condition = scope_filter(scope)
    return Fiche.objects.filter(condition) if condition is not None else Fiche.objects.all()


def local_bounds(period: Period) -> tuple[datetime, datetime]:
    """The aware instants from the first day's local midnight to the day after the last."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(period.start, time(), zone),
        datetime.combine(period.end + timedelta(days=1), time(), zone),
    )


def _within(period: Period) -> Q:
    start, end = local_bounds(period)
    return Q(created_at__gte=start, created_at__lt=end)


def _event_exists(action: str) -> Exists:
    return Exists(Event.objects.filter(fiche=OuterRef("pk"), action=action))


def _counters(condition: Q, suffix: str = "", names: tuple[str, ...] = COUNTERS) -> dict[str, Any]:
    def count(extra: Q | None = None) -> Count:
        wanted = condition & extra if extra is not None else condition
        return Count("id", filter=wanted or None)

    every = {
        "received": lambda: count(),
        "duplicates": lambda: count(Q(status=Status.DUPLICATE)),
        "rejected": lambda: count(Q(status=Status.REJECTED)),
        "resolved": lambda: count(Q(was_late__isnull=False)),
        "on_time": lambda: count(Q(was_late=False)),
        "open": lambda: count(Q(status__in=OPEN_STATUSES)),
        "reopened": lambda: count(Q(_event_exists("reopen"))),
        "sent_back": lambda: count(Q(_event_exists("send_back"))),
        "rerouted": lambda: count(Q(reroute_count__gt=0)),
        "other_body": lambda: count(~Q(original_body=F("body"))),
        "answers": lambda: count(Q(survey_answer__isnull=False)),
        "satisfied": lambda: count(Q(survey_answer__score__gte=4)),
        "score_sum": lambda: Sum("survey_answer__score", filter=condition or None, default=0),
    }
    return {f"{name}{suffix}": every[name]() for name in names}


COMPARED = ("received", "resolved", "on_time")
# what the totals of the earlier periods need for their shares
TOTAL_COMPARED = (
    "received",
    "resolved",
    "on_time",
    "reopened",
    "rerouted",
    "answers",
    "satisfied",
    "score_sum",
)


def derived(counts: dict[str, Any]) -> dict[str, Any]:
    """Shares computed from one period's counters."""
    answers = counts.get("answers") or 0
    return {
        "compliance": share(counts.get("on_time"), counts.get("resolved")),
        "reopened_share": share(counts.get("reopened"), counts.get("received")),
        "rerouted_share": share(counts.get("rerouted"), counts.get("received")),
        "satisfied_share": share(counts.get("satisfied"), answers),
        "average_score": round(counts["score_sum"] / answers, 2) if answers else None,
    }


@dataclass
class Row:
    key: Any
    label: str
    counts: dict[str, Any]
    figures: dict[str, Any]
    percentiles: dict[str, dict[int, float]] = field(default_factory=dict)
    backlog: dict[str, int] = field(default_factory=dict)
    changes: dict[str, Change] = field(default_factory=dict)
    period: Period | None = None  # the row's own dates (time dimensions)


@dataclass
class Barometer:
    period: Period
    dimension: Dimension
    rows: list[Row]
    total: Row
    previous: Row
    year_before: Row
    arrondissements: list[Row]


def barometer(scope: Scope, period: Period, by: str) -> Barometer:
    """Every figure of the page (and of the exports and the command), in a fixed number of
    queries whatever the number of fiches or rows."""
    dimension = DIMENSIONS[by]
    base = fiches_for(scope)
    previous, year_before = period.previous(), period.year_before()
    current_q, previous_q, year_q = _within(period), _within(previous), _within(year_before)

    compared = not dimension.time_unit  # a row of a time dimension is its own period
    key = group_key(dimension, period)
    grouped = base.filter(current_q | previous_q | year_q) if compared else base.filter(current_q)
    aggregates = _counters(current_q)
    if compared:
        aggregates |= _counters(previous_q, "_previous", TOTAL_COMPARED) | _counters(
            year_q, "_year", TOTAL_COMPARED
        )
    if dimension.label_field:
        aggregates["label"] = Max(dimension.label_field)
    raw_rows = list(grouped.annotate(_key=key).values("_key").annotate(**aggregates).order_by("_key"))

    if compared:  # every fiche is in exactly one group: the totals are the groups' sums
        totals = {name: sum(r[name] or 0 for r in raw_rows) for name in aggregates if name not in ("label",)}
    else:
        totals = base.filter(current_q | previous_q | year_q).aggregate(
            **_counters(current_q),
            **_counters(previous_q, "_previous", TOTAL_COMPARED),
            **_counters(year_q, "_year", TOTAL_COMPARED),
        )
    rows = [
        _row(dimension, r, _key_of(dimension, r["_key"]), r.get("label")) for r in raw_rows if r["received"]
    ]
    if compared:
        rows.sort(key=lambda row: row.label)
    total = _row(dimension, totals, None, str(pgettext_lazy("total row", "All")))
    before = _row(dimension, _unsuffixed(totals, "_previous"))
    year = _row(dimension, _unsuffixed(totals, "_year"))
    for name in ("received", "compliance", "reopened_share", "rerouted_share", "satisfied_share"):
        total.changes[f"{name}_previous"] = Change(_value(total, name), _value(before, name))
        total.changes[f"{name}_year"] = Change(_value(total, name), _value(year, name))

    by_key = {row.key: row for row in rows}
    _attach_percentiles(base.filter(current_q), key, lambda value: _key_of(dimension, value), by_key, total)
    _attach_backlog(base, period, key if not dimension.time_unit else None, by_key, total)
    return Barometer(
        period=period,
        dimension=dimension,
        rows=rows,
        total=total,
        previous=before,
        year_before=year,
        arrondissements=_arrondissements(base.filter(current_q)),
    )


def _unsuffixed(counts: dict[str, Any], suffix: str) -> dict[str, Any]:
    return {k.removesuffix(suffix): v for k, v in counts.items() if k.endswith(suffix)}


def _value(row: Row, name: str) -> float | None:
    return row.counts.get(name) if name in row.counts else row.figures.get(name)


def _row(dimension: Dimension, counts: dict[str, Any], key: Any = None, label: str | None = None) -> Row:
    own = {name: counts.get(name) or 0 for name in COUNTERS}
    row = Row(key=key, label="", counts=own, figures=derived(own))
    row.label = label if label is not None else _key_label(dimension, row.key)
    if dimension.time_unit and isinstance(row.key, date):
        row.period = _bucket(dimension.time_unit, row.key)
    for suffix in ("_previous", "_year"):
        if f"received{suffix}" in counts:
            earlier = {name: counts.get(f"{name}{suffix}") or 0 for name in COMPARED}
            row.changes[f"received{suffix}"] = Change(own["received"], earlier["received"])
            row.changes[f"compliance{suffix}"] = Change(
                row.figures["compliance"], share(earlier["on_time"], earlier["resolved"])
            )
    return row


def _key_of(dimension: Dimension, value: Any) -> Any:
    """A row's key: the first day of its bucket for a time dimension, else the grouped value."""
    if dimension.time_unit and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def group_key(dimension: Dimension, period: Period) -> Any:
    """The SQL expression a dimension groups fiches by over the period."""
    if dimension.time_unit:
        return _time_key(dimension.time_unit, period)
    assert dimension.expression is not None
    return dimension.expression()


def _time_key(unit: str, period: Period) -> Case:
    """The first day of each fiche's bucket (day, week, month, quarter, year) as a plain SQL
    ``CASE`` on ``created_at`` against the buckets' bounds, computed here in local time: the
    same SQL on every database, no date function per row."""
    start = _bucket_start(unit, period.start)
    whens = []
    while start <= period.end:
        bucket = _bucket(unit, start)
        _, bound = local_bounds(bucket)
        whens.append(When(created_at__lt=bound, then=Value(start.isoformat())))
        start = bucket.end + timedelta(days=1)
    return Case(*whens, default=Value(None), output_field=CharField())


def _bucket_start(unit: str, day: date) -> date:
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
    return day.replace(month=1, day=1)


def _bucket(unit: str, start: date) -> Period:
    if unit == "day":
        return Period(start, start)
    if unit == "week":
        return Period(start, start + timedelta(days=6))
    months = {"month": 1, "quarter": 3, "year": 12}[unit]
    month = start.month - 1 + months
    next_start = date(start.year + month // 12, month % 12 + 1, 1)
    return Period(start, next_start - timedelta(days=1))


def _key_label(dimension: Dimension, key: Any) -> str:
    if key in (None, ""):
        return str(_("Not known"))
    if dimension.key == "channel":
        return str(Channel(key).label) if key in Channel.values else str(key)
    if dimension.key == "arrondissement":
        from fiches.geography import arrondissement_label

        return arrondissement_label(int(key))
    if isinstance(key, date):
        return {
            "day": lambda: french_date(key),
            "week": lambda: str(_("week of %(day)s")) % {"day": french_date(key)},
            "month": lambda: formats.date_format(key, "F Y"),
            "quarter": lambda: f"T{(key.month - 1) // 3 + 1} {key.year}",
            "year": lambda: str(key.year),
        }[dimension.time_unit or "day"]()
    return str(key)


# --- percentiles (nearest rank, by window functions) ----------------------------------------


def _delay_lost() -> ExpressionWrapper:
    """From creation to the last re-routing: the time the fiche spent with the wrong body."""
    reroutes = Event.objects.filter(fiche=OuterRef("pk"), action="reroute")
    last_reroute = reroutes.order_by("-at").values("at")[:1]
    return ExpressionWrapper(Subquery(last_reroute) - F("created_at"), output_field=DurationField())


METRICS: dict[str, tuple[Callable[[], Any], Q]] = {
    "ack": (lambda: F("ack_work_seconds"), Q(ack_work_seconds__isnull=False)),
    "resolution": (lambda: F("resolution_work_seconds"), Q(resolution_work_seconds__isnull=False)),
    "delay_lost": (_delay_lost, Q(reroute_count__gt=0)),
}


def _attach_percentiles(
    fiches: QuerySet[Fiche], key: Any, convert: Callable[[Any], Any], rows: dict[Any, Row], total: Row
) -> None:
    for name, (expression, condition) in METRICS.items():
        by_group, overall = _percentile_values(fiches.filter(condition), key, expression(), convert)
        for group_key, values in by_group.items():
            if group_key in rows:
                rows[group_key].percentiles[name] = values
        total.percentiles[name] = overall


def _percentile_values(
    fiches: QuerySet[Fiche], key: Any, value: Any, convert: Callable[[Any], Any]
) -> tuple[dict[Any, dict[int, float]], dict[int, float]]:
    """({group key: {50: hours, 90: hours}}, {50: hours, 90: hours} over all), in one query:
    the values ranked by window functions within each group and over all, and only the rows
    at the nearest ranks of the percentiles read."""
    ranked = (
        fiches.annotate(_key=key, _value=value)
        .annotate(
            _rank=Window(RowNumber(), partition_by=[F("_key")], order_by=[F("_value").asc(), F("id").asc()]),
            _count=Window(Count("id"), partition_by=[F("_key")]),
            _all_rank=Window(RowNumber(), order_by=[F("_value").asc(), F("id").asc()]),
            _all_count=Window(Count("id")),
        )
        .order_by()
    )
    condition = Q()
    for percentile in PERCENTILES:
        # nearest rank: rank = ceil(p·n/100) ⇔ 100·rank ≥ p·n > 100·(rank − 1)
        condition |= Q(
            _hundred_rank__gte=F("_count") * percentile, _hundred_rank__lt=F("_count") * percentile + 100
        )
        condition |= Q(
            _hundred_all__gte=F("_all_count") * percentile,
            _hundred_all__lt=F("_all_count") * percentile + 100,
        )
    picked = (
        ranked.alias(_hundred_rank=F("_rank") * 100, _hundred_all=F("_all_rank") * 100)
        .filter(condition)
        .values("_key", "_value", "_rank", "_count", "_all_rank", "_all_count")
    )
    by_group: dict[Any, dict[int, float]] = {}
    overall: dict[int, float] = {}
    for item in picked:
        hours = _hours(item["_value"])
        for percentile in PERCENTILES:
            if item["_rank"] == nearest_rank(percentile, item["_count"]):
                by_group.setdefault(convert(item["_key"]), {})[percentile] = hours
            if item["_all_rank"] == nearest_rank(percentile, item["_all_count"]):
                overall[percentile] = hours
    return by_group, overall


def _hours(value: Any) -> float:
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    return round(seconds / 3600, 1)


# --- backlog at the end of the period -------------------------------------------------------


def _attach_backlog(
    base: QuerySet[Fiche], period: Period, key: Any, rows: dict[Any, Row], total: Row
) -> None:
    """Fiches still open at the end of the period (created before it, not resolved, rejected
    or answered by then, not duplicates), overdue at that moment, and their age."""
    _, end = local_bounds(period)
    open_at_end = (
        base.filter(created_at__lt=end)
        .exclude(status=Status.DUPLICATE)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=end))
    )
    measures: dict[str, Any] = {"backlog": Count("id"), "overdue": Count("id", filter=Q(due_at__lt=end))}
    for name, low, high in AGE_BUCKETS:
        condition = Q(created_at__lte=end - timedelta(days=low))
        if high is not None:
            condition &= Q(created_at__gt=end - timedelta(days=high))
        measures[name] = Count("id", filter=condition)
    if key is None:
        total.backlog = open_at_end.aggregate(**measures)
        return
    grouped = list(open_at_end.annotate(_key=key).values("_key").annotate(**measures).order_by())
    total.backlog = dict.fromkeys(BACKLOG_COUNTERS, 0)
    for item in grouped:
        for name in BACKLOG_COUNTERS:
            total.backlog[name] += item[name]
        if item["_key"] in rows:
            rows[item["_key"]].backlog = {name: item[name] for name in BACKLOG_COUNTERS}


def _arrondissements(fiches: QuerySet[Fiche]) -> list[Row]:
    """One row for each of the 16 arrondissements (zeros included), for the map and its table."""
    dimension = DIMENSIONS["arrondissement"]
    counts = {
        r["arrondissement"]: r
        for r in fiches.filter(arrondissement__isnull=False)
        .values("arrondissement")
        .annotate(**_counters(Q(), names=("received", "resolved", "on_time")))
        .order_by()
    }
    return [_row(dimension, counts.get(n, {}), n) for n in range(1, 17)]
