"""The SLA sweep: select with set-based SQL the fiches that need a reminder, an overdue
alert, an escalation or an unacknowledged alert, record each alert once, send by task.

Idempotency: every candidate of every kind is inserted by ONE ``INSERT … SELECT … UNION
ALL … ON CONFLICT DO NOTHING`` tagged with this run's id; the unique constraint (fiche,
kind, due date) makes the database the arbiter, so two overlapping sweeps never insert
the same alert twice. A new deadline (re-routing, reopening) is a new due date, hence a
new cycle of alerts. Each run then sends only the rows tagged with its own id, with one
task per cell. The number of queries depends on nothing but the configuration (about
six per run plus one task per cell alerted), never on the number of fiches.

Selection, for each kind and each body open today, is the union of two index ranges:

* the *window*: fiches whose threshold was crossed since the body's watermark (what the
  previous sweeps covered), a range on ``due_at`` or ``cycle_started_at``;
* the *new cycles*: fiches whose deadline cycle started since the previous sweep (minus
  a margin, ``(status, cycle_started_at)`` index) or whose id is new (back-dated
  imports), whatever their threshold: a fiche reopened or re-routed, or created with a
  due date already in the past, is not lost behind the watermark.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from fiches.models import Fiche, Status
from followup.clock import escalation_cutoff
from followup.models import Alert, AlertKind, ReminderRule
from organisations.models import Body
from worktime import WorkCalendar

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
NOTHING = Q(pk__in=[])


class Epoch(Func):
    """Seconds since the epoch of a datetime column, on SQLite and PostgreSQL."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)", **extra
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)", **extra)


@dataclass
class BodyRule:
    rule: ReminderRule
    calendar: WorkCalendar


def load_rules() -> dict[int, BodyRule]:
    """Every body's rule and calendar in two queries, creating the missing default rules."""
    bodies = list(Body.objects.select_related("reminder_rule").prefetch_related("closed_days"))
    missing = [body for body in bodies if not hasattr(body, "reminder_rule")]
    if missing:
        ReminderRule.objects.bulk_create([ReminderRule(body=body) for body in missing], ignore_conflicts=True)
        bodies = list(Body.objects.select_related("reminder_rule").prefetch_related("closed_days"))
    return {
        body.pk: BodyRule(
            body.reminder_rule,
            WorkCalendar(
                weekdays=body.weekday_set(),
                closed_days=frozenset(day.day for day in body.closed_days.all()),
                subdivision=body.holiday_subdivision or None,
            ),
        )
        for body in bodies
    }


def ensure_rules() -> dict[int, ReminderRule]:
    """Every body's rule, creating the default one for bodies that have none."""
    return {pk: item.rule for pk, item in load_rules().items()}


@dataclass
class SweepResult:
    run: str
    inserted: dict[str, int] = field(default_factory=dict)
    tasks: int = 0

    @property
    def total(self) -> int:
        return sum(self.inserted.values())


def longest_deadline(now: datetime) -> timedelta:
    """An upper bound of (due date - start) over the request types in force, with a margin
    for calendars and older versions: it bounds the window of possible reminders."""
    from catalogue.models import RequestTypeVersion
    from worktime import DeadlineUnit, add_deadline

    longest = timedelta(days=1)
    spans = set(RequestTypeVersion.objects.published().values_list("deadline_amount", "deadline_unit"))
    calendar = WorkCalendar()
    for amount, unit in spans:
        longest = max(longest, add_deadline(now, amount, DeadlineUnit(unit), calendar) - now)
    return longest * 1.25 + timedelta(days=4)


@dataclass
class Part:
    """One kind of alert: per-body conditions of the window and of the new cycles.

    Three selects, each an index range: the window (``due_at`` or ``cycle_started_at``),
    the cycles started since the previous sweep (``cycle_started_at``), the new ids.
    Kept apart because an OR across columns makes the planners give up the indexes.
    """

    window: Q = NOTHING
    window_lowers: list[datetime | None] = field(default_factory=list)
    window_uppers: list[datetime] = field(default_factory=list)
    cycles: Q = NOTHING
    cycle_lowers: list[datetime] = field(default_factory=list)
    ids: Q = NOTHING
    id_lowers: list[int] = field(default_factory=list)
    everything: Q = NOTHING  # bodies swept before cycle marks existed: one full look

    def add(self, body: Q, threshold: Q, lower: Q | None, lower_at, upper_at, rule: ReminderRule) -> None:
        """``threshold`` is crossed; ``lower`` bounds it below by the watermark (None: no
        watermark yet, the window covers the whole backlog and no new-cycle part is needed)."""
        self.window |= body & threshold & (lower if lower is not None else Q())
        self.window_lowers.append(lower_at)
        self.window_uppers.append(upper_at)
        if lower is None:
            return
        if rule.cycle_upto is None:
            self.everything |= body & threshold
            return
        since = rule.cycle_upto - MARGIN
        self.cycles |= body & threshold & Q(cycle_started_at__gte=since)
        self.cycle_lowers.append(since)
        if rule.fiche_id_upto is not None:
            self.ids |= body & threshold & Q(pk__gt=rule.fiche_id_upto)
            self.id_lowers.append(rule.fiche_id_upto)

    def window_range(self, field_name: str) -> Q:
        """The union of the bodies' windows as one range on an indexed column."""
        if not self.window_uppers:
            return NOTHING
        condition = Q(**{f"{field_name}__lt": max(self.window_uppers)})
        if None not in self.window_lowers:
            condition &= Q(**{f"{field_name}__gte": min(self.window_lowers)})
        return condition

    def selects(self, queryset: QuerySet[Fiche], field_name: str, now: datetime) -> list[QuerySet[Fiche]]:
        # two-sided ranges: with a lower bound only, SQLite prefers the body_id index
        parts = [queryset.filter(self.window_range(field_name), self.window)]
        if self.cycle_lowers:
            since = min(self.cycle_lowers)
            parts.append(queryset.filter(self.cycles, cycle_started_at__range=(since, now)))
        if self.id_lowers:
            parts.append(queryset.filter(self.ids, pk__range=(min(self.id_lowers) + 1, 2**62)))
        if self.everything != NOTHING:
            parts.append(queryset.filter(self.everything))
        return parts


def not_alerted(queryset: QuerySet[Fiche], kind: str) -> QuerySet[Fiche]:
    done = Alert.objects.filter(fiche=OuterRef("pk"), kind=kind, due_at=OuterRef("due_at"))
    return queryset.filter(~Exists(done))


@dataclass
class Plan:
    """What one sweep selects: querysets per alert kind, and the watermarks to store."""

    querysets: list[tuple[str, QuerySet[Fiche]]] = field(default_factory=list)
    marks: dict[int, dict[str, datetime]] = field(default_factory=dict)


def candidates(now: datetime, rules: dict[int, BodyRule]) -> Plan:
    """For each alert kind, the fiches that need it now (not yet alerted for this cycle).

    Bodies closed today (weekend, public holiday, closed day) are skipped and their
    watermarks kept, so their alerts go out on the next day they work.
    """
    plan = Plan()
    base = Fiche.objects.filter(status__in=CELL_STATUSES)
    overdue, escalation, unack, reminder = Part(), Part(), Part(), Part()
    shares = []
    span = None
    for pk, item in rules.items():
        rule, calendar = item.rule, item.calendar
        if not calendar.is_open(timezone.localtime(now, calendar.tz).date()):
            continue
        marks = plan.marks.setdefault(pk, {"cycle_upto": now})
        body = Q(body_id=pk)
        if rule.overdue_alert:
            lower = Q(due_at__gte=rule.overdue_upto) if rule.overdue_upto else None
            overdue.add(body, Q(due_at__lt=now), lower, rule.overdue_upto, now, rule)
            marks["overdue_upto"] = now
        if rule.escalation_days:
            cutoff = escalation_cutoff(now, rule.escalation_days, calendar)
            lower = Q(due_at__gte=rule.escalation_upto) if rule.escalation_upto else None
            escalation.add(body, Q(due_at__lt=cutoff), lower, rule.escalation_upto, cutoff, rule)
            marks["escalation_upto"] = cutoff
        if rule.unacknowledged_hours:
            limit = now - timedelta(hours=rule.unacknowledged_hours)
            lower = Q(cycle_started_at__gte=rule.unack_upto) if rule.unack_upto else None
            unack.add(body, Q(cycle_started_at__lt=limit), lower, rule.unack_upto, limit, rule)
            marks["unack_upto"] = limit
        if rule.reminder_percent:
            span = span or longest_deadline(now)
            share = rule.reminder_percent / 100
            # start <= remind_at <= due_at <= remind_at + (1 - share) * span
            lower = Q(remind_at__gte=rule.reminder_upto.timestamp()) if rule.reminder_upto else None
            threshold = Q(remind_at__lte=now.timestamp(), due_at__lt=now + span * (1 - share))
            reminder.add(body, threshold, lower, now, now + span * (1 - share), rule)
            shares.append(When(body_id=pk, then=Value(share)))
            marks["reminder_upto"] = now

    def both(kind: str, queryset: QuerySet[Fiche], part: Part, field_name: str) -> None:
        plan.querysets += [
            (kind, not_alerted(select, kind)) for select in part.selects(queryset, field_name, now)
        ]

    both(AlertKind.OVERDUE, base, overdue, "due_at")
    both(AlertKind.ESCALATION, base, escalation, "due_at")
    both(AlertKind.UNACKNOWLEDGED, base.filter(status__in=UNACKNOWLEDGED_STATUSES), unack, "cycle_started_at")
    if shares:
        share_of = Case(*shares, default=Value(2.0), output_field=FloatField())
        remind = (
            base.filter(due_at__gte=now)
            .alias(share=share_of)
            .alias(
                remind_at=Epoch("due_at") * F("share") + Epoch("cycle_started_at") * (Value(1.0) - F("share"))
            )
        )
        # the reminder's window is on due_at: [now, now + (1 - share) * span)
        reminder.window_lowers = [now]
        both(AlertKind.REMINDER, remind, reminder, "due_at")
    return plan


def _forward(name: str, values: dict[int, object]) -> Case:
    """Per body, move a mark forward (never back, when sweeps overlap)."""
    return Case(
        *(
            When(
                Q(body_id=pk) & (Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__lt": value})),
                then=Value(value),
            )
            for pk, value in values.items()
        ),
        default=F(name),
    )


def store_marks(marks: dict[int, dict[str, datetime]], rules: dict[int, BodyRule], now: datetime) -> None:
    """One UPDATE for every body swept: watermarks, cycle mark and the lagging id mark."""
    if not marks:
        return
    by_field: dict[str, dict[int, datetime]] = {}
    for pk, values in marks.items():
        for name, moment in values.items():
            by_field.setdefault(name, {})[pk] = moment
    update: dict[str, object] = {name: _forward(name, values) for name, values in by_field.items()}
    # The id mark: the highest id seen by a sweep at least MARGIN ago (the first time,
    # the highest id now), so that a fiche committed late with a lower id is not missed.
    latest = Subquery(Fiche.objects.order_by("-pk").values("pk")[:1])
    roll = [
        pk
        for pk in marks
        if rules[pk].rule.fiche_id_seen_at is None or rules[pk].rule.fiche_id_seen_at <= now - MARGIN
    ]
    if roll:
        update["fiche_id_upto"] = Case(
            When(body_id__in=roll, fiche_id_seen__isnull=True, then=latest),
            When(body_id__in=roll, then=F("fiche_id_seen")),
            default=F("fiche_id_upto"),
        )
        update["fiche_id_seen"] = Case(When(body_id__in=roll, then=latest), default=F("fiche_id_seen"))
        update["fiche_id_seen_at"] = Case(
            When(body_id__in=roll, then=Value(now)),
            default=F("fiche_id_seen_at"),
            output_field=DateTimeField(),
        )
    ReminderRule.objects.filter(body_id__in=list(marks)).update(**update)


def insert_alerts(querysets: list[tuple[str, QuerySet[Fiche]]], run: str, now: datetime) -> None:
    """One INSERT … SELECT … UNION ALL … ON CONFLICT DO NOTHING for every candidate."""
    selects = [
        queryset.order_by()
        .annotate(
            _fiche=F("pk"),
            _kind=Value(kind),
            _due=F("due_at"),
            _cell=F("cell_id"),
            _run=Value(run),
            _at=Value(now, output_field=DateTimeField()),
        )
        .values_list("_fiche", "_kind", "_due", "_cell", "_run", "_at")
        for kind, queryset in querysets
    ]
    if not selects:
        return
    union = selects[0].union(*selects[1:], all=True) if len(selects) > 1 else selects[0]
    try:
        sql, params = union.query.sql_with_params()
    except EmptyResultSet:
        return  # nothing can match (no body open today, rules disabled)
    table = connection.ops.quote_name(Alert._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (fiche_id, kind, due_at, cell_id, run, created_at) "  # noqa: S608
            f"SELECT * FROM ({sql}) candidates WHERE 1 = 1 ON CONFLICT DO NOTHING",
            params,
        )


def run_sweep(now: datetime | None = None) -> SweepResult:
    """Record the alerts due now and enqueue their e-mails (one task per cell)."""
    from followup.tasks import send_cell_alerts

    now = now or timezone.now()
    result = SweepResult(run=uuid.uuid4().hex)
    rules = load_rules()
    plan = candidates(now, rules)
    with transaction.atomic():
        insert_alerts(plan.querysets, result.run, now)
        store_marks(plan.marks, rules, now)
        groups = list(
            Alert.objects.filter(run=result.run)
            .order_by()
            .values_list("kind", "cell_id")
            .annotate(count=Count("id"))
        )
    cells = set()
    for kind, cell_id, count in groups:
        result.inserted[kind] = result.inserted.get(kind, 0) + count
        cells.add(cell_id)
    for cell_id in sorted(cells):
        send_cell_alerts.enqueue(result.run, cell_id)
        result.tasks += 1
    return result
