"""Importing call logs into the database (the only writer of telephony records).

Incremental and idempotent: each file is an :class:`ImportSource` recognised by its name
or by a hash of its first bytes (so a rotated ``queue_log`` renamed ``queue_log.1`` is
still known). An import reads from the source's *resume offset*: the first line of the
earliest call (or agent session) that was not settled at the end of the previous import.
Rows written from that offset on are deleted and rebuilt, so a call spanning two imports
is completed correctly, and importing the same unchanged file again does nothing.
A failed import removes what it wrote and leaves the source where it was.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import math
import time as clock
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from core.uploads import expands_too_much
from telephony import queuelog, rollup_counts, rollups
from telephony.hours import DEFAULT_WEEK, OpeningCalendar, minutes
from telephony.models import (
    Agent,
    AgentActivity,
    ImportRun,
    ImportSource,
    OpeningException,
    OpeningHours,
    Queue,
    QueuePassage,
    QueueRollup,
    QueueWaitCount,
)

PARIS = ZoneInfo("Europe/Paris")
HEAD_LENGTH = 4096
BATCH = 20000
SQLITE_IMPORT_CACHE_KIB = -131072  # 128 MB while importing (negative: KiB)
ProgressCallback = Callable[[int, int, queuelog.ImportReport], None]
READ_CHUNK = 1 << 20


class ImportStopped(ValueError):
    """The import was asked to stop (the button of its run, or Ctrl+C): what it wrote is undone."""

    def __init__(self) -> None:
        super().__init__(queuelog.STOPPED)


def opening_calendar() -> OpeningCalendar:
    """Opening hours from the database, or the defaults (settings) when none are set."""
    week: dict[int, list[tuple[int, int]]] = {}
    for row in OpeningHours.objects.all():
        week.setdefault(row.weekday, []).append((minutes(row.opens), minutes(row.closes)))
    if week:
        full_week = {day: tuple(week.get(day, ())) for day in range(7)}
    else:
        full_week = getattr(settings, "TELEPHONY_OPENING_HOURS", None) or DEFAULT_WEEK
    exceptions = {
        e.date: () if e.closed or not (e.opens and e.closes) else ((minutes(e.opens), minutes(e.closes)),)
        for e in OpeningException.objects.all()
    }
    return OpeningCalendar(week=full_week, exceptions=exceptions)


def _minute_second(suffix: str) -> tuple[str, ...]:
    """``MM:SS`` (and the zone suffix) of every second of an hour."""
    return tuple(f"{m:02d}:{sec:02d}{suffix}" for m in range(60) for sec in range(60))


class LocalClock:
    """Epoch → local date, minute of the day, weekday, in opening hours, and the UTC
    datetime text the database stores, from a cache per UTC hour (Europe/Paris offsets are
    whole hours; any other offset falls back to the exact computation, :meth:`exact`).

    ``hours[ts // 3600]`` (filled by :meth:`hour`) is (date text, weekday, minute of the day
    at the start of the hour, open flags of the 1440 minutes of that day, UTC text prefix
    ``YYYY-MM-DD HH:``); ``minute_second[ts % 3600]`` completes the datetime text. The
    text carries no zone on SQLite (Django stores UTC there) and ``+00:00`` elsewhere.
    """

    def __init__(self, calendar: OpeningCalendar, zone_suffix: str = "") -> None:
        self.calendar = calendar
        self.minute_second = _minute_second(zone_suffix)
        self.hours: dict[int, tuple] = {}
        self._days: dict[date, tuple[int, ...]] = {}

    def open_flags(self, day: date) -> tuple[int, ...]:
        flags = self._days.get(day)
        if flags is None:
            slots = self.calendar.slots(day)
            marks = [0] * 1440  # 0/1, not bools: see Writer (the flag is written as is)
            for opens, closes in slots:  # slices, not 1440 comparisons per slot
                opens, closes = max(0, opens), min(1440, closes)
                if opens < closes:
                    marks[opens:closes] = [1] * (closes - opens)
            flags = self._days[day] = tuple(marks)
        return flags

    def hour(self, hour: int) -> tuple | None:
        moment = datetime.fromtimestamp(hour * 3600, PARIS)
        if int(moment.utcoffset().total_seconds()) % 3600:
            return None
        day = moment.date()
        info = (
            day.isoformat(),
            day.weekday(),
            moment.hour * 60,
            self.open_flags(day),
            f"{datetime.fromtimestamp(hour * 3600, UTC):%Y-%m-%d %H}:",
        )
        self.hours[hour] = info
        return info

    def exact(self, ts: int) -> tuple[str, int, int, int, str]:
        """(date text, minute of the day, weekday, in opening hours, datetime text) of ``ts``."""
        moment = datetime.fromtimestamp(ts, PARIS)
        day, minute = moment.date(), moment.hour * 60 + moment.minute
        return day.isoformat(), minute, day.weekday(), self.open_flags(day)[minute], self.stamp(ts)

    def local(self, ts: int) -> tuple[str, int, int, int, str]:
        """The same as :meth:`exact`, from the per-hour cache."""
        info = self.hours.get(ts // 3600) or self.hour(ts // 3600)
        if info is None:
            return self.exact(ts)
        rest = ts % 3600
        minute = info[2] + rest // 60
        return info[0], minute, info[1], info[3][minute], info[4] + self.minute_second[rest]

    def stamp(self, ts: int | None) -> str | None:
        if ts is None:
            return None
        info = self.hours.get(ts // 3600) or self.hour(ts // 3600)
        if info is None:
            return f"{datetime.fromtimestamp(ts, UTC):%Y-%m-%d %H:}" + self.minute_second[ts % 3600]
        return info[4] + self.minute_second[ts % 3600]


# PostgreSQL's binary COPY: each type's value in network byte order (a date: days since 2000)
BINARY_TYPES = {"bigint": ">i8", "integer": ">i4", "smallint": ">i2", "boolean": "?", "date": ">i4"}
BINARY_EPOCH = date(2000, 1, 1).toordinal()


def _binary_copy(types: list[str], columns: list[np.ndarray]) -> bytes:
    """The rows of these columns (``_Table.write_columns``') in PostgreSQL's binary ``COPY``
    format: a header, then each row's number of fields and each field's length and value,
    then a trailer, laid out by a numpy record per row. A value out of its type's range is
    refused (ValueError), as the database would refuse it."""
    layout = [("fields", ">i2")]
    for index, kind in enumerate(types):
        layout += [(f"size{index}", ">i4"), (f"value{index}", BINARY_TYPES[kind])]
    rows = np.empty(len(columns[0]), np.dtype(layout))
    rows["fields"] = len(types)
    for index, (kind, column) in enumerate(zip(types, columns, strict=True)):
        values = column - BINARY_EPOCH if kind == "date" else column
        stored = np.dtype(BINARY_TYPES[kind])
        bounds = (0, 1) if kind == "boolean" else (np.iinfo(stored).min, np.iinfo(stored).max)
        if values.min() < bounds[0] or values.max() > bounds[1]:
            raise ValueError(f"a value of column {index} is out of range for {kind}")
        rows[f"size{index}"] = stored.itemsize
        rows[f"value{index}"] = values
    return b"PGCOPY\n\xff\r\n\x00" + bytes(8) + rows.tobytes() + b"\xff\xff"


def _copying(cursor):
    """The driver's cursor behind Django's, if it can ``COPY`` (psycopg 3 on PostgreSQL)."""
    raw = getattr(cursor, "cursor", None)
    return raw if connection.vendor == "postgresql" and hasattr(raw, "copy") else None


class _Table:
    """A fast multi-row INSERT into one model's table (the SQL bulk_create would emit,
    without building a model instance per row: measured 5× faster on a year of calls).

    ``values`` holds the rows one after the other, flat (``extend`` with a row's tuple): a
    statement's parameters are then one slice, with no per-row regrouping."""

    def __init__(self, model: type[models.Model], columns: list[str]) -> None:
        meta = model._meta
        names = [meta.get_field(name).column for name in columns]
        quote = connection.ops.quote_name
        # table and column names come from the model's _meta, quoted by the backend
        table, column_list = quote(meta.db_table), ", ".join(quote(n) for n in names)
        placeholders = ", ".join(["%s"] * len(names))
        self.width = len(names)
        self.sql = f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})"  # noqa: S608
        self.copy_sql = f"COPY {table} ({column_list}) FROM STDIN"
        self.types = [meta.get_field(name).db_type(connection) for name in columns]
        self.binary_copy_sql = f"{self.copy_sql} (FORMAT BINARY)"
        # SQLite: one INSERT of many rows costs ~30 % less than one statement per row
        # (measured on a year of passages); within the backend's limit of parameters.
        self.per_statement = max(1, (connection.features.max_query_params or 999) // len(names))
        self.multi_sql = f"INSERT INTO {table} ({column_list}) VALUES " + ", ".join(  # noqa: S608
            [f"({placeholders})"] * self.per_statement
        )
        self.values: list = []

    def __len__(self) -> int:
        return len(self.values) // self.width

    def write_columns(self, cursor, columns: list[np.ndarray]) -> int:
        """Insert rows given column by column (numpy integer arrays of one length, in the
        table's order; booleans as 0/1, dates as ordinals, ``date.toordinal``). PostgreSQL: one
        binary ``COPY`` laid out by numpy (``_binary_copy``: each value in C, where a text per
        column cost 0.1 s a year in Python and the server's parsing); else as ``flush`` does,
        dates as ISO text."""
        if not columns or not len(columns[0]):
            return 0
        if (raw := _copying(cursor)) is not None:
            with raw.copy(self.binary_copy_sql) as copy:
                copy.write(_binary_copy(self.types, columns))
            return len(columns[0])
        rows = np.empty((len(columns[0]), self.width), object)  # Python values, row after row
        for index, (kind, column) in enumerate(zip(self.types, columns, strict=True)):
            if kind == "date":
                days, position = np.unique(column, return_inverse=True)
                texts = [date.fromordinal(day).isoformat() for day in days.tolist()]
                column = np.array(texts, object)[position]
            rows[:, index] = column
        self.values = rows.ravel().tolist()
        return self.flush(cursor)

    def flush(self, cursor) -> int:
        values, width = self.values, self.width  # emptied in place: the Writer keeps its extend
        if not values:
            return 0
        rows = len(values) // width
        if (raw := _copying(cursor)) is not None:
            # PostgreSQL: COPY streams the batch (executemany costs a round trip per row)
            with raw.copy(self.copy_sql) as copy:
                for start in range(0, len(values), width):
                    copy.write_row(values[start : start + width])
        else:
            step = self.per_statement * width
            full = (rows - rows % self.per_statement) * width if self.per_statement > 1 else 0
            if full:
                cursor.executemany(self.multi_sql, [values[i : i + step] for i in range(0, full, step)])
            if full < len(values):
                cursor.executemany(self.sql, [values[i : i + width] for i in range(full, len(values), width)])
        values.clear()
        return rows


class Writer:
    """Buffers builder output and writes it in batches of ``BATCH`` rows, each batch in
    one transaction (so the progress saved on the ImportRun stays visible to the page).

    Epoch seconds stay integers until here; rows are tuples of what the database stores
    (datetimes and dates as text, see :class:`LocalClock`), the same on every backend.
    Booleans are written as 0/1: Python's sqlite3 binds int, float and str directly but
    sends every other value, ``bool`` included, through its adaptation protocol, whose
    failed look-ups cost as much per row as SQLite's own insert (measured with callgrind).
    """

    PASSAGE_COLUMNS = [
        "source", "offset", "callid", "queue", "agent", "entered_at", "wait", "talk", "outcome",
        "answered", "exit_event", "local_date", "local_minute", "weekday", "in_hours",
        "call_passages", "call_answered",
    ]  # fmt: skip
    DAY = PASSAGE_COLUMNS.index("local_date")
    # the columns _count_rollups reads, in rollup_counts.Batch's order; those but the numbers
    # hold small values, read as bytes (ten times faster than as numbers) when they fit
    BATCH_COLUMNS = tuple(map(PASSAGE_COLUMNS.index, rollup_counts.Batch.COLUMNS))
    NUMBERS = frozenset(map(PASSAGE_COLUMNS.index, ("local_minute", "wait", "talk")))
    OUTCOME = PASSAGE_COLUMNS.index("outcome")
    ACTIVITY_COLUMNS = [
        "source", "offset", "agent", "queue", "kind", "started_at", "ended_at", "reason", "local_date",
    ]  # fmt: skip

    def __init__(
        self,
        source: ImportSource | None,
        calendar: OpeningCalendar | None = None,
        *,
        stop: Callable[[], bool] | None = None,
    ) -> None:
        self.source_id = source.pk if source is not None else None
        self.stop = stop  # checked before each batch: True raises ImportStopped
        self.sqlite = connection.vendor == "sqlite"
        self.clock = LocalClock(calendar or opening_calendar(), "" if self.sqlite else "+00:00")
        self.queues = dict(Queue.objects.values_list("name", "id"))
        # identifier -> the person's main identifier's id (Agent.same_as)
        self.agents = {
            identifier: same_as or pk
            for identifier, pk, same_as in Agent.objects.values_list("identifier", "id", "same_as")
        }
        self.passages = _Table(QueuePassage, self.PASSAGE_COLUMNS)
        self.activities = _Table(AgentActivity, self.ACTIVITY_COLUMNS)
        self._cache_size = None
        if self.sqlite:  # the indexes of a year of rows outgrow SQLite's 2 MB page cache
            with connection.cursor() as cursor:
                self._cache_size = cursor.execute("PRAGMA cache_size").fetchone()[0]
                cursor.execute(f"PRAGMA cache_size = {SQLITE_IMPORT_CACHE_KIB}")
        self.written = 0
        # the rollups of what this writer wrote, counted batch by batch (_count_rollups), and
        # per local day the passages written (to tell the days this writer wrote alone)
        self.counts = rollup_counts.Counts(rollups.WAIT_CAP)
        self.first_id: int | None = None  # see _see_days
        self.shared_days: set[str] = set()
        self.calls = self._calls_writer()

    def _calls_writer(self) -> Callable[[list[queuelog.Passage]], None]:
        """``calls(heads)`` adds the rows of the calls led by ``heads``, the first passage of
        each carrying the call's summary. A closure over local names (the import's hot path):
        one look-up in the per-hour cache gives a passage's local columns and datetime text."""
        clock = self.clock
        hours_get, hour, exact, minute_second = clock.hours.get, clock.hour, clock.exact, clock.minute_second
        source_id = self.source_id
        queues_get, queue_id = self.queues.get, self.queue_id
        agents_get, agent_id = self.agents.get, self.agent_id
        values = self.passages.values
        add_row = values.extend
        batch_values = BATCH * self.passages.width
        flush = self.flush
        answered_outcomes = (queuelog.ANSWERED, queuelog.TRANSFER)
        call_items = queuelog.call_items

        def calls(heads: list[queuelog.Passage]) -> None:
            for last in heads:
                if last.prev is None:  # nearly every call: one passage
                    group: Iterable[queuelog.Passage] = (last,)
                    call_passages, call_answered = 1, -1  # -1: the passage's own
                else:
                    group = call_items(last)
                    call_passages = min(len(group), 32767)
                    call_answered = 1 if group[-1].answered else 0
                for p in group:
                    ts = p.enter_ts
                    h = ts // 3600
                    info = hours_get(h) or hour(h)
                    if info is None:
                        day, minute, weekday, in_hours, entered = exact(ts)
                    else:
                        rest = ts - h * 3600
                        minute = info[2] + rest // 60
                        day, weekday, in_hours = info[0], info[1], info[3][minute]
                        entered = info[4] + minute_second[rest]
                    outcome = p.outcome
                    answered = 1 if p.connect_ts is not None and outcome in answered_outcomes else 0
                    wait, talk = p.wait or 0, p.talk or 0
                    wait = wait if wait > 0 else 0
                    talk = (talk if talk > 0 else 0) if answered else 0
                    queue, agent = p.queue, p.agent
                    queue = queues_get(queue) or queue_id(queue)
                    call_answered = answered if call_answered < 0 else call_answered
                    add_row(
                        (
                            source_id,
                            p.offset,
                            p.callid[:80],
                            queue,
                            (agents_get(agent) or agent_id(agent)) if agent and agent != "NONE" else None,
                            entered,
                            wait,
                            talk,
                            outcome,
                            answered,
                            p.exit_event[:32],
                            day,
                            minute,
                            weekday,
                            in_hours,
                            call_passages,
                            call_answered,
                        )
                    )
                    call_passages = call_answered = 0  # the call's other passages
                if len(values) >= batch_values:
                    flush()

        return calls

    def queue_id(self, name: str) -> int:
        found = self.queues.get(name)
        if found is None:
            key = name[:128] or "NONE"
            found = self.queues.get(key)
            if found is None:
                found = Queue.objects.get_or_create(name=key)[0].id
            self.queues[name] = self.queues[key] = found
        return found

    def agent_id(self, identifier: str) -> int | None:
        if not identifier or identifier == "NONE":
            return None
        found = self.agents.get(identifier)
        if found is None:
            key = identifier[:128]
            found = self.agents.get(key)
            if found is None:
                agent = Agent.objects.get_or_create(identifier=key)[0]
                found = agent.same_as_id or agent.id
            self.agents[identifier] = self.agents[key] = found
        return found

    def agent(self, a: queuelog.AgentRecord) -> None:
        day, _minute, _weekday, _in_hours, started = self.clock.local(a.start_ts)
        self.activities.values.extend(
            (
                self.source_id,
                a.offset,
                self.agent_id(a.agent) or self.agent_id("?"),
                self.queue_id(a.queue) if a.queue and a.queue != "NONE" else None,
                a.kind,
                started,
                self.clock.stamp(a.end_ts),
                a.reason[:80],
                day,
            )
        )
        if len(self.activities) >= BATCH:
            self.flush()

    def close(self) -> None:
        """Write what is left, roll up the days written, give the connection its page cache back."""
        self.flush()
        self._write_rollups()
        if self.sqlite and self._cache_size is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(self._cache_size)}")
            self._cache_size = None

    def _count_rollups(self, days: list[str], met: set[str]) -> None:
        """Count the batch about to be written (``self.passages``; ``days``, each passage's local
        day, and ``met``, those days once, made by ``flush``, which marks them) into its rollups
        (``telephony.rollup_counts``: numpy, given the batch's columns)."""
        values, width, n = self.passages.values, self.passages.width, len(days)

        def column(index: int) -> np.ndarray:
            items = values[index::width]
            if index == self.OUTCOME:
                return np.frombuffer(bytearray(map(rollup_counts.OUTCOME_CODE.__getitem__, items)), np.uint8)
            if index not in self.NUMBERS:
                try:
                    return np.frombuffer(bytearray(items), np.uint8)
                except ValueError:  # a value past 255 (a queue's id)
                    pass
            return np.fromiter(items, np.int64, n)

        self._see_days(met)
        self.counts.add(rollup_counts.Batch(days, *map(column, self.BATCH_COLUMNS)))

    def _see_days(self, met: set[str]) -> None:
        """Before a batch is written: the highest passage id before this writer's first
        batch, and which of the batch's days not met yet already hold passages."""
        if self.first_id is None:
            self.first_id = QueuePassage.objects.aggregate(last=Max("id"))["last"] or 0
        new = met.difference(self.counts.day_passages)
        if new:
            found = QueuePassage.objects.filter(local_date__in=new).values_list("local_date", flat=True)
            self.shared_days.update(map(str, found.distinct().order_by()))

    def _own_days(self, written: Counter[str]) -> set[str]:
        """The days whose passages are all among those written (``written``: passages per
        day). When the ids from the first one given after the first batch began to the last
        one are as many as the passages written, they are all this writer's: no one else
        wrote meanwhile, and the days are those that held no passage when first met
        (``_see_days``; each id read by index). Otherwise (another writer), the days whose
        passages are as many as written."""
        if not written:
            return set()
        since = QueuePassage.objects.filter(id__gt=self.first_id or 0)
        first, last = (since.aggregate(found=f("id"))["found"] or 0 for f in (Min, Max))
        if self.first_id is not None and last - first + 1 == written.total():
            return set(written) - self.shared_days
        stored = QueuePassage.objects.filter(local_date__in=list(written)).values_list("local_date")
        counted = stored.annotate(n=Count("id")).order_by()
        return {str(day) for day, n in counted if written.get(str(day)) == n}

    def _write_rollups(self) -> None:
        """The rollups of the days whose every passage this writer wrote are its own counts;
        the other days (also holding passages of earlier imports) are rebuilt in SQL."""
        written, self.counts.day_passages = self.counts.day_passages, Counter()
        with transaction.atomic(), connection.cursor() as cursor:
            rollups.lock(cursor)
            own = self._own_days(written)
            self.first_id, self.shared_days = None, set()
            rows = _Table(QueueRollup, [*rollups.KEY, *rollups.COUNTERS])
            buckets = _Table(QueueWaitCount, [*rollups.DAY_KEY, "answered", "wait", "count"])
            rollup_columns, bucket_columns = self.counts.rows(own)
            if own:
                rollups.forget(own)
                rows.write_columns(cursor, rollup_columns)
                buckets.write_columns(cursor, bucket_columns)
        rollups.refresh()

    def flush(self) -> None:
        if self.stop is not None and self.stop():
            raise ImportStopped
        days = self.passages.values[self.DAY :: self.passages.width]  # each passage's local day
        met = set(days)
        self._count_rollups(days, met)
        with transaction.atomic(), connection.cursor() as cursor:
            rollups.mark(met)
            for table in (self.passages, self.activities):
                self.written += table.flush(cursor)


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _open(path: Path) -> io.BufferedIOBase:
    if path.suffix == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _size(path: Path) -> int:
    """Bytes to read (uncompressed). Refused (ValueError): a .gz that cannot be read to its
    end, or that expands too much; a file over ``TELEPHONY_IMPORT_MAX_SIZE``. A .gz is
    decompressed by chunks and given up as soon as it passes a bound."""
    limit = settings.TELEPHONY_IMPORT_MAX_SIZE
    too_large = ValueError(queuelog.TOO_LARGE.format(size=limit >> 20))
    if path.suffix != ".gz":
        size = path.stat().st_size
        if size > limit:
            raise too_large
        return size
    compressed, size = path.stat().st_size, 0
    try:
        with gzip.open(path, "rb") as handle:
            while chunk := handle.read(READ_CHUNK):
                size += len(chunk)
                if expands_too_much(size, compressed):
                    raise ValueError(queuelog.TOO_COMPRESSED.format(ratio=settings.UPLOAD_ARCHIVE_MAX_RATIO))
                if size > limit:
                    raise too_large
    except (OSError, EOFError, zlib.error):
        raise ValueError(queuelog.NOT_GZIP) from None
    return size


def find_source(name: str, head: bytes) -> ImportSource | None:
    """The source this file continues: same name and same first bytes, or a renamed copy
    (``queue_log.1``) whose first bytes are those of a known source, however short: a log
    imported when it held 300 bytes is recognised by them in its longer or renamed copy."""
    for source in ImportSource.objects.filter(name=name):
        if len(head) >= source.head_length and _hash(head[: source.head_length]) == source.head_hash:
            return source
    if len(head) >= HEAD_LENGTH:
        found = ImportSource.objects.filter(
            head_length=HEAD_LENGTH, head_hash=_hash(head[:HEAD_LENGTH])
        ).first()
        if found is not None:
            return found
    # sources shorter than HEAD_LENGTH (rare: small logs), longest first; whole-file imports
    # (CSV) have no head (length 0) and are never continued
    shorter = ImportSource.objects.filter(head_length__gt=0, head_length__lte=min(len(head), HEAD_LENGTH - 1))
    for source in shorter.order_by("-head_length", "-updated_at"):
        if _hash(head[: source.head_length]) == source.head_hash:
            return source
    return None


def _delete_from(source: ImportSource, offset: int) -> None:
    """Delete what ``source`` wrote from ``offset`` on (passages through the date index)."""
    passages = QueuePassage.objects.filter(source=source, offset__gte=offset)
    if offset and source.resume_date is not None:
        passages = passages.filter(local_date__gte=source.resume_date)
    rollups.mark(passages.order_by().values_list("local_date", flat=True).distinct())
    passages.delete()
    AgentActivity.objects.filter(source=source, offset__gte=offset).delete()


def _resume_date(ts: int | None) -> date | None:
    """The local day before ``ts``: rows read after its line are dated from then on."""
    return None if ts is None else datetime.fromtimestamp(ts, PARIS).date() - timedelta(days=1)


def import_file(
    path: str | Path,
    *,
    run: ImportRun | None = None,
    display_name: str | None = None,
    final: bool = False,
    progress: ProgressCallback | None = None,
) -> ImportRun:
    """Import one queue_log file (plain or .gz) incrementally; returns the finished run."""
    path = Path(path)
    name = display_name or path.name
    if run is None:
        run = ImportRun.objects.create(file_name=name, stored_path=str(path))
    run.status = ImportRun.Status.RUNNING
    run.save(update_fields=["status"])
    try:
        size = _size(path)
        with _open(path) as stream:
            head = stream.read(HEAD_LENGTH)
        source = find_source(name, head)
        if source is None:
            source = ImportSource.objects.create(name=name, head_hash=_hash(head), head_length=len(head))
        elif source.head_length < len(head):
            source.head_hash, source.head_length = _hash(head), len(head)
        if source.name != name:
            source.name = name
        source.save()
        run.source = source
        if size < source.offset:  # the file was truncated: start it again
            _delete_from(source, 0)
            source.offset = source.resume_offset = 0
            source.resume_lineno, source.resume_date = 1, None
        run.size = size
        if size == source.offset and not final:
            run.start_offset = run.bytes_done = size
            report = queuelog.ImportReport()
            run.report = {**report.as_dict(), "up_to_date": True}
            return _finish(run, ImportRun.Status.DONE)
        start, lineno = source.resume_offset, source.resume_lineno
        run.start_offset = run.bytes_done = start
        run.save(update_fields=["source", "size", "start_offset", "bytes_done"])
        if source.offset:  # something was imported before: re-read from the resume offset
            _delete_from(source, start)
        writer = Writer(source, stop=lambda: _stop_requested(run))
        builder = queuelog.QueueLogBuilder(writer.calls, writer.agent)
        last_save = clock.monotonic()

        def block_done(offset: int, _next_lineno: int) -> None:
            nonlocal last_save
            now = clock.monotonic()
            if now - last_save > 0.5:
                last_save = now
                if _stop_requested(run):
                    raise ImportStopped
                run.bytes_done = offset
                run.report = builder.report.as_dict()
                run.save(update_fields=["bytes_done", "report"])
                if progress:
                    progress(offset, size, builder.report)

        try:
            with _open(path) as stream:
                stream.seek(start)
                end, next_lineno = builder.feed_stream(stream, start, lineno, block_done)
                if final:  # no line will come after: a last line without its newline is whole
                    stream.seek(end)
                    rest = stream.read()
                    if rest.strip():
                        builder.feed_line(rest.decode("utf-8", "replace"), next_lineno, end)
                        next_lineno += 1
                    end += len(rest)
            resume = builder.finish(final=final)
            writer.close()
        except BaseException:  # Ctrl+C too: no half import is left
            _delete_from(source, start)
            raise
        source.offset = end
        if resume is None:
            source.resume_offset, source.resume_lineno = end, next_lineno
            source.resume_date = _resume_date(builder.report.last_ts) or source.resume_date
        else:
            source.resume_offset, source.resume_lineno = resume.offset, resume.lineno
            source.resume_date = _resume_date(resume.ts)
        source.save()
        run.bytes_done = end
        run.report = builder.report.as_dict()
        if start == size:  # nothing left to read (a final import of a file already read)
            run.report["up_to_date"] = True
        if progress:
            progress(end, size, builder.report)
        return _finish(run, ImportRun.Status.DONE)
    except BaseException as exc:
        record_failure(run, exc)
        raise


def _stop_requested(run: ImportRun) -> bool:
    return ImportRun.objects.filter(pk=run.pk, stop_requested=True).exists()


def record_failure(run: ImportRun, exc: BaseException) -> None:
    """Record why the run ended without importing: stopped (its button, Ctrl+C) or failed."""
    stopped = isinstance(exc, ImportStopped | KeyboardInterrupt)
    run.error = queuelog.STOPPED if stopped else _error_text(exc)
    _finish(run, ImportRun.Status.STOPPED if stopped else ImportRun.Status.FAILED)


def _error_text(exc: BaseException) -> str:
    """What a failed run shows: the message of a refused file (ValueError) as it is, for the
    page to translate; any other error with its type, for whoever investigates."""
    return str(exc) if isinstance(exc, ValueError) else f"{exc.__class__.__name__}: {exc}"


def _finish(run: ImportRun, status: str) -> ImportRun:
    run.status = status
    run.finished_at = timezone.now()
    run.save()
    return run


def import_path(path: str | Path, **kwargs) -> list[ImportRun]:
    """A file, or every ``queue_log*`` file of a directory, oldest first."""
    path = Path(path)
    if path.is_dir():
        files = sorted(
            (f for f in path.iterdir() if f.is_file() and f.name.startswith("queue_log")),
            key=lambda f: f.stat().st_mtime,
        )
        return [import_file(f, **kwargs) for f in files]
    return [import_file(path, **kwargs)]


def import_lines(lines: Iterable[str], name: str = "lines", *, final: bool = True) -> queuelog.ImportReport:
    """Import an in-memory sequence of lines (demo data, tests): one new source."""
    text = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
    data = text.encode()
    source = ImportSource.objects.create(
        name=name, head_hash=_hash(data[:HEAD_LENGTH]), head_length=len(data[:HEAD_LENGTH])
    )
    writer = Writer(source)
    builder = queuelog.QueueLogBuilder(writer.calls, writer.agent)
    builder.feed_stream(io.BytesIO(data))
    builder.finish(final=final)
    writer.close()
    source.offset = source.resume_offset = len(data)
    source.save()
    return builder.report


def import_db_csv(path: str | Path, *, tz: str = "Europe/Paris", run: ImportRun | None = None) -> ImportRun:
    """CSV export of the queue_log *database* table (time, callid, queuename, agent, event,
    data1..data5 or data), rows in any order. An export replaces, for the period it covers
    (its first row's time to its last one's), what earlier exports of the table brought: the
    same export twice adds nothing, a longer one adds only what is new, overlapping exports
    count each call once. All or nothing: a file that cannot be read changes nothing."""
    path = Path(path)
    run = run or ImportRun.objects.create(file_name=path.name, stored_path=str(path), file_format="db")

    def read(source: ImportSource) -> queuelog.ImportReport:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            rows, report = queuelog.read_db_csv(handle, ZoneInfo(tz))
        if rows:
            queues, agents = {row[2] for row in rows}, frozenset(row[3] for row in rows)
            _delete_period("db", rows[0][0], rows[-1][0], queues, agents)
        writer = Writer(source, stop=lambda: _stop_requested(run))
        builder = queuelog.QueueLogBuilder(writer.calls, writer.agent)
        builder.report = report
        queuelog.feed_db_rows(builder, rows)
        builder.finish(final=True)
        writer.close()
        return builder.report

    return _import_whole_file(run, path, path.name, read)


def _import_whole_file(
    run: ImportRun, path: Path, name: str, read: Callable[[ImportSource], queuelog.ImportReport]
) -> ImportRun:
    """A file read whole, all or nothing, in one transaction: ``read`` writes its rows under
    a new source (whose empty hash no other file continues) and replaces, for the period it
    covers, what earlier files of its format brought; a failure is recorded on the run."""
    run.status, run.size = ImportRun.Status.RUNNING, path.stat().st_size
    run.save(update_fields=["status", "size"])
    try:
        if run.size > settings.TELEPHONY_IMPORT_MAX_SIZE:
            raise ValueError(queuelog.TOO_LARGE.format(size=settings.TELEPHONY_IMPORT_MAX_SIZE >> 20))
        with transaction.atomic():
            source = ImportSource.objects.create(name=name, head_hash="", head_length=0)
            report = read(source)
            source.offset = source.resume_offset = run.size
            source.save()
    except BaseException as exc:  # Ctrl+C too: the transaction is rolled back
        record_failure(run, exc)
        raise
    run.source = source
    run.bytes_done = run.size
    run.report = report.as_dict()
    return _finish(run, ImportRun.Status.DONE)


def _delete_period(
    file_format: str, first_ts: int, last_ts: int, queues: set[str], agents: frozenset[str] = frozenset()
) -> None:
    """Delete what earlier imports of this format wrote between these two times for these
    queues, and these agents' activities outside any queue (another platform's exports, with
    other queues and agents, are left alone)."""
    earlier = ImportSource.objects.filter(importrun__file_format=file_format)
    start, end = datetime.fromtimestamp(first_ts, UTC), datetime.fromtimestamp(last_ts, UTC)
    days = (start.date() - timedelta(days=1), end.date() + timedelta(days=1))  # the date index
    replaced = QueuePassage.objects.filter(
        source__in=earlier, local_date__range=days, entered_at__range=(start, end), queue__name__in=queues
    )
    rollups.mark(replaced.order_by().values_list("local_date", flat=True).distinct())
    replaced.delete()
    named = Q(agent__identifier__in=agents) | Q(agent__aliases__identifier__in=agents)
    AgentActivity.objects.filter(source__in=earlier, started_at__range=(start, end)).filter(
        Q(queue__name__in=queues) | (Q(queue__isnull=True) & named)
    ).delete()


# --- generic CSV (one row per queue passage, for platforms that are not Asterisk) --------
CSV_FIELDS = ("callid", "queue", "start", "wait", "talk", "outcome", "agent")
CSV_REQUIRED = ("queue", "start", "wait", "outcome")
# outcome words, compared without accents, case or surrounding spaces (see _outcome_key)
CSV_OUTCOMES = {
    "answered": queuelog.ANSWERED,
    "repondu": queuelog.ANSWERED,
    "decroche": queuelog.ANSWERED,
    "transfer": queuelog.TRANSFER,
    "transferred": queuelog.TRANSFER,
    "transfert": queuelog.TRANSFER,
    "transfere": queuelog.TRANSFER,
    "abandoned": queuelog.ABANDONED,
    "abandon": queuelog.ABANDONED,
    "abandonne": queuelog.ABANDONED,
    "timeout": queuelog.TIMEOUT,
    "debordement": queuelog.TIMEOUT,
    "other": queuelog.OTHER,
    "autre": queuelog.OTHER,
}


def _outcome_key(text: str) -> str:
    """ "  Répondu " (composed or not) -> "repondu"."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def parse_csv_mapping(text: str) -> dict[str, str]:
    """``"callid=Id,queue=File,start=Début"`` → {field: column}; ValueError on a bad item."""
    mapping: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        key, sep, column = item.partition("=")
        key = key.strip().lower()
        if not sep or key not in CSV_FIELDS or not column.strip():
            raise ValueError(
                f"bad mapping item {item!r}: expected FIELD=COLUMN with FIELD in {', '.join(CSV_FIELDS)}"
            )
        mapping[key] = column.strip()
    missing = [f for f in CSV_REQUIRED if f not in mapping]
    if missing:
        raise ValueError(f"mapping without {', '.join(missing)}")
    return mapping


def missing_csv_columns(header: Iterable[str], mapping: dict[str, str]) -> list[str]:
    """Columns named in the mapping but absent from the file's header row."""
    present = {str(h).strip() for h in header}
    return [column for field, column in mapping.items() if column and column not in present]


def _seconds(value: str | None) -> int:
    """Seconds as ``75``, ``75.4``, ``75,4`` or ``HH:MM:SS`` / ``MM:SS``; empty = 0.
    ValueError for anything else (a sign, an infinite or negative number…)."""
    value = (value or "").strip()
    if not value:
        return 0
    if ":" in value:
        parts = value.split(":")
        if not all(part.isdigit() for part in parts):
            raise ValueError(value)
        seconds = 0
        for part in parts:
            seconds = seconds * 60 + int(part)
        if seconds > queuelog.MAX_DURATION:
            raise ValueError(value)
        return seconds
    number = float(value.replace(",", "."))
    if not math.isfinite(number) or not 0 <= number <= queuelog.MAX_DURATION:
        raise ValueError(value)
    return int(number)


def _csv_start(value: str, zone: ZoneInfo) -> int:
    """An epoch (``1772442000`` or ``1772442000.5``), ISO or ``dd/mm/yyyy hh:mm[:ss]`` local
    time. ValueError (or OverflowError) when unreadable."""
    value = value.strip()
    if value.replace(".", "", 1).isdigit():
        return int(float(value))
    for pattern in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            moment = datetime.strptime(value, pattern)
            break
        except ValueError:
            continue
    else:
        moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return int(moment.timestamp())


def import_generic_csv(
    stream: Iterable[str],
    mapping: dict[str, str],
    source: ImportSource,
    name: str = "calls.csv",
    *,
    tz: str = "Europe/Paris",
    delimiter: str = ",",
    stop: Callable[[], bool] | None = None,
) -> queuelog.ImportReport:
    """Rows of one queue passage each: call id, queue, start time (epoch, ISO or
    ``dd/mm/yyyy hh:mm[:ss]`` in local time), wait and talk (seconds or ``mm:ss``), outcome
    and agent; ``mapping`` gives the column name of each field. A bad row is skipped and
    reported with its line number (the header is line 1); rows with the same call id make
    one call with several passages. Raises ValueError when a mapped column is missing."""
    zone = ZoneInfo(tz)
    report = queuelog.ImportReport()
    reader = csv.DictReader(stream, delimiter=delimiter)
    names = [str(name).strip() for name in reader.fieldnames or []]
    reader.fieldnames = names  # " Attente " is the column "Attente", as the form says
    twice = sorted({name for name in names if name and names.count(name) > 1})
    if twice:
        raise ValueError(queuelog.DUPLICATE_COLUMNS.format(columns=", ".join(twice)))
    missing = missing_csv_columns(names, mapping)
    if missing:
        raise ValueError(queuelog.COLUMNS_MISSING.format(columns=", ".join(missing)))
    calls: dict[str, queuelog.Passage] = {}  # call id -> its newest passage (linked by prev)
    col = {field: mapping.get(field, "") for field in CSV_FIELDS}

    def value(row: dict, field: str) -> str:
        return (row.get(col[field]) or "") if col[field] else ""

    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error:
        raise ValueError(queuelog.BROKEN_CSV.format(line=reader.line_num + 1)) from None
    for lineno, row in rows:
        report.lines_read += 1
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            report.skip(lineno, queuelog.EMPTY_LINE)
            continue
        # the reasons name the column, never the value (it may be anything: a phone number)
        try:
            ts = _csv_start(value(row, "start"), zone)
        except (ValueError, OverflowError, OSError):
            report.skip(lineno, queuelog.UNREADABLE_START.format(column=col["start"]))
            continue
        if not queuelog.MIN_TS <= ts < queuelog.MAX_TS:
            report.skip(lineno, queuelog.START_OUT_OF_RANGE.format(column=col["start"]))
            continue
        durations: dict[str, int] = {}
        for field in ("wait", "talk"):
            try:
                durations[field] = _seconds(value(row, field))
            except ValueError:
                report.skip(lineno, queuelog.UNREADABLE_DURATION.format(column=col[field]))
                break
        if len(durations) < 2:
            continue
        wait, talk = durations["wait"], durations["talk"]
        queue = value(row, "queue").strip()
        if not queue:
            report.skip(lineno, queuelog.EMPTY_QUEUE.format(column=col["queue"]))
            continue
        callid = value(row, "callid").strip() or f"{name}-{lineno}"
        raw_outcome = value(row, "outcome").strip()
        outcome = CSV_OUTCOMES.get(_outcome_key(raw_outcome), queuelog.OTHER)
        if _outcome_key(raw_outcome) not in CSV_OUTCOMES:
            report.unknown_events[raw_outcome.lower() or "(empty)"] += 1
        answered = outcome in (queuelog.ANSWERED, queuelog.TRANSFER)
        passage = queuelog.Passage(callid, queue, ts, lineno, lineno)
        passage.wait, passage.outcome = wait, outcome
        passage.connect_ts = ts + wait if answered else None
        passage.talk = talk if answered else 0
        passage.end_ts = ts + wait + (talk if answered else 0)
        passage.exit_event = "CSV"
        passage.agent = value(row, "agent").strip() if answered else ""
        passage.prev = calls.get(callid)
        calls[callid] = passage
        report.passages += 1
        report.first_ts = ts if report.first_ts is None else min(report.first_ts, ts)
        report.last_ts = ts if report.last_ts is None else max(report.last_ts, ts)
    if report.first_ts is not None:  # this file replaces what earlier CSV files said of its period
        queues = {passage.queue for head in calls.values() for passage in queuelog.chain(head)}
        _delete_period("csv", report.first_ts, report.last_ts, queues)
    writer = Writer(source, stop=stop)
    writer.calls(list(calls.values()))  # first queue, answered if the last passage is
    report.calls = len(calls)
    writer.close()
    return report


def import_generic_csv_file(
    path: str | Path,
    mapping: dict[str, str],
    *,
    run: ImportRun | None = None,
    delimiter: str = ",",
    tz: str = "Europe/Paris",
    display_name: str | None = None,
) -> ImportRun:
    """A generic CSV file, all or nothing; it replaces what earlier CSV files said of its
    period and queues (the same content imported again replaces itself)."""
    path = Path(path)
    name = display_name or path.name
    run = run or ImportRun.objects.create(file_name=name, stored_path=str(path), file_format="csv")

    def read(source: ImportSource) -> queuelog.ImportReport:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            return import_generic_csv(
                handle, mapping, source, name, tz=tz, delimiter=delimiter, stop=lambda: _stop_requested(run)
            )

    return _import_whole_file(run, path, name, read)


# --- agents ---------------------------------------------------------------------------------
def merge_agent(agent_id: int) -> int:
    """The passages and activities imported under this identifier go to the person's main
    identifier (``Agent.same_as``); returns the number of rows moved. Final: the rows keep no
    trace of the identifier they were logged under."""
    agent = Agent.objects.filter(pk=agent_id).first()
    if agent is None or agent.same_as_id is None:
        return 0
    with transaction.atomic():
        moved = QueuePassage.objects.filter(agent_id=agent.pk).update(agent_id=agent.same_as_id)
        moved += AgentActivity.objects.filter(agent_id=agent.pk).update(agent_id=agent.same_as_id)
    return moved


# --- opening hours ---------------------------------------------------------------------
def recompute_in_hours(
    start: date | None = None, end: date | None = None, *, weekday: int | None = None
) -> int:
    """Re-flag the passages (and so the calls) after the opening hours changed (per day, in SQL);
    ``weekday`` limits it to the days of one weekday (a weekly slot changed)."""
    calendar = opening_calendar()
    dates = QueuePassage.objects.order_by().values_list("local_date", flat=True).distinct()
    if weekday is not None:
        dates = dates.filter(weekday=weekday)
    if start:
        dates = dates.filter(local_date__gte=start)
    if end:
        dates = dates.filter(local_date__lte=end)
    changed = 0
    for day in dates:
        slots = calendar.slots(day)
        condition = Q(pk__in=[])
        for opens, closes in slots:
            condition |= Q(local_minute__gte=opens, local_minute__lt=closes)
        rows = QueuePassage.objects.filter(local_date=day)
        with transaction.atomic():  # the day's figures come from its passages until refreshed
            flagged = rows.filter(condition).exclude(in_hours=True).update(in_hours=True)
            flagged += rows.exclude(condition).exclude(in_hours=False).update(in_hours=False)
            if flagged:
                rollups.mark([day])
        changed += flagged
    rollups.refresh()
    return changed


def seed_opening_hours() -> None:
    """Write the default weekly hours as editable rows (idempotent)."""
    if OpeningHours.objects.exists():
        return
    for weekday, slots in DEFAULT_WEEK.items():
        for opens, closes in slots:
            OpeningHours.objects.create(
                weekday=weekday,
                opens=time(opens // 60, opens % 60),
                closes=time(closes // 60, closes % 60),
            )


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), PARIS)
    return start, start + timedelta(days=1)
