"""The SLA sweep: select with set-based SQL the fiches that need a reminder, an overdue
alert, an escalation or an unacknowledged alert, record each alert once, send by task.

Idempotency: each kind of alert is inserted with one ``INSERT … SELECT … ON CONFLICT DO
NOTHING`` tagged with this run's id; the unique constraint (fiche, kind, due date) makes
the database the arbiter, so two overlapping sweeps never insert the same alert twice.
Each run then sends only the rows tagged with its own id. The number of queries depends
on the number of bodies and cells, never on the number of fiches.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
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

from fiches.models import Event, Fiche, Status
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


class Epoch(Func):
    """Seconds since the epoch of a datetime column, on SQLite and PostgreSQL."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)", **extra
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)", **extra)


def cycle_start() -> Case:
    """When the current deadline cycle started: creation, or the last re-routing."""
    last_reroute = (
        Event.objects.filter(fiche=OuterRef("pk"), kind=Event.Kind.REROUTE).order_by("-at").values("at")[:1]
    )
    return Case(
        When(reroute_count=0, then=F("created_at")),
        default=Subquery(last_reroute),
        output_field=DateTimeField(),
    )


def ensure_rules() -> dict[int, ReminderRule]:
    """Every body's rule, creating the default one for bodies that have none."""
    bodies = list(Body.objects.values_list("pk", flat=True))
    ReminderRule.objects.bulk_create([ReminderRule(body_id=pk) for pk in bodies], ignore_conflicts=True)
    return {rule.body_id: rule for rule in ReminderRule.objects.select_related("body")}


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
class Plan:
    """What one sweep selects: querysets per alert kind, and the watermarks to store."""

    querysets: list[tuple[str, QuerySet[Fiche]]] = field(default_factory=list)
    marks: dict[int, dict[str, datetime]] = field(default_factory=dict)


def window(field_name: str, lower: datetime | None, upper: datetime) -> Q:
    condition = Q(**{f"{field_name}__lt": upper})
    return condition & Q(**{f"{field_name}__gte": lower}) if lower else condition


def candidates(now: datetime, rules: dict[int, ReminderRule]) -> Plan:
    """For each alert kind, the fiches that need it now (not yet alerted for this cycle).

    Each rule becomes a range condition on an indexed column, bounded below by the
    body's watermark (what the previous sweeps covered): a steady sweep reads only the
    fiches whose threshold was crossed since the last run, not the whole backlog. Bodies
    closed today (weekend, public holiday, closed day) are skipped and their watermarks
    kept, so their alerts go out on the next day they work.
    """
    plan = Plan()
    base = Fiche.objects.filter(status__in=CELL_STATUSES)

    def fresh(queryset: QuerySet[Fiche], kind: str) -> QuerySet[Fiche]:
        done = Alert.objects.filter(fiche=OuterRef("pk"), kind=kind, due_at=OuterRef("due_at"))
        return queryset.filter(~Exists(done))

    overdue, escalation, unack, unack_rerouted, reminder = (Q(pk__in=[]) for _ in range(5))
    bounds: dict[str, list[tuple[datetime | None, datetime]]] = defaultdict(list)
    shares = []
    span = None
    for pk, rule in rules.items():
        calendar = rule.body.calendar()
        if not calendar.is_open(timezone.localtime(now, calendar.tz).date()):
            continue
        marks = plan.marks.setdefault(pk, {})
        body = Q(body_id=pk)
        if rule.overdue_alert:
            overdue |= body & window("due_at", rule.overdue_upto, now)
            bounds["overdue"].append((rule.overdue_upto, now))
            marks["overdue_upto"] = now
        if rule.escalation_days:
            cutoff = escalation_cutoff(now, rule.escalation_days, calendar)
            escalation |= body & window("due_at", rule.escalation_upto, cutoff)
            bounds["escalation"].append((rule.escalation_upto, cutoff))
            marks["escalation_upto"] = cutoff
        if rule.unacknowledged_hours:
            limit = now - timedelta(hours=rule.unacknowledged_hours)
            unack |= body & window("created_at", rule.unack_upto, limit)
            unack_rerouted |= body & window("started", rule.unack_upto, limit)
            bounds["unack"].append((rule.unack_upto, limit))
            marks["unack_upto"] = limit
        if rule.reminder_percent:
            span = span or longest_deadline(now)
            share = rule.reminder_percent / 100
            # remind_at <= due_at <= remind_at + (1 - share) * span
            upper_due = now + span * (1 - share)
            reminder |= body & Q(due_at__lt=upper_due)
            if rule.reminder_upto:
                reminder &= ~body | Q(remind_at__gte=rule.reminder_upto.timestamp())
            bounds["reminder"].append((now, upper_due))
            shares.append(When(body_id=pk, then=Value(share)))
            marks["reminder_upto"] = now

    def due_since(kind: str) -> Q:
        lowers = [low for low, _high in bounds[kind]]
        if not lowers:
            return Q(pk__in=[])
        return Q() if None in lowers else Q(due_at__gte=min(lowers))

    def outer(kind: str, field_name: str) -> Q:
        """The union of the bodies' windows as one range on an indexed column."""
        pairs = bounds[kind]
        if not pairs:
            return Q(pk__in=[])
        lowers = [low for low, _high in pairs]
        return window(field_name, None if None in lowers else min(lowers), max(h for _l, h in pairs))

    plan.querysets.append(
        (AlertKind.OVERDUE, fresh(base.filter(outer("overdue", "due_at"), overdue), AlertKind.OVERDUE))
    )
    plan.querysets.append(
        (
            AlertKind.ESCALATION,
            fresh(base.filter(outer("escalation", "due_at"), escalation), AlertKind.ESCALATION),
        )
    )
    unacknowledged = base.filter(status=Status.TRANSMITTED, acknowledged_at__isnull=True)
    plan.querysets.append(
        (
            AlertKind.UNACKNOWLEDGED,
            fresh(
                unacknowledged.filter(outer("unack", "created_at"), unack, reroute_count=0),
                AlertKind.UNACKNOWLEDGED,
            ),
        )
    )
    plan.querysets.append(
        (
            AlertKind.UNACKNOWLEDGED,
            fresh(
                # the new due date follows the re-routing: due_at >= start of the cycle
                unacknowledged.filter(due_since("unack"), reroute_count__gt=0)
                .alias(started=cycle_start())
                .filter(unack_rerouted),
                AlertKind.UNACKNOWLEDGED,
            ),
        )
    )
    if shares:
        share_of = Case(*shares, default=Value(2.0), output_field=FloatField())
        remind = (
            base.alias(share=share_of, started=cycle_start())
            .alias(remind_at=Epoch("due_at") * F("share") + Epoch("started") * (Value(1.0) - F("share")))
            .filter(outer("reminder", "due_at"))
            .filter(reminder, remind_at__lte=now.timestamp())
        )
        plan.querysets.append((AlertKind.REMINDER, fresh(remind, AlertKind.REMINDER)))
    return plan


def store_marks(marks: dict[int, dict[str, datetime]]) -> None:
    """Move each body's watermarks forward (never back, when sweeps overlap)."""
    for body_id, values in marks.items():
        if not values:
            continue
        update = {
            name: Case(
                When(**{f"{name}__isnull": True}, then=Value(moment)),
                When(**{f"{name}__lt": moment}, then=Value(moment)),
                default=F(name),
                output_field=DateTimeField(),
            )
            for name, moment in values.items()
        }
        ReminderRule.objects.filter(body_id=body_id).update(**update)


def insert_alerts(queryset: QuerySet[Fiche], kind: str, run: str, now: datetime) -> None:
    """One INSERT … SELECT … ON CONFLICT DO NOTHING for every fiche of the queryset."""
    select = (
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
    )
    try:
        sql, params = select.query.sql_with_params()
    except EmptyResultSet:
        return  # nothing can match (no body open today, rule disabled)
    table = connection.ops.quote_name(Alert._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (fiche_id, kind, due_at, cell_id, run, created_at) "  # noqa: S608
            f"{sql} ON CONFLICT DO NOTHING",
            params,
        )


def run_sweep(now: datetime | None = None) -> SweepResult:
    """Record the alerts due now and enqueue their e-mails (one task per cell and kind)."""
    from followup.tasks import send_alerts

    now = now or timezone.now()
    result = SweepResult(run=uuid.uuid4().hex)
    rules = ensure_rules()
    plan = candidates(now, rules)
    with transaction.atomic():
        for kind, queryset in plan.querysets:
            insert_alerts(queryset, kind, result.run, now)
        store_marks(plan.marks)
        groups = list(
            Alert.objects.filter(run=result.run)
            .order_by()
            .values_list("kind", "cell_id")
            .annotate(count=Count("id"))
        )
    for kind, cell_id, count in groups:
        result.inserted[kind] = result.inserted.get(kind, 0) + count
        send_alerts.enqueue(result.run, kind, cell_id)
        result.tasks += 1
    return result
