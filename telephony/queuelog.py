"""Asterisk ``queue_log`` parsing and rebuilding of queue passages and calls.

Pure Python, no Django import. The builder is fed one line at a time (streaming), never
fails on a bad line (it records the line number and the reason instead) and produces:

* :class:`Passage`: one visit of one call (callid) to one queue, opened by ENTERQUEUE and
  closed by exactly one terminal event (research/telephony.md §1.7);
* :class:`CallRecord`: every passage sharing a callid ("multi-stint" call, §1.8 P2): reported
  on its first queue, answered when its last passage is answered, waits summed;
* :class:`AgentRecord`: agent presence (login), pauses and unanswered rings.

Rules for messy logs (§1.8): QUEUESTART closes every open passage as ``unknown``; a second
ENTERQUEUE for an open (callid, queue) closes the first one as ``unknown``; passages older
than ``max_age`` seconds are closed as ``unknown``; a transfer line whose (callid, queue)
has no open passage closes the answered passage of that queue taken by the same agent
(attended transfer, asterisk issue #759); a CONNECT without an open passage adopts the
waiting passage of a consultation call that logged ``ATTENDEDTRANSFER``; unknown events are
counted, never fatal.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

ANSWERED = "answered"
TRANSFER = "transfer"
ABANDONED = "abandoned"
TIMEOUT = "timeout"
OTHER = "other"
UNKNOWN = "unknown"
OUTCOMES = (ANSWERED, TRANSFER, ABANDONED, TIMEOUT, OTHER, UNKNOWN)

# Events that neither open nor close a passage and carry nothing we store.
INFORMATIONAL = frozenset(
    {
        "DID",
        "INFO",
        "RINGCANCELED",
        "AGENTDUMP",
        "CONFIGRELOAD",
        "PENALTY",
        "RINGINUSE",
        "PAUSEALL",
        "UNPAUSEALL",
        "CALLERONHOLD",
        "CALLEROFFHOLD",
        "HEARTBEAT",
        "OUTCALL",
        "PAUSEREASON",
        "CALLSTATUS",
        "FULL",
        "JOINEMPTY",
        "JOINUNAVAIL",
        "CLOSED",
        "LEAVEEMPTY",
        "DIVERT_CA_RATIO",
        "DIVERT_HOLDTIME",
        "AGENTCALLBACKLOGIN",
        "AGENTCALLBACKLOGOFF",
    }
)
COMPLETE = frozenset({"COMPLETECALLER", "COMPLETEAGENT"})
TRANSFERS = frozenset({"BLINDTRANSFER", "ATTENDEDTRANSFER", "TRANSFER"})
# Unanswered exits: event -> (outcome, index of the wait field counted from the start)
EXITS = {
    "ABANDON": (ABANDONED, 2),
    "EXITWITHTIMEOUT": (TIMEOUT, 2),
    "EXITWITHKEY": (OTHER, 3),
    "EXITEMPTY": (OTHER, 2),
    "WITHDRAW": (OTHER, 2),
    "SYSCOMPAT": (OTHER, -1),
}
DEFAULT_MAX_AGE = 4 * 3600
SETTLE_SECONDS = 3600
AGENT_SESSION_HORIZON = 12 * 3600
MAX_SKIPPED_KEPT = 1000


@dataclass(slots=True)
class Passage:
    callid: str
    queue: str
    enter_ts: int
    offset: int
    lineno: int
    position: int | None = None
    connect_ts: int | None = None
    end_ts: int | None = None
    wait: int | None = None
    talk: int | None = None
    outcome: str = UNKNOWN
    exit_event: str = ""
    agent: str = ""

    @property
    def answered(self) -> bool:
        return self.connect_ts is not None and self.outcome in (ANSWERED, TRANSFER)


@dataclass(slots=True)
class CallRecord:
    callid: str
    first_offset: int
    first_lineno: int
    queue: str
    start_ts: int
    end_ts: int
    passages: int = 0
    answered: bool = False
    outcome: str = UNKNOWN
    total_wait: int = 0
    talk: int = 0
    last_ts: int = 0
    open_count: int = 0
    items: list[Passage] = field(default_factory=list)


@dataclass(slots=True)
class AgentRecord:
    agent: str
    queue: str
    kind: str  # "login", "pause", "ring"
    start_ts: int
    end_ts: int | None
    reason: str = ""
    offset: int = 0
    lineno: int = 0


@dataclass
class ImportReport:
    lines_read: int = 0
    passages: int = 0
    calls: int = 0
    agent_records: int = 0
    skipped_count: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    unknown_closed: int = 0
    ignored_events: Counter = field(default_factory=Counter)
    unknown_events: Counter = field(default_factory=Counter)
    first_ts: int | None = None
    last_ts: int | None = None

    def skip(self, lineno: int, reason: str) -> None:
        self.skipped_count += 1
        if len(self.skipped) < MAX_SKIPPED_KEPT:
            self.skipped.append((lineno, reason))

    def as_dict(self) -> dict:
        return {
            "lines_read": self.lines_read,
            "passages": self.passages,
            "calls": self.calls,
            "agent_records": self.agent_records,
            "skipped_count": self.skipped_count,
            "skipped": [list(item) for item in self.skipped],
            "unknown_closed": self.unknown_closed,
            "ignored_events": dict(self.ignored_events),
            "unknown_events": dict(self.unknown_events),
            "first_ts": self.first_ts,
            "last_ts": self.last_ts,
        }


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        try:
            return int(float(value))
        except ValueError:
            return None


class QueueLogBuilder:
    """Streaming state machine: call :meth:`feed` per line, then :meth:`finish`.

    ``on_passage`` receives every closed passage; ``on_call`` every settled call;
    ``on_agent`` every agent record. Open state can be inspected with :meth:`pending_offset`.
    """

    def __init__(
        self,
        on_passage: Callable[[Passage], None] | None = None,
        on_call: Callable[[CallRecord], None] | None = None,
        on_agent: Callable[[AgentRecord], None] | None = None,
        *,
        max_age: int = DEFAULT_MAX_AGE,
    ) -> None:
        self.report = ImportReport()
        self.on_passage = on_passage or (lambda p: None)
        self.on_call = on_call or (lambda c: None)
        self.on_agent = on_agent or (lambda a: None)
        self.max_age = max_age
        self.open: dict[tuple[str, str], Passage] = {}
        self.calls: dict[str, CallRecord] = {}
        self.logins: dict[str, AgentRecord] = {}
        self.pauses: dict[tuple[str, str], AgentRecord] = {}
        self.transferred: set[str] = set()
        self._last_sweep = 0
        self.now = 0

    # --- parsing ---------------------------------------------------------------------
    def feed_line(self, line: str, lineno: int, offset: int) -> None:
        """One raw line of the file form ``epoch|callid|queue|agent|EVENT|data…``."""
        report = self.report
        report.lines_read += 1
        line = line.rstrip("\r\n")
        if not line:
            report.skip(lineno, "empty line")
            return
        fields = line.split("|")
        if len(fields) < 5:
            report.skip(lineno, f"{len(fields)} fields, at least 5 expected")
            return
        try:
            ts = int(fields[0])
        except ValueError:
            report.skip(lineno, "time is not an epoch number")
            return
        self.feed(ts, fields[1], fields[2], fields[3], fields[4], fields[5:], lineno, offset)

    def feed(
        self,
        ts: int,
        callid: str,
        queue: str,
        agent: str,
        event: str,
        data: list[str],
        lineno: int,
        offset: int,
    ) -> None:
        report = self.report
        if report.first_ts is None:
            report.first_ts = ts
        if ts > self.now:
            self.now = ts
        report.last_ts = self.now
        if event == "ENTERQUEUE":
            self._enter(ts, callid, queue, data, lineno, offset)
        elif event == "CONNECT":
            self._connect(ts, callid, queue, agent, data, lineno)
        elif event in COMPLETE:
            self._complete(ts, callid, queue, event, data, lineno)
        elif event in EXITS:
            self._exit(ts, callid, queue, agent, event, data, lineno)
        elif event in TRANSFERS:
            self._transfer(ts, callid, queue, agent, event, data, lineno)
        elif event == "RINGNOANSWER":
            ms = _int(data[0]) if data else None
            if ms:
                self._agent(AgentRecord(agent, queue, "ring", ts, ts + ms // 1000, "", offset, lineno))
            else:
                report.ignored_events[event] += 1
        elif event in ("PAUSE", "UNPAUSE"):
            self._pause(ts, queue, agent, event == "PAUSE", data[0] if data else "", offset, lineno)
        elif event in ("AGENTLOGIN", "ADDMEMBER"):
            if agent not in self.logins:
                self.logins[agent] = AgentRecord(
                    agent, "" if queue == "NONE" else queue, "login", ts, None, "", offset, lineno
                )
            else:
                report.ignored_events[event] += 1
        elif event in ("AGENTLOGOFF", "REMOVEMEMBER"):
            record = self.logins.pop(agent, None)
            if record is None:
                report.ignored_events[event] += 1
            else:
                record.end_ts = ts
                self._agent(record)
                self._close_pauses(agent, ts)
        elif event == "QUEUESTART":
            self._restart(ts)
        elif event in INFORMATIONAL:
            report.ignored_events[event] += 1
        elif not event:
            report.skip(lineno, "empty event name")
        else:
            report.unknown_events[event] += 1
        if self.now - self._last_sweep >= 300:
            self._sweep()

    # --- passages --------------------------------------------------------------------
    def _enter(self, ts: int, callid: str, queue: str, data: list[str], lineno: int, offset: int) -> None:
        if not callid or callid == "NONE" or not queue or queue == "NONE":
            self.report.skip(lineno, "ENTERQUEUE without call id or queue")
            return
        key = (callid, queue)
        previous = self.open.pop(key, None)
        if previous is not None:
            self._close_unknown(previous, ts)
        passage = Passage(callid, queue, ts, offset, lineno)
        if len(data) >= 3:
            passage.position = _int(data[2])
        self.open[key] = passage
        call = self.calls.get(callid)
        if call is None:
            call = self.calls[callid] = CallRecord(callid, offset, lineno, queue, ts, ts)
        call.open_count += 1
        call.last_ts = ts

    def _find_open(self, callid: str, queue: str, lineno: int, event: str) -> Passage | None:
        passage = self.open.get((callid, queue))
        if passage is None:
            self.report.skip(lineno, f"{event} without an open ENTERQUEUE for this call and queue")
        return passage

    def _connect(self, ts: int, callid: str, queue: str, agent: str, data: list[str], lineno: int) -> None:
        passage = self.open.get((callid, queue))
        if passage is None:
            passage = self._adopt(callid, queue)
            if passage is None:
                self.report.skip(lineno, "CONNECT without an open ENTERQUEUE for this call and queue")
                return
        passage.connect_ts = ts
        passage.agent = agent
        hold = _int(data[0]) if data else None
        passage.wait = hold if hold is not None and hold >= 0 else ts - passage.enter_ts

    def _adopt(self, callid: str, queue: str) -> Passage | None:
        """Attended transfer (#759): the consultation call's waiting passage becomes ours."""
        for (other_id, other_queue), candidate in list(self.open.items()):
            if other_queue == queue and other_id in self.transferred and candidate.connect_ts is None:
                del self.open[(other_id, other_queue)]
                old_call = self.calls.get(other_id)
                if old_call is not None:
                    old_call.open_count -= 1
                candidate.callid = callid
                self.open[(callid, queue)] = candidate
                call = self.calls.get(callid)
                if call is None:
                    call = self.calls[callid] = CallRecord(
                        callid,
                        candidate.offset,
                        candidate.lineno,
                        queue,
                        candidate.enter_ts,
                        candidate.enter_ts,
                    )
                call.open_count += 1
                return candidate
        return None

    def _complete(self, ts: int, callid: str, queue: str, event: str, data: list[str], lineno: int) -> None:
        passage = self.open.get((callid, queue))
        if passage is None or passage.connect_ts is None:
            self.report.skip(lineno, "COMPLETE without an answered passage for this call and queue")
            return
        talk = _int(data[1]) if len(data) > 1 else None
        passage.talk = talk if talk is not None and talk >= 0 else ts - passage.connect_ts
        self._close(passage, ts, ANSWERED, event)

    def _transfer(
        self, ts: int, callid: str, queue: str, agent: str, event: str, data: list[str], lineno: int
    ) -> None:
        if event == "ATTENDEDTRANSFER":
            self.transferred.add(callid)
        passage = self.open.get((callid, queue))
        if passage is None or passage.connect_ts is None:
            passage = next(
                (
                    p
                    for (_c, q), p in self.open.items()
                    if q == queue and p.connect_ts is not None and p.agent == agent
                ),
                None,
            )
            if passage is None:
                self.report.skip(lineno, f"{event} without an answered passage for this queue and agent")
                return
        # hold, call time and origpos are the last three fields on 1.4+ layouts.
        talk = _int(data[-2]) if len(data) >= 4 else None
        passage.talk = talk if talk is not None and talk >= 0 else ts - (passage.connect_ts or ts)
        self._close(passage, ts, TRANSFER, event)

    def _exit(
        self, ts: int, callid: str, queue: str, agent: str, event: str, data: list[str], lineno: int
    ) -> None:
        passage = self._find_open(callid, queue, lineno, event)
        if passage is None:
            return
        outcome, index = EXITS[event]
        wait = _int(data[index]) if 0 <= index < len(data) else None
        passage.wait = wait if wait is not None and wait >= 0 else ts - passage.enter_ts
        passage.connect_ts = None
        if agent and agent != "NONE":
            passage.agent = agent
        self._close(passage, ts, outcome, event)

    def _close(self, passage: Passage, ts: int, outcome: str, event: str) -> None:
        self.open.pop((passage.callid, passage.queue), None)
        passage.end_ts = ts
        passage.outcome = outcome
        passage.exit_event = event
        if passage.wait is None:
            passage.wait = max(0, ts - passage.enter_ts)
        self.report.passages += 1
        call = self.calls.get(passage.callid)
        if call is not None:
            call.open_count -= 1
            call.items.append(passage)
            call.last_ts = max(call.last_ts, ts)
        self.on_passage(passage)

    def _close_unknown(self, passage: Passage, ts: int) -> None:
        self.report.unknown_closed += 1
        end = max(passage.enter_ts, ts)
        if passage.connect_ts is not None:
            passage.talk = end - passage.connect_ts
        self._close(passage, end, UNKNOWN, "")

    def _restart(self, ts: int) -> None:
        for passage in list(self.open.values()):
            self._close_unknown(passage, ts)
        for record in self.logins.values():
            record.end_ts = ts
            self._agent(record)
        self.logins.clear()
        for record in self.pauses.values():
            record.end_ts = ts
            self._agent(record)
        self.pauses.clear()

    # --- agents ----------------------------------------------------------------------
    def _agent(self, record: AgentRecord) -> None:
        self.report.agent_records += 1
        self.on_agent(record)

    def _pause(
        self, ts: int, queue: str, agent: str, paused: bool, reason: str, offset: int, lineno: int
    ) -> None:
        key = (agent, queue)
        current = self.pauses.get(key)
        if paused:
            if current is None:
                self.pauses[key] = AgentRecord(agent, queue, "pause", ts, None, reason, offset, lineno)
            return
        if current is not None:
            del self.pauses[key]
            current.end_ts = ts
            self._agent(current)

    def _close_pauses(self, agent: str, ts: int) -> None:
        for key in [k for k in self.pauses if k[0] == agent]:
            record = self.pauses.pop(key)
            record.end_ts = ts
            self._agent(record)

    # --- calls -----------------------------------------------------------------------
    def _emit_call(self, call: CallRecord) -> None:
        items = sorted(call.items, key=lambda p: (p.enter_ts, p.offset))
        if not items:
            return
        first, last = items[0], items[-1]
        call.queue = first.queue
        call.start_ts = first.enter_ts
        call.end_ts = max(p.end_ts or p.enter_ts for p in items)
        call.passages = len(items)
        call.answered = last.answered
        call.outcome = last.outcome
        call.total_wait = sum(p.wait or 0 for p in items)
        call.talk = sum(p.talk or 0 for p in items if p.answered)
        self.report.calls += 1
        self.on_call(call)

    def _sweep(self) -> None:
        """Close passages older than max_age and emit calls settled for an hour."""
        self._last_sweep = self.now
        limit = self.now - self.max_age
        for passage in [p for p in self.open.values() if p.enter_ts < limit]:
            self._close_unknown(passage, passage.enter_ts + self.max_age)
        settled = self.now - SETTLE_SECONDS
        done = [c for c in self.calls.values() if c.open_count <= 0 and c.last_ts < settled]
        for call in done:
            del self.calls[call.callid]
            self.transferred.discard(call.callid)
            self._emit_call(call)

    def pending_offset(self) -> tuple[int, int] | None:
        """(offset, line number) of the earliest line of a call or agent session not settled yet."""
        settled = self.now - SETTLE_SECONDS
        points = [
            (c.first_offset, c.first_lineno)
            for c in self.calls.values()
            if c.open_count > 0 or c.last_ts >= settled
        ]
        recent = self.now - AGENT_SESSION_HORIZON
        points += [
            (r.offset, r.lineno)
            for r in list(self.logins.values()) + list(self.pauses.values())
            if r.start_ts >= recent
        ]
        return min(points) if points else None

    def finish(self, *, final: bool = True) -> tuple[int, int] | None:
        """End of data. Returns the offset to re-read from next time (None: all settled).

        With ``final`` every open passage is closed as unknown. Otherwise recent open
        passages are reported as unknown too (written so the figures add up), but the
        returned offset lets the next incremental import re-read and complete them.
        """
        self._sweep()
        resume = None if final else self.pending_offset()
        for passage in list(self.open.values()):
            self._close_unknown(passage, self.now)
        for call in list(self.calls.values()):
            self._emit_call(call)
        self.calls.clear()
        if final:
            for record in list(self.logins.values()) + list(self.pauses.values()):
                record.end_ts = self.now
                self._agent(record)
        else:
            for record in list(self.logins.values()) + list(self.pauses.values()):
                self._agent(record)
        self.logins.clear()
        self.pauses.clear()
        return resume


def iter_lines(
    stream: io.BufferedIOBase, start: int = 0, first_lineno: int = 1
) -> Iterator[tuple[str, int, int, int]]:
    """(text, line number, byte offset, offset of the next line) for each complete line.

    A trailing line without its newline is left for the next import (the writer may be
    in the middle of it).
    """
    offset = start
    lineno = first_lineno
    for raw in stream:
        if not raw.endswith(b"\n"):
            break
        end = offset + len(raw)
        yield raw.decode("utf-8", "replace"), lineno, offset, end
        offset = end
        lineno += 1


def parse_text(
    text: str, *, final: bool = True
) -> tuple[list[Passage], list[CallRecord], list[AgentRecord], ImportReport]:
    """Convenience for tests and small files: everything in memory."""
    passages: list[Passage] = []
    calls: list[CallRecord] = []
    agents: list[AgentRecord] = []
    builder = QueueLogBuilder(passages.append, calls.append, agents.append)
    offset = 0
    for lineno, line in enumerate(text.splitlines(keepends=True), start=1):
        builder.feed_line(line, lineno, offset)
        offset += len(line.encode())
    builder.finish(final=final)
    return passages, calls, agents, builder.report


# --- database form -------------------------------------------------------------------
DB_FIELD_ALIASES = {
    "time": ("time", "time_id", "timestamp", "date"),
    "callid": ("callid", "call_id", "uniqueid"),
    "queue": ("queuename", "queue"),
    "agent": ("agent",),
    "event": ("event", "verb"),
}


def db_row_fields(row: dict[str, str], tz: ZoneInfo) -> tuple[int, str, str, str, str, list[str]]:
    """Map one row of the database form (columns by name) to the file form's fields.

    ``time`` may be an epoch or ``YYYY-MM-DD HH:MM:SS[.ffffff]`` in ``tz`` (server local
    time, or UTC with ``queue_log_realtime_use_gmt``). ``data1..data5`` or ``data``.
    """
    lower = {str(k).strip().lower(): (v if v is not None else "") for k, v in row.items() if k is not None}

    def pick(name: str) -> str:
        for alias in DB_FIELD_ALIASES[name]:
            if alias in lower:
                return str(lower[alias]).strip()
        raise KeyError(name)

    raw_time = pick("time")
    if raw_time.replace(".", "", 1).isdigit():
        ts = int(float(raw_time))
    else:
        moment = datetime.fromisoformat(raw_time)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=tz)
        ts = int(moment.timestamp())
    if any(f"data{i}" in lower for i in range(1, 6)):
        data = [str(lower.get(f"data{i}", "")) for i in range(1, 6)]
        data[4] = data[4].rstrip("|")  # asterisk issue #859
        while data and data[-1] == "":
            data.pop()
    else:
        data = str(lower.get("data", "")).split("|")
    return ts, pick("callid"), pick("queue"), pick("agent"), pick("event"), data


def feed_db_csv(builder: QueueLogBuilder, text: Iterable[str], tz: ZoneInfo) -> None:
    """Feed a CSV export of the ``queue_log`` table (header row with column names)."""
    reader = csv.DictReader(text)
    rows = []
    for lineno, row in enumerate(reader, start=2):
        try:
            rows.append((*db_row_fields(row, tz), lineno))
        except (KeyError, ValueError) as exc:
            builder.report.lines_read += 1
            builder.report.skip(lineno, f"unreadable row ({exc.__class__.__name__}: {exc})")
    rows.sort(key=lambda r: (r[0], r[6]))  # database rows may be out of order (P10)
    for ts, callid, queue, agent, event, data, lineno in rows:
        builder.report.lines_read += 1
        builder.feed(ts, callid, queue, agent, event, data, lineno, lineno)
