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
import time as clock
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from telephony import queuelog
from telephony.hours import DEFAULT_WEEK, OpeningCalendar, minutes
from telephony.models import (
    Agent,
    AgentActivity,
    Call,
    ImportRun,
    ImportSource,
    OpeningException,
    OpeningHours,
    Queue,
    QueuePassage,
)

PARIS = ZoneInfo("Europe/Paris")
HEAD_LENGTH = 4096
BATCH = 5000
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
ProgressCallback = Callable[[int, int, queuelog.ImportReport], None]


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


class LocalClock:
    """Fast epoch → (UTC datetime, local date, minute, weekday, in hours), cached per hour/day."""

    def __init__(self, calendar: OpeningCalendar) -> None:
        self.calendar = calendar
        self._offsets: dict[int, int] = {}
        self._days: dict[int, tuple[date, tuple[tuple[int, int], ...]]] = {}

    def utc(self, ts: int | None) -> datetime | None:
        return None if ts is None else datetime.fromtimestamp(ts, UTC)

    def local(self, ts: int) -> tuple[date, int, int, bool]:
        hour = ts // 3600
        offset = self._offsets.get(hour)
        if offset is None:
            offset = int(datetime.fromtimestamp(hour * 3600, PARIS).utcoffset().total_seconds())
            self._offsets[hour] = offset
        local_ts = ts + offset
        days = local_ts // 86400
        cached = self._days.get(days)
        if cached is None:
            day = date.fromordinal(EPOCH_ORDINAL + days)
            cached = self._days[days] = (day, self.calendar.slots(day))
        day, slots = cached
        minute = (local_ts % 86400) // 60
        in_hours = any(start <= minute < end for start, end in slots)
        return day, minute, day.weekday(), in_hours


class Writer:
    """Buffers builder output and writes it with bulk_create in batches."""

    def __init__(self, source: ImportSource | None, calendar: OpeningCalendar | None = None) -> None:
        self.source = source
        self.clock = LocalClock(calendar or opening_calendar())
        self.queues = dict(Queue.objects.values_list("name", "id"))
        self.agents = dict(Agent.objects.values_list("identifier", "id"))
        self.passages: list[QueuePassage] = []
        self.calls: list[Call] = []
        self.activities: list[AgentActivity] = []

    def queue_id(self, name: str) -> int:
        name = name[:128] or "NONE"
        found = self.queues.get(name)
        if found is None:
            found = self.queues[name] = Queue.objects.get_or_create(name=name)[0].id
        return found

    def agent_id(self, identifier: str) -> int | None:
        if not identifier or identifier == "NONE":
            return None
        identifier = identifier[:128]
        found = self.agents.get(identifier)
        if found is None:
            found = self.agents[identifier] = Agent.objects.get_or_create(identifier=identifier)[0].id
        return found

    def passage(self, p: queuelog.Passage) -> None:
        day, minute, weekday, in_hours = self.clock.local(p.enter_ts)
        answered = p.answered
        self.passages.append(
            QueuePassage(
                source=self.source,
                offset=p.offset,
                callid=p.callid[:80],
                queue_id=self.queue_id(p.queue),
                agent_id=self.agent_id(p.agent),
                entered_at=self.clock.utc(p.enter_ts),
                connected_at=self.clock.utc(p.connect_ts),
                ended_at=self.clock.utc(p.end_ts),
                wait=max(0, p.wait or 0),
                talk=max(0, p.talk or 0) if answered else 0,
                outcome=p.outcome,
                answered=answered,
                exit_event=p.exit_event[:32],
                position=p.position if p.position is not None and 0 <= p.position < 32768 else None,
                local_date=day,
                local_minute=minute,
                weekday=weekday,
                in_hours=in_hours,
            )
        )
        if len(self.passages) >= BATCH:
            self.flush()

    def call(self, c: queuelog.CallRecord) -> None:
        day, minute, weekday, in_hours = self.clock.local(c.start_ts)
        self.calls.append(
            Call(
                source=self.source,
                first_offset=c.first_offset,
                callid=c.callid[:80],
                queue_id=self.queue_id(c.queue),
                started_at=self.clock.utc(c.start_ts),
                ended_at=self.clock.utc(c.end_ts),
                passages=min(c.passages, 32767),
                answered=c.answered,
                outcome=c.outcome,
                total_wait=max(0, c.total_wait),
                talk=max(0, c.talk),
                local_date=day,
                local_minute=minute,
                weekday=weekday,
                in_hours=in_hours,
            )
        )
        if len(self.calls) >= BATCH:
            self.flush()

    def agent(self, a: queuelog.AgentRecord) -> None:
        day = self.clock.local(a.start_ts)[0]
        self.activities.append(
            AgentActivity(
                source=self.source,
                agent_id=self.agent_id(a.agent) or self.agent_id("?"),
                queue_id=self.queue_id(a.queue) if a.queue and a.queue != "NONE" else None,
                kind=a.kind,
                started_at=self.clock.utc(a.start_ts),
                ended_at=self.clock.utc(a.end_ts),
                reason=a.reason[:80],
                local_date=day,
                offset=a.offset,
            )
        )
        if len(self.activities) >= BATCH:
            self.flush()

    def flush(self) -> None:
        with transaction.atomic():
            if self.passages:
                QueuePassage.objects.bulk_create(self.passages, batch_size=BATCH)
                self.passages = []
            if self.calls:
                Call.objects.bulk_create(self.calls, batch_size=BATCH)
                self.calls = []
            if self.activities:
                AgentActivity.objects.bulk_create(self.activities, batch_size=BATCH)
                self.activities = []


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _open(path: Path) -> io.BufferedIOBase:
    if path.suffix == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _size(path: Path) -> int:
    if path.suffix == ".gz":
        with gzip.open(path, "rb") as handle:
            return handle.seek(0, io.SEEK_END)
    return path.stat().st_size


def find_source(name: str, head: bytes) -> ImportSource | None:
    """The source this file continues: same name and same first bytes, or a renamed copy."""
    for source in ImportSource.objects.filter(name=name):
        if len(head) >= source.head_length and _hash(head[: source.head_length]) == source.head_hash:
            return source
    if len(head) >= HEAD_LENGTH:
        return ImportSource.objects.filter(
            head_length=HEAD_LENGTH, head_hash=_hash(head[:HEAD_LENGTH])
        ).first()
    return None


def _delete_from(source: ImportSource, offset: int) -> None:
    QueuePassage.objects.filter(source=source, offset__gte=offset).delete()
    Call.objects.filter(source=source, first_offset__gte=offset).delete()
    AgentActivity.objects.filter(source=source, offset__gte=offset).delete()


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
        with _open(path) as stream:
            head = stream.read(HEAD_LENGTH)
        size = _size(path)
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
            source.resume_lineno = 1
        run.size = size
        if size == source.offset and not final:
            run.start_offset = run.bytes_done = size
            report = queuelog.ImportReport()
            run.report = {**report.as_dict(), "up_to_date": True}
            return _finish(run, ImportRun.Status.DONE)
        start, lineno = source.resume_offset, source.resume_lineno
        run.start_offset = run.bytes_done = start
        run.save(update_fields=["source", "size", "start_offset", "bytes_done"])
        _delete_from(source, start)
        writer = Writer(source)
        builder = queuelog.QueueLogBuilder(writer.passage, writer.call, writer.agent)
        end = start
        last_save = clock.monotonic()
        try:
            with _open(path) as stream:
                stream.seek(start)
                for text, number, offset, end in queuelog.iter_lines(stream, start, lineno):
                    builder.feed_line(text, number, offset)
                    if number % 20000 == 0:
                        now = clock.monotonic()
                        if now - last_save > 0.5:
                            last_save = now
                            run.bytes_done = end
                            run.report = builder.report.as_dict()
                            run.save(update_fields=["bytes_done", "report"])
                            if progress:
                                progress(end, size, builder.report)
            resume = builder.finish(final=final)
            writer.flush()
        except Exception:
            _delete_from(source, start)
            raise
        source.offset = end
        if resume is None:
            source.resume_offset, source.resume_lineno = end, lineno + builder.report.lines_read
        else:
            source.resume_offset, source.resume_lineno = resume
        source.save()
        run.bytes_done = end
        run.report = builder.report.as_dict()
        if progress:
            progress(end, size, builder.report)
        return _finish(run, ImportRun.Status.DONE)
    except Exception as exc:
        run.error = f"{exc.__class__.__name__}: {exc}"
        _finish(run, ImportRun.Status.FAILED)
        raise


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
    builder = queuelog.QueueLogBuilder(writer.passage, writer.call, writer.agent)
    for text_line, number, offset, _end in queuelog.iter_lines(io.BytesIO(data)):
        builder.feed_line(text_line, number, offset)
    builder.finish(final=final)
    writer.flush()
    source.offset = source.resume_offset = len(data)
    source.save()
    return builder.report


def import_db_csv(path: str | Path, *, tz: str = "Europe/Paris", run: ImportRun | None = None) -> ImportRun:
    """CSV export of the queue_log *database* table (time, callid, queuename, agent, event,
    data1..data5 or data). Rows are sorted by time; the whole file is one source."""
    path = Path(path)
    run = run or ImportRun.objects.create(file_name=path.name, stored_path=str(path), file_format="db")
    source = ImportSource.objects.create(
        name=path.name, head_hash=_hash(path.read_bytes()[:HEAD_LENGTH]), head_length=0
    )
    writer = Writer(source)
    builder = queuelog.QueueLogBuilder(writer.passage, writer.call, writer.agent)
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        queuelog.feed_db_csv(builder, handle, ZoneInfo(tz))
    builder.finish(final=True)
    writer.flush()
    run.source = source
    run.size = run.bytes_done = path.stat().st_size
    run.report = builder.report.as_dict()
    return _finish(run, ImportRun.Status.DONE)


# --- generic CSV (one row per queue passage, for platforms that are not Asterisk) --------
CSV_FIELDS = ("callid", "queue", "start", "wait", "talk", "outcome", "agent")
CSV_OUTCOMES = {
    "answered": queuelog.ANSWERED,
    "repondu": queuelog.ANSWERED,
    "transfer": queuelog.TRANSFER,
    "abandoned": queuelog.ABANDONED,
    "abandon": queuelog.ABANDONED,
    "timeout": queuelog.TIMEOUT,
}


def import_generic_csv(
    stream: Iterable[str], mapping: dict[str, str], name: str = "calls.csv", *, tz: str = "Europe/Paris"
) -> queuelog.ImportReport:
    """Rows with a call id, queue, start time (ISO, local time), wait and talk seconds,
    outcome and agent; ``mapping`` gives the column name of each field."""
    zone = ZoneInfo(tz)
    report = queuelog.ImportReport()
    source = ImportSource.objects.create(name=name, head_hash=_hash(name.encode()), head_length=0)
    writer = Writer(source)
    reader = csv.DictReader(stream)
    for lineno, row in enumerate(reader, start=2):
        report.lines_read += 1
        try:
            start = datetime.fromisoformat(row[mapping["start"]].strip())
            if start.tzinfo is None:
                start = start.replace(tzinfo=zone)
            ts = int(start.timestamp())
            wait = int(float(row[mapping["wait"]] or 0))
            talk = int(float(row.get(mapping.get("talk", ""), "") or 0))
            outcome = CSV_OUTCOMES.get(row[mapping["outcome"]].strip().lower(), queuelog.OTHER)
            callid = row[mapping["callid"]].strip() or f"{name}-{lineno}"
            queue = row[mapping["queue"]].strip()
        except (KeyError, ValueError) as exc:
            report.skip(lineno, f"unreadable row ({exc.__class__.__name__}: {exc})")
            continue
        answered = outcome in (queuelog.ANSWERED, queuelog.TRANSFER)
        passage = queuelog.Passage(callid, queue, ts, lineno, lineno)
        passage.wait, passage.outcome = wait, outcome
        passage.connect_ts = ts + wait if answered else None
        passage.talk = talk if answered else 0
        passage.end_ts = ts + wait + (talk if answered else 0)
        passage.agent = row.get(mapping.get("agent", ""), "") or ""
        writer.passage(passage)
        call = queuelog.CallRecord(callid, lineno, lineno, queue, ts, passage.end_ts)
        call.items.append(passage)
        call.passages, call.answered, call.outcome = 1, answered, outcome
        call.total_wait, call.talk = wait, passage.talk
        writer.call(call)
        report.passages += 1
        report.calls += 1
    writer.flush()
    return report


# --- opening hours ---------------------------------------------------------------------
def recompute_in_hours(start: date | None = None, end: date | None = None) -> int:
    """Re-flag passages and calls after the opening hours changed (per day, in SQL)."""
    calendar = opening_calendar()
    dates = QueuePassage.objects.order_by().values_list("local_date", flat=True).distinct()
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
        for model in (QueuePassage, Call):
            rows = model.objects.filter(local_date=day)
            changed += rows.filter(condition).exclude(in_hours=True).update(in_hours=True)
            changed += rows.exclude(condition).exclude(in_hours=False).update(in_hours=False)
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
