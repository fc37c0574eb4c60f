"""The SLA sweep: select with set-based SQL the fiches that need a reminder, an overdue
alert, an escalation or an unacknowledged alert, record each alert once, send by task.

Idempotency: every candidate of every kind is inserted by ONE ``INSERT … SELECT … UNION
ALL … ON CONFLICT DO NOTHING RETURNING`` tagged with this run's id; the unique constraint
(fiche, kind, due date) makes the database the arbiter, so two overlapping sweeps never
insert the same alert twice. A new deadline (re-routing, reopening) is a new due date,
hence a new cycle of alerts. Each run then sends only the rows its own INSERT returned,
with one task per cell. The number of queries depends on nothing but the configuration
(five per run plus one task per cell alerted), never on the number of fiches.

Selection, for each kind and each body open today, is the union of index ranges:

* the *window*: fiches whose threshold was crossed since the body's watermark (what the
  previous sweeps covered), a range on ``due_at`` or ``cycle_started_at``; for the
  reminder, one range on ``due_at`` per distinct deadline of the catalogue (see
  ``reminder_bands``);
* the *new cycles*: fiches whose deadline cycle started since the previous sweep (minus
  a margin, ``(status, cycle_started_at)`` index) or whose id is new (back-dated
  imports), whatever their threshold: a fiche reopened or re-routed, or created with a
  due date already in the past, is not lost behind the watermark.

The statement is raw SQL written once (the text of every fragment depends only on the
shape of the configuration and is cached per process); every value is a parameter.
Compiling the equivalent Django union cost ten times the SQL itself.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from django.db import connection, transaction
from django.utils import timezone

from fiches.models import Fiche, Status
from followup.clock import escalation_cutoff
from followup.models import Alert, AlertKind, ReminderRule
from organisations.models import Body, ClosedDay
from worktime import DeadlineUnit, WorkCalendar, add_deadline

# Statuses where the cell is expected to act (the call centre holds NEW and REROUTED).
CELL_STATUSES = (
    Status.TRANSMITTED,
    Status.ACKNOWLEDGED,
    Status.IN_PROGRESS,
    Status.WAITING,
    Status.REOPENED,
)
# Statuses where the current cycle has not been acknowledged yet.
UNACKNOWLEDGED_STATUSES = (Status.TRANSMITTED, Status.REOPENED)
# How far back the "new cycles" part looks before the previous sweep: covers transactions
# that committed a little after the moment they recorded, and clock skew between servers.
MARGIN = timedelta(minutes=15)
MAX_ID = 2**62
END_OF_TIME = datetime(9000, 1, 1, tzinfo=UTC)
# Margins of the reminder's deadline bands (see ``_duration_bounds``).
BAND_MARGIN_DAYS = timedelta(hours=6)
BAND_MARGIN_HOURS = timedelta(days=1)
MARK_FIELDS = ("overdue_upto", "escalation_upto", "unack_upto", "reminder_upto", "cycle_upto")
RULE_FIELDS = (
    "id",
    "reminder_percent",
    "overdue_alert",
    "escalation_days",
    "unacknowledged_hours",
    *MARK_FIELDS,
    "fiche_id_upto",
    "fiche_id_seen",
    "fiche_id_seen_at",
)


# --------------------------------------------------------------------------- rules


@dataclass
class Rule:
    """A body's ``ReminderRule`` as read by the sweep (plain values, no model instance)."""

    body_id: int
    reminder_percent: int
    overdue_alert: bool
    escalation_days: int
    unacknowledged_hours: int
    overdue_upto: datetime | None = None
    escalation_upto: datetime | None = None
    unack_upto: datetime | None = None
    reminder_upto: datetime | None = None
    cycle_upto: datetime | None = None
    fiche_id_upto: int | None = None
    fiche_id_seen: int | None = None
    fiche_id_seen_at: datetime | None = None


@dataclass
class BodyRule:
    rule: Rule
    calendar: WorkCalendar


@lru_cache(maxsize=1)
def _vendor() -> str:
    """The database vendor (the default connection's, fixed for the process)."""
    return connection.vendor


@lru_cache(maxsize=256)
def _q(name: str) -> str:
    return connection.ops.quote_name(name)


@lru_cache(maxsize=16)
def _table(model) -> str:
    return _q(model._meta.db_table)


def _db(value: datetime) -> object:
    """A datetime as the backend stores it: naive UTC text on SQLite (the format of
    ``adapt_datetimefield_value``, compared as text), unchanged on PostgreSQL."""
    if _vendor() == "sqlite":
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return value


def _py(value) -> datetime | None:
    """A datetime read by a raw cursor, aware (SQLite returns text)."""
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


@lru_cache(maxsize=4)
def _rules_sql(vendor: str) -> str:
    marks = ", ".join(f"r.{_q(name)}" for name in RULE_FIELDS)
    return (
        f"SELECT b.{_q('id')}, b.{_q('working_weekdays')}, b.{_q('holiday_subdivision')}, {marks} "  # noqa: S608
        f"FROM {_table(Body)} b LEFT JOIN {_table(ReminderRule)} r ON r.{_q('body_id')} = b.{_q('id')}"
    )


def load_rules() -> dict[int, BodyRule]:
    """Every body's rule and calendar in two queries, creating the missing default rules."""
    with connection.cursor() as cursor:
        cursor.execute(_rules_sql(_vendor()))
        rows = cursor.fetchall()
        missing = [row[0] for row in rows if row[3] is None]
        if missing:
            ReminderRule.objects.bulk_create(
                [ReminderRule(body_id=pk) for pk in missing], ignore_conflicts=True
            )
            cursor.execute(_rules_sql(_vendor()))
            rows = cursor.fetchall()
        cursor.execute(f"SELECT {_q('body_id')}, {_q('day')} FROM {_table(ClosedDay)}")  # noqa: S608
        closed: dict[int, set[date]] = {}
        for body_id, day in cursor.fetchall():
            closed.setdefault(body_id, set()).add(day if isinstance(day, date) else date.fromisoformat(day))
    result = {}
    for body_id, weekdays, subdivision, _rule_id, percent, overdue, escalation, unack, *marks in rows:
        dates = {name: _py(value) for name, value in zip(MARK_FIELDS, marks[:5], strict=True)}
        id_upto, id_seen, id_seen_at = marks[5:]
        rule = Rule(body_id, percent, bool(overdue), escalation, unack, **dates)
        rule.fiche_id_upto, rule.fiche_id_seen, rule.fiche_id_seen_at = id_upto, id_seen, _py(id_seen_at)
        result[body_id] = BodyRule(rule, _calendar(weekdays, frozenset(closed.get(body_id, ())), subdivision))
    return result


@lru_cache(maxsize=64)
def _calendar(weekdays: str, closed: frozenset[date], subdivision: str | None) -> WorkCalendar:
    return WorkCalendar(
        weekdays=Body(working_weekdays=weekdays).weekday_set(),
        closed_days=closed,
        subdivision=subdivision or None,
    )


@dataclass
class SweepResult:
    run: str
    inserted: dict[str, int] = field(default_factory=dict)
    tasks: int = 0

    @property
    def total(self) -> int:
        return sum(self.inserted.values())


# --------------------------------------------------------------------------- deadlines


@dataclass(frozen=True)
class Band:
    """Fiches of the request-type versions ``versions`` last between ``shortest`` and
    ``longest`` from the start of their cycle to their due date."""

    versions: tuple[int, ...]
    shortest: timedelta
    longest: timedelta


def deadlines() -> dict[tuple[int, str], tuple[int, ...]]:
    """The version ids of every distinct deadline of the catalogue (one query).

    Every version counts, not only those in force: an open fiche keeps the version it
    was created (or re-routed) with, and its due date was computed from it."""
    from catalogue.models import RequestTypeVersion

    spans: dict[tuple[int, str], list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_q('id')}, {_q('deadline_amount')}, {_q('deadline_unit')} "  # noqa: S608
            f"FROM {_table(RequestTypeVersion)}"
        )
        for pk, amount, unit in cursor.fetchall():
            spans.setdefault((amount, unit), []).append(pk)
    return {key: tuple(sorted(ids)) for key, ids in spans.items()}


@lru_cache(maxsize=256)
def _duration_bounds(
    amount: int, unit: str, calendars: tuple[WorkCalendar, ...], today: date
) -> tuple[timedelta, timedelta]:
    """Shortest and longest (due date − start) of a deadline for the cycles that may be
    running today: starts over the last ``2 × deadline + 3 weeks`` on every body
    calendar, as ``worktime.add_deadline`` computes them (a day deadline ends at the end
    of a day, so each start day gives a range), with a margin (DST, sampling)."""
    unit = DeadlineUnit(unit)
    shortest, longest = timedelta.max, timedelta(0)
    for calendar in calendars:
        noon = datetime.combine(today, time(12), calendar.tz)
        lookback = (add_deadline(noon, amount, unit, calendar) - noon).days * 2 + 21
        for back in range(lookback + 1):
            day = today - timedelta(days=back)
            midnight = datetime.combine(day, time(0), calendar.tz)
            if unit is DeadlineUnit.HOURS:
                starts = [midnight + timedelta(hours=hour) for hour in range(24)]
                durations = [add_deadline(start, amount, unit, calendar) - start for start in starts]
            else:
                due = add_deadline(midnight + timedelta(hours=12), amount, unit, calendar)
                durations = [due - midnight, due - (midnight + timedelta(days=1))]
            shortest, longest = min(shortest, *durations), max(longest, *durations)
    margin = BAND_MARGIN_HOURS if unit is DeadlineUnit.HOURS else BAND_MARGIN_DAYS
    return max(shortest - margin, timedelta(0)), longest + margin


def reminder_bands(spans: dict[tuple[int, str], tuple[int, ...]], rules: dict[int, BodyRule], now: datetime):
    calendars = tuple(
        sorted(
            {item.calendar for item in rules.values()},
            key=lambda c: (sorted(c.weekdays), sorted(c.closed_days), c.subdivision or ""),
        )
    )
    bands = []
    for (amount, unit), versions in sorted(spans.items()):
        shortest, longest = _duration_bounds(amount, unit, calendars, timezone.localdate(now))
        bands.append(Band(versions, shortest, longest))
    return bands


# --------------------------------------------------------------------------- SQL


@dataclass
class Fragment:
    """A piece of SQL and its parameters, in order."""

    sql: str
    params: list = field(default_factory=list)


@lru_cache(maxsize=8)
def _epoch(column: str) -> str:
    """Seconds since the epoch of a datetime column of the fiche, per vendor."""
    if _vendor() == "postgresql":
        return f"EXTRACT(EPOCH FROM f.{_q(column)})"
    return f"((julianday(f.{_q(column)}) - 2440587.5) * 86400.0)"


@lru_cache(maxsize=8)
def _select_head(
    vendor: str, statuses: tuple[str, ...], status_indexed: bool = True, index: str | None = None
) -> str:
    """``status_indexed=False``: on SQLite, "+" keeps the status a filter, so that a range
    of new ids reads the primary key (the planner, not knowing the range is a few rows,
    would read every open fiche of each status by a status index instead). ``index``: on
    SQLite, the index to read (``INDEXED BY``), for a select the planner gets wrong."""
    marks = ", ".join(["%s"] * len(statuses))
    status = f"f.{_q('status')}" if status_indexed or vendor != "sqlite" else f"+f.{_q('status')}"
    indexed = f" INDEXED BY {_q(index)}" if index and vendor == "sqlite" else ""
    return (
        f"SELECT f.{_q('id')} AS fiche_id, %s AS kind, f.{_q('due_at')} AS due_at, "  # noqa: S608
        f"f.{_q('cell_id')} AS cell_id FROM {_table(Fiche)} f{indexed} WHERE {status} IN ({marks})"
    )


@lru_cache(maxsize=8)
def _not_alerted(vendor: str) -> str:
    return (
        f" AND NOT EXISTS (SELECT 1 FROM {_table(Alert)} a WHERE a.{_q('fiche_id')} = f.{_q('id')} "  # noqa: S608
        f"AND a.{_q('kind')} = %s AND a.{_q('due_at')} = f.{_q('due_at')})"
    )


@dataclass
class BodyPart:
    """One body's share of one kind: its threshold, the lower bound of its window (None:
    no watermark yet, the window is the whole backlog) and its new-cycle marks."""

    threshold: Fragment
    lower: Fragment | None
    since: datetime | None
    id_mark: int | None


@dataclass
class KindPart:
    """One kind of alert: the range of the window on ``column`` and the bodies' parts."""

    kind: str
    statuses: tuple[str, ...]
    column: str
    ranges: list[tuple[datetime | None, datetime]] = field(default_factory=list)
    bodies: list[BodyPart] = field(default_factory=list)
    extra: Fragment | None = None  # a condition on every select (the reminder's bands)
    index: str | None = None  # the index the window's select reads on SQLite (the bands)

    def _select(
        self,
        condition: Fragment,
        bodies: list[Fragment],
        status_indexed: bool = True,
        index: str | None = None,
    ) -> Fragment:
        sql = _select_head(_vendor(), self.statuses, status_indexed, index) + condition.sql
        params = [self.kind, *self.statuses, *condition.params]
        if self.extra:
            sql += self.extra.sql
            params += self.extra.params
        sql += " AND (" + " OR ".join(f"({body.sql})" for body in bodies) + ")"
        for body in bodies:
            params += body.params
        return Fragment(sql + _not_alerted(_vendor()), [*params, self.kind])

    def selects(self, now: datetime) -> list[Fragment]:
        """The window, the new cycles and the new ids: each one index range."""
        if not self.bodies:
            return []
        column = f"f.{_q(self.column)}"
        parts = []
        for lower, upper in self.ranges:
            # two-sided ranges: with a lower bound only, SQLite prefers the body_id index
            if lower is None:
                window = Fragment(f" AND {column} < %s", [_db(upper)])
            else:
                window = Fragment(f" AND {column} >= %s AND {column} < %s", [_db(lower), _db(upper)])
            bodies = [
                Fragment(
                    body.threshold.sql + (f" AND {body.lower.sql}" if body.lower else ""),
                    body.threshold.params + (body.lower.params if body.lower else []),
                )
                for body in self.bodies
            ]
            parts.append(self._select(window, bodies, index=self.index))
        started = f"f.{_q('cycle_started_at')}"
        cycles = [body for body in self.bodies if body.since is not None]
        if cycles:
            since = min(body.since for body in cycles)
            parts.append(
                self._select(
                    Fragment(f" AND {started} >= %s AND {started} <= %s", [_db(since), _db(now)]),
                    [
                        Fragment(
                            f"{body.threshold.sql} AND {started} >= %s",
                            [*body.threshold.params, _db(body.since)],
                        )
                        for body in cycles
                    ],
                )
            )
        ids = [body for body in self.bodies if body.id_mark is not None]
        if ids:
            pk = f"f.{_q('id')}"
            parts.append(
                self._select(
                    Fragment(
                        f" AND {pk} >= %s AND {pk} <= %s", [min(body.id_mark for body in ids) + 1, MAX_ID]
                    ),
                    [
                        Fragment(
                            f"{body.threshold.sql} AND {pk} > %s", [*body.threshold.params, body.id_mark]
                        )
                        for body in ids
                    ],
                    status_indexed=False,
                )
            )
        return parts


def _column_before(column: str, upper: datetime, body_id: int) -> Fragment:
    return Fragment(f"f.{_q('body_id')} = %s AND f.{_q(column)} < %s", [body_id, _db(upper)])


def _column_from(column: str, lower: datetime | None) -> Fragment | None:
    return None if lower is None else Fragment(f"f.{_q(column)} >= %s", [_db(lower)])


def overdue_part(body_id: int, rule: Rule, now: datetime) -> tuple[Fragment, Fragment | None]:
    """Overdue: due before now, since the watermark."""
    return _column_before("due_at", now, body_id), _column_from("due_at", rule.overdue_upto)


def escalation_part(body_id: int, rule: Rule, cutoff: datetime) -> tuple[Fragment, Fragment | None]:
    """Escalation: due before the body's cut-off (N working days ago), since the watermark."""
    return _column_before("due_at", cutoff, body_id), _column_from("due_at", rule.escalation_upto)


def unack_part(body_id: int, rule: Rule, limit: datetime) -> tuple[Fragment, Fragment | None]:
    """Not acknowledged: cycle started before the limit, since the watermark."""
    return _column_before("cycle_started_at", limit, body_id), _column_from(
        "cycle_started_at", rule.unack_upto
    )


def reminder_part(body_id: int, rule: Rule, now: datetime) -> tuple[Fragment, Fragment | None]:
    """Reminder: ``start + share × (due − start)`` has passed, the due date has not."""
    share = rule.reminder_percent / 100
    remind_at = f"({_epoch('due_at')} * %s + {_epoch('cycle_started_at')} * %s)"
    threshold = Fragment(
        f"f.{_q('body_id')} = %s AND f.{_q('due_at')} >= %s AND {remind_at} <= %s",
        [body_id, _db(now), share, 1 - share, now.timestamp()],
    )
    lower = None
    if rule.reminder_upto is not None:
        lower = Fragment(f"{remind_at} >= %s", [share, 1 - share, rule.reminder_upto.timestamp()])
    return threshold, lower


def reminder_ranges(bands: list[Band], lowest: datetime | None, now: datetime, shares: list[float]):
    """One range of due dates per band: a reminder crossed in [lowest, now] means a due
    date in [lowest + (1 − share) × shortest, now + (1 − share) × longest]."""
    ranges = []
    for band in bands:
        lower = None if lowest is None else lowest + (1 - max(shares)) * band.shortest
        lower = now if lower is None else max(lower, now)
        ranges.append((band, lower, now + (1 - min(shares)) * band.longest + timedelta(seconds=1)))
    return ranges


@dataclass
class Plan:
    """What one sweep selects, and the watermarks to store."""

    parts: list[KindPart] = field(default_factory=list)
    marks: dict[int, dict[str, datetime]] = field(default_factory=dict)


def candidates(now: datetime, rules: dict[int, BodyRule], bands: list[Band] | None = None) -> Plan:
    """For each alert kind, the fiches that need it now (not yet alerted for this cycle).

    Bodies closed today (weekend, public holiday, closed day) are skipped and their
    watermarks kept, so their alerts go out on the next day they work.
    """
    plan = Plan()
    overdue = KindPart(AlertKind.OVERDUE, CELL_STATUSES, "due_at")
    escalation = KindPart(AlertKind.ESCALATION, CELL_STATUSES, "due_at")
    unack = KindPart(AlertKind.UNACKNOWLEDGED, UNACKNOWLEDGED_STATUSES, "cycle_started_at")
    reminder = KindPart(AlertKind.REMINDER, CELL_STATUSES, "due_at")
    reminder_lows: list[datetime | None] = []
    shares: list[float] = []

    def add(part: KindPart, pair, lower_at, upper_at, rule: Rule) -> None:
        threshold, lower = pair
        if rule.cycle_upto is None:  # bodies swept before cycle marks existed: one full look
            lower, lower_at = None, None
        part.ranges.append((lower_at if lower is not None else None, upper_at))
        since = id_mark = None
        if lower is not None:
            since = rule.cycle_upto - MARGIN
            id_mark = rule.fiche_id_upto
        part.bodies.append(BodyPart(threshold, lower, since, id_mark))

    for pk, item in rules.items():
        rule, calendar = item.rule, item.calendar
        if not calendar.is_open(timezone.localtime(now, calendar.tz).date()):
            continue
        marks = plan.marks.setdefault(pk, {"cycle_upto": now})
        if rule.overdue_alert:
            add(overdue, overdue_part(pk, rule, now), rule.overdue_upto, now, rule)
            marks["overdue_upto"] = now
        if rule.escalation_days:
            cutoff = escalation_cutoff(now, rule.escalation_days, calendar)
            add(escalation, escalation_part(pk, rule, cutoff), rule.escalation_upto, cutoff, rule)
            marks["escalation_upto"] = cutoff
        if rule.unacknowledged_hours:
            limit = now - timedelta(hours=rule.unacknowledged_hours)
            add(unack, unack_part(pk, rule, limit), rule.unack_upto, limit, rule)
            marks["unack_upto"] = limit
        if rule.reminder_percent:
            add(reminder, reminder_part(pk, rule, now), None, now, rule)
            reminder_lows.append(rule.reminder_upto if rule.cycle_upto else None)
            shares.append(rule.reminder_percent / 100)
            marks["reminder_upto"] = now
    for part in (overdue, escalation, unack):
        part.ranges = [_union(part.ranges)] if part.ranges else []
    plan.parts += [overdue, escalation, unack]
    if reminder.bodies:
        lows = [low for low in reminder_lows if low is not None]
        band_ranges = reminder_ranges(bands or [], min(lows) if lows else None, now, shares)
        plan.parts += _banded(reminder, band_ranges, now)
    return plan


def _union(ranges: list[tuple[datetime | None, datetime]]) -> tuple[datetime | None, datetime]:
    lowers = [lower for lower, _upper in ranges]
    return (None if None in lowers else min(lowers)), max(upper for _lower, upper in ranges)


@lru_cache(maxsize=1)
def _type_due_index() -> str | None:
    """The name of ``Fiche``'s index on (status, request_type, due_at), if it has one: then
    each band reads only the fiches of its own deadline. SQLite is told to read it
    (without statistics it chose the request type's own index for a band of two types:
    every fiche of both types, 300 ms a sweep at a million fiches)."""
    return next(
        (
            index.name
            for index in Fiche._meta.indexes
            if list(index.fields[:3]) == ["status", "request_type", "due_at"]
        ),
        None,
    )


def _banded(reminder: KindPart, band_ranges, now: datetime) -> list[KindPart]:
    """The reminder's window as one select per deadline band (its versions, its range of
    due dates) for the bodies with a watermark; one select of the whole window for the
    bodies without one; and the new cycles and ids (any version)."""
    parts = []
    rt = f"f.{_q('request_type_id')}"
    marked = [body for body in reminder.bodies if body.lower is not None]
    if marked:
        for band, lower, upper in band_ranges:
            window = KindPart(reminder.kind, reminder.statuses, "due_at", [(lower, upper)])
            window.bodies = [BodyPart(body.threshold, body.lower, None, None) for body in marked]
            marks = ", ".join(["%s"] * len(band.versions))
            # Without an index on (status, request_type, due_at), "+" makes the type a
            # filter: SQLite would otherwise read every fiche of the type by its FK index.
            column = rt if _type_due_index() else f"+{rt}"
            window.extra = Fragment(f" AND {column} IN ({marks})", list(band.versions))
            window.index = _type_due_index()
            parts.append(window)
        news = KindPart(reminder.kind, reminder.statuses, "due_at")
        news.bodies = marked
        parts.append(news)
    full = [body for body in reminder.bodies if body.lower is None]
    if full:
        parts.append(KindPart(reminder.kind, reminder.statuses, "due_at", [(None, END_OF_TIME)], full))
    return parts


@lru_cache(maxsize=8)
def _insert_sql(vendor: str) -> tuple[str, str]:
    columns = ", ".join(_q(name) for name in ("fiche_id", "kind", "due_at", "cell_id", "run", "created_at"))
    return (
        f"INSERT INTO {_table(Alert)} ({columns}) "  # noqa: S608
        "SELECT c.fiche_id, c.kind, c.due_at, c.cell_id, %s, %s FROM (",
        f") c WHERE 1 = 1 ON CONFLICT DO NOTHING RETURNING {_q('kind')}, {_q('cell_id')}",
    )


def insert_alerts(parts: list[KindPart], run: str, now: datetime) -> list[tuple[str, int]]:
    """One INSERT … SELECT … UNION ALL … ON CONFLICT DO NOTHING for every candidate; the
    (kind, cell) of each alert inserted by this run."""
    selects = [select for part in parts for select in part.selects(now)]
    if not selects:
        return []  # nothing can match (no body open today, rules disabled)
    head, tail = _insert_sql(_vendor())
    params: list = [run, _db(now)]
    for select in selects:
        params += select.params
    with connection.cursor() as cursor:
        cursor.execute(head + " UNION ALL ".join(select.sql for select in selects) + tail, params)
        return cursor.fetchall()


# --------------------------------------------------------------------------- marks


def store_marks(marks: dict[int, dict[str, datetime]], rules: dict[int, BodyRule], now: datetime) -> None:
    """One UPDATE for every body swept: watermarks (forward only, when sweeps overlap),
    cycle mark and the lagging id mark."""
    if not marks:
        return
    body = _q("body_id")
    sets: list[str] = []
    params: list = []
    for name in MARK_FIELDS:
        values = [(pk, moment[name]) for pk, moment in marks.items() if name in moment]
        if not values:
            continue
        column = _q(name)
        whens = []
        for pk, moment in values:
            whens.append(f"WHEN {body} = %s AND ({column} IS NULL OR {column} < %s) THEN %s")
            params += [pk, _db(moment), _db(moment)]
        sets.append(f"{column} = CASE {' '.join(whens)} ELSE {column} END")
    # The id mark: the highest id seen by a sweep at least MARGIN ago (the first time,
    # the highest id now), so that a fiche committed late with a lower id is not missed.
    roll = [
        pk
        for pk in marks
        if rules[pk].rule.fiche_id_seen_at is None or rules[pk].rule.fiche_id_seen_at <= now - MARGIN
    ]
    if roll:
        latest = f"(SELECT MAX({_q('id')}) FROM {_table(Fiche)})"  # noqa: S608
        rolled = f"{body} IN ({', '.join(['%s'] * len(roll))})"
        upto, seen, seen_at = _q("fiche_id_upto"), _q("fiche_id_seen"), _q("fiche_id_seen_at")
        sets.append(f"{upto} = CASE WHEN {rolled} THEN COALESCE({seen}, {latest}) ELSE {upto} END")
        sets.append(f"{seen} = CASE WHEN {rolled} THEN {latest} ELSE {seen} END")
        sets.append(f"{seen_at} = CASE WHEN {rolled} THEN %s ELSE {seen_at} END")
        params += [*roll, *roll, *roll, _db(now)]
    where = f"{body} IN ({', '.join(['%s'] * len(marks))})"
    with connection.cursor() as cursor:
        sql = f"UPDATE {_table(ReminderRule)} SET {', '.join(sets)} WHERE {where}"  # noqa: S608
        cursor.execute(sql, [*params, *marks])


# --------------------------------------------------------------------------- run


def run_sweep(now: datetime | None = None) -> SweepResult:
    """Record the alerts due now and enqueue their e-mails (one task per cell)."""
    from followup.tasks import send_cell_alerts

    now = now or timezone.now()
    result = SweepResult(run=uuid.uuid4().hex)
    rules = load_rules()
    bands = (
        reminder_bands(deadlines(), rules, now)
        if any(i.rule.reminder_percent for i in rules.values())
        else []
    )
    plan = candidates(now, rules, bands)
    # One transaction: the alerts, the marks and (database task backend) the tasks that
    # send them are committed together, in one commit.
    with transaction.atomic():
        counts = Counter(insert_alerts(plan.parts, result.run, now))
        store_marks(plan.marks, rules, now)
        for cell_id in sorted({cell_id for _kind, cell_id in counts}):
            send_cell_alerts.enqueue(result.run, cell_id)
            result.tasks += 1
    for (kind, _cell_id), count in counts.items():
        result.inserted[kind] = result.inserted.get(kind, 0) + count
    return result
