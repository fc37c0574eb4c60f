"""Reading for the follow-up: the cell's work queue, the re-routing queue, the thread,
the supervisor's board. Every query starts from ``fiches.selectors.visible_fiches``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from django.db import connection
from django.db.models import Count, DateTimeField, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone

from core.compiled import CompiledQuery
from core.dates import day_start
from fiches.models import OPEN_STATUSES, Event, Fiche, Status
from fiches.selectors import LIST_RELATED, Page, fiches_in_scope, time_page, visible_fiches
from followup.models import Hold, Intervention, Message
from followup.sweep import CELL_STATUSES
from organisations.access import Scope, scope_for
from organisations.models import Cell, Directorate, Role

UNACKNOWLEDGED = (Status.TRANSMITTED, Status.REOPENED)
ACKNOWLEDGED = (Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.WAITING)


def end_of_today(now: datetime) -> datetime:
    return day_start(timezone.localdate(now) + timedelta(days=1))


def can_use_queue(user) -> bool:
    scope = scope_for(user)
    return scope.has(Role.CORRESPONDENT, Role.MANAGER) or scope.is_supervisor


def can_see_board(user) -> bool:
    """Supervisors and managers (their fiches, with links to the lists), and the monitoring
    committee (every fiche's figures, no list: ``board_figures_only``)."""
    scope = scope_for(user)
    return scope.is_supervisor or scope.has(Role.MANAGER) or scope.has(Role.COMMITTEE)


def board_figures_only(user) -> bool:
    """A committee member who sees no fiche gets the board's counts over every fiche (like the
    service barometer, ``Scope.sees_all_service_figures``) and no link to any fiche list."""
    scope = scope_for(user)
    return not scope.sees_fiches and scope.sees_all_service_figures


def board_key(user) -> tuple[Scope, bool]:
    """What decides the board's fiches, as the key of its compiled queries: the user's scope,
    and whether they are every fiche (``board_figures_only``)."""
    return scope_for(user), board_figures_only(user)


def _fiches_of(key: tuple[Scope, bool]) -> QuerySet[Fiche]:
    scope, every_fiche = key
    return Fiche.objects.all() if every_fiche else fiches_in_scope(scope)


def can_reroute(user) -> bool:
    scope = scope_for(user)
    return scope.is_supervisor and scope.everything


def queue_base(user, cell_id: int | None = None) -> QuerySet[Fiche]:
    """Open fiches the cell must act on, within the user's scope.

    Correspondents and managers see their own cells' fiches; the call centre sees one
    cell's queue when it names it (``cell_id``), otherwise nothing.
    """
    scope = scope_for(user)
    queryset = visible_fiches(user).filter(status__in=CELL_STATUSES)
    if scope.everything:
        return queryset.filter(cell_id=cell_id) if cell_id else queryset.none()
    if cell_id:
        queryset = queryset.filter(cell_id=cell_id)
    return queryset


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""
    type_code: str = ""
    due: str = ""  # "overdue", "today", "week"
    arrondissement: int | None = None
    reference: str = ""
    cell_id: int | None = None


def apply_filters(queryset: QuerySet[Fiche], filters: QueueFilters, now: datetime) -> QuerySet[Fiche]:
    if filters.status == "unacknowledged":
        queryset = queryset.filter(status__in=UNACKNOWLEDGED)
    elif filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.type_code:
        queryset = queryset.filter(request_type__request_type__code=filters.type_code)
    if filters.due == "overdue":
        queryset = queryset.filter(due_at__lt=now)
    elif filters.due == "today":
        queryset = queryset.filter(due_at__gte=now, due_at__lt=end_of_today(now))
    elif filters.due == "week":
        queryset = queryset.filter(due_at__lt=now + timedelta(days=7))
    if filters.arrondissement:
        queryset = queryset.filter(arrondissement=filters.arrondissement)
    if filters.reference:
        queryset = queryset.filter(reference__istartswith=filters.reference.strip())
    return queryset


def queue_counters(queryset: QuerySet[Fiche], now: datetime) -> dict[str, int]:
    """New (not acknowledged), due today, overdue and waiting: one aggregate query."""
    return queryset.aggregate(
        new=Count("id", filter=Q(status__in=UNACKNOWLEDGED)),
        due_today=Count("id", filter=Q(due_at__gte=now, due_at__lt=end_of_today(now))),
        overdue=Count("id", filter=Q(due_at__lt=now)),
        waiting=Count("id", filter=Q(status=Status.WAITING)),
        total=Count("id"),
    )


@dataclass
class QueuePage:
    items: list[Fiche]
    next_cursor: str | None
    has_previous: bool


def queue_page(queryset: QuerySet[Fiche], cursor: str | None, size: int = 50) -> QueuePage:
    """Unacknowledged first, then by due date: keyset-paginated on (rank, due_at, id).

    Two cheap steps, each a constant number of queries: the ids of the page from the
    (cell, status, due_at) index, segment by segment, then those rows with their details.
    """
    position = decode_cursor(cursor) if cursor else None
    picked: list[tuple[int, int, datetime]] = []
    for rank, statuses in ((0, UNACKNOWLEDGED), (1, ACKNOWLEDGED)):
        if position and rank < position[0]:
            continue
        segment = queryset.filter(status__in=statuses)
        if position and rank == position[0]:
            _rank, due, pk = position
            segment = segment.filter(Q(due_at__gt=due) | Q(due_at=due, id__gt=pk))
        need = size + 1 - len(picked)
        picked += [
            (rank, pk, due) for pk, due in segment.order_by("due_at", "id").values_list("id", "due_at")[:need]
        ]
        if len(picked) > size:
            break
    more = len(picked) > size
    picked = picked[:size]
    planned = (
        Intervention.objects.filter(fiche=OuterRef("pk")).order_by("-at", "-id").values("planned_for")[:1]
    )
    expected = Hold.objects.filter(fiche=OuterRef("pk")).order_by("-at", "-id").values("expected_on")[:1]
    rows = {}
    if picked:
        rows = (
            Fiche.objects.select_related("request_type")
            .annotate(planned_for=Subquery(planned), expected_on=Subquery(expected))
            .in_bulk([pk for _rank, pk, _due in picked])
        )
    items = []
    for rank, pk, _due in picked:
        fiche = rows[pk]
        fiche.rank = rank
        items.append(fiche)
    return QueuePage(items, encode_cursor(items[-1]) if more and items else None, bool(position))


def encode_cursor(fiche: Fiche) -> str:
    return f"{fiche.rank}_{fiche.due_at.timestamp():.6f}_{fiche.pk}"


def decode_cursor(cursor: str) -> tuple[int, datetime, int] | None:
    try:
        rank, stamp, pk = cursor.split("_")
        return int(rank), datetime.fromtimestamp(float(stamp), tz=UTC), int(pk)
    except (ValueError, OverflowError):
        return None


def queue_types(user, cell_id: int | None = None) -> list[tuple[str, str]]:
    """The request types in force that the user's cells handle (for the filter)."""
    from catalogue.models import RequestTypeVersion

    scope = scope_for(user)
    condition = Q(cell_id=cell_id) if cell_id else Q(pk__in=[])
    if not cell_id:
        if scope.cell_ids:
            condition |= Q(cell_id__in=scope.cell_ids)
        if scope.directorate_ids:
            condition |= Q(directorate_id__in=scope.directorate_ids)
        if scope.body_ids:
            condition |= Q(body_id__in=scope.body_ids)
    rows = (
        RequestTypeVersion.objects.in_force()
        .filter(condition)
        .order_by("request_type__code")
        .values_list("request_type__code", "label")
    )
    return list(rows)


def reroute_queue(user) -> QuerySet[Fiche]:
    """Fiches sent back by a cell, waiting for the supervisor (``reroute_page`` pages them,
    oldest first)."""
    reason = (
        Event.objects.filter(fiche=OuterRef("pk"), action="send_back")
        .order_by("-at", "-id")
        .values("comment")[:1]
    )
    sent_at = (
        Event.objects.filter(fiche=OuterRef("pk"), action="send_back").order_by("-at", "-id").values("at")[:1]
    )
    return (
        visible_fiches(user)
        .filter(status=Status.REROUTED)
        .select_related(*LIST_RELATED)
        .annotate(send_back_reason=Subquery(reason), sent_back_at=Subquery(sent_at))
    )


def reroute_page(user, cursor: str | None, size: int = 50) -> Page:
    """A page of the fiches to re-route, the least recently changed first (for most, since
    they were sent back)."""
    return time_page(reroute_queue(user), cursor, "updated_at", newest=False, size=size)


def thread(fiche: Fiche) -> list[Message]:
    return list(Message.objects.filter(fiche=fiche).select_related("author").order_by("at", "id"))


MISROUTING_DAYS = 365


def _misrouting_query(key: tuple[tuple[Scope, bool], int], since: datetime) -> QuerySet:
    fiches_key, limit = key
    return (
        Event.objects.filter(
            kind=Event.Kind.REROUTE, at__gte=since, fiche__in=_fiches_of(fiches_key).values("pk")
        )
        .order_by()
        .values("data__from__type")
        .annotate(count=Count("id"))
        .order_by("-count", "data__from__type")[:limit]
    )


MISROUTING_QUERY = CompiledQuery(_misrouting_query)


def misrouting_stats(
    user, limit: int = 15, fiches_key: tuple[Scope, bool] | None = None, now: datetime | None = None
) -> list[dict]:
    """How often each request type had to be re-routed over the last ``MISROUTING_DAYS``: a
    range of the (kind, at) index, the same work whatever the years kept. Of the user's fiches,
    or of the board's (``fiches_key``: ``board_key``)."""
    fiches_key = (scope_for(user), False) if fiches_key is None else fiches_key
    since = (now or timezone.now()) - timedelta(days=MISROUTING_DAYS)
    return MISROUTING_QUERY((fiches_key, limit), since)


AGE_BUCKETS = [  # (key, label key, min days, max days)
    ("d0_2", 0, 2),
    ("d2_7", 2, 7),
    ("d7_30", 7, 30),
    ("d30", 30, None),
]


# The days before now that bound the ages (the bound of 0 days is now itself)
AGE_DAYS = sorted({days for _, low, high in AGE_BUCKETS for days in (low, high) if days})


def _measures(now: datetime, ago: dict[int, datetime]) -> dict[str, Count]:
    """The board's counts of open fiches; ``ago``: the moment ``AGE_DAYS`` days before ``now``
    for each of those days."""
    at = {0: now, **ago}
    age = {}
    # the rows are the open fiches: no measure repeats that condition on each of them
    for name, low, high in AGE_BUCKETS:
        condition = Q(created_at__lte=at[low])
        if high is not None:
            condition &= Q(created_at__gt=at[high])
        age[name] = Count("id", filter=condition)
    return {
        "open": Count("id"),
        "overdue": Count("id", filter=Q(due_at__lt=now)),
        "unacknowledged": Count("id", filter=Q(status__in=UNACKNOWLEDGED)),
        "waiting": Count("id", filter=Q(status=Status.WAITING)),
        "to_reroute": Count("id", filter=Q(status=Status.REROUTED)),
        **age,
    }


# the counts' names, as the rows and totals carry them (any moment builds them)
_ANY = datetime(2000, 1, 1, tzinfo=UTC)
MEASURES = tuple(_measures(_ANY, dict.fromkeys(AGE_DAYS, _ANY)))


def _board_rows_query(key: tuple[Scope, bool], now: datetime, *ago: datetime) -> QuerySet:
    """The open fiches counted per body, directorate and cell (``_measures``); ``ago``: the
    moments ``AGE_DAYS`` days before ``now``."""
    measures = _measures(now, dict(zip(AGE_DAYS, ago, strict=True)))
    # grouped by the ids alone (a hash aggregate over the open fiches: no join, no sort of text
    # keys); the few names come after, in two small queries, and the rows are sorted here
    return (
        _fiches_of(key)
        .filter(status__in=OPEN_STATUSES)
        .order_by()
        .values("body_id", "directorate_id", "cell_id")
        .annotate(**measures)
    )


# compiled once per scope: its ten counts took longer to build than to run on PostgreSQL
BOARD_ROWS_QUERY = CompiledQuery(_board_rows_query)


def board(user, now: datetime | None = None, weeks: int = 8) -> dict:
    """The supervisor's follow-up board, restricted to what the user may see (counts only:
    no fiche leaves this function)."""
    now = now or timezone.now()
    key = board_key(user)
    rows = BOARD_ROWS_QUERY(key, now, *(now - timedelta(days=days) for days in AGE_DAYS))
    directorates = {
        d["id"]: d
        for d in Directorate.objects.filter(pk__in={row["directorate_id"] for row in rows}).values(
            "id", "code", "name", "body_id", "body__short_name"
        )
    }
    cells = dict(Cell.objects.filter(pk__in={row["cell_id"] for row in rows}).values_list("id", "name"))
    body_names = {d["body_id"]: d["body__short_name"] for d in directorates.values()}
    for row in rows:
        directorate = directorates.get(row["directorate_id"], {})
        row["body__short_name"] = body_names.get(row["body_id"], "")
        row["directorate__code"] = directorate.get("code", "")
        row["directorate__name"] = directorate.get("name", "")
        row["cell__name"] = cells.get(row["cell_id"], "")
    rows.sort(key=lambda row: (row["body__short_name"], row["directorate__name"], row["cell__name"]))
    totals = dict.fromkeys(MEASURES, 0)  # every measure counts open fiches: the rows add up
    bodies: dict[int, dict] = {}
    for row in rows:
        body = bodies.setdefault(
            row["body_id"], {"id": row["body_id"], "name": row["body__short_name"], "cells": []}
        )
        body["cells"].append(row)
        for measure in MEASURES:
            body[measure] = body.get(measure, 0) + row[measure]
            totals[measure] += row[measure]
    return {
        "now": now,
        "bodies": list(bodies.values()),
        "totals": totals,
        "trend": weekly_trend(key, now, weeks),
        "misrouting": misrouting_stats(user, fiches_key=key, now=now),
    }


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


class _RowCount(Func):
    """``COUNT(*)`` as a plain column: a counted queryset's only value, without the ``GROUP BY``
    Django adds for an aggregate in ``values()``."""

    template = "COUNT(*)"
    contains_aggregate = False
    output_field = IntegerField()


TREND_COLUMNS = ("created_at", "resolved_at")


def _week_count(key: tuple[tuple[Scope, bool], str]) -> QuerySet:
    """The fiches of the board (``board_key``) whose date (the key's column) falls in the week
    of ``weekly_trend``'s row ``w``: from its second column, before its third."""
    fiches_key, column = key
    week = {f"{column}__gte": "w.column2", f"{column}__lt": "w.column3"}
    dated = {lookup: RawSQL(bound, (), output_field=DateTimeField()) for lookup, bound in week.items()}  # noqa: S611
    return _fiches_of(fiches_key).filter(**dated).order_by().values(count=_RowCount())


WEEK_COUNT = CompiledQuery(_week_count)


def weekly_trend(key: tuple[Scope, bool], now: datetime, weeks: int) -> list[dict]:
    """Received and resolved per week (Monday to Sunday, local time) of the board's fiches
    (``board_key``), in one statement: a row per week (its number, start and end), and for
    each date a count of the week's range of that date's index. One count of the eight weeks
    with a condition per week compared each fiche's date eight times (both dates: 8.8 ms
    against 4.2 at a million fiches on PostgreSQL); a count per week and date written out,
    sixteen subqueries, took PostgreSQL a millisecond to plan."""
    monday = week_start(timezone.localtime(now).date())
    starts = [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    bounds = [day_start(d) for d in starts]
    bounds.append(bounds[-1] + timedelta(weeks=1))
    columns, params = [], []
    for column in TREND_COLUMNS:
        statement = WEEK_COUNT.statement((key, column))
        if statement is None:  # a scope that reaches no fiche
            columns.append("0")
        else:
            columns.append(f"({statement[0]})")
            params.extend(statement[1])
    adapt = connection.ops.adapt_datetimefield_value
    for number, (week_from, week_to) in enumerate(pairwise(bounds)):
        params.extend((number, adapt(week_from), adapt(week_to)))
    rows = ", ".join(["(%s, %s, %s)"] * weeks)
    with connection.cursor() as cursor:
        # fixed text and the statements Django compiled; every value a parameter
        cursor.execute(f"SELECT {', '.join(columns)} FROM (VALUES {rows}) AS w ORDER BY w.column1", params)  # noqa: S608
        counts = cursor.fetchall()
    created, resolved = [row[0] for row in counts], [row[1] for row in counts]
    return [
        {
            "week": starts[i],
            "until": starts[i] + timedelta(days=6),
            "created": created[i],
            "resolved": resolved[i],
        }
        for i in range(weeks)
    ]
