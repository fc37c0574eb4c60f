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
import gc
import io
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import accumulate
from operator import itemgetter
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
# how often (seconds of log time) stale passages are closed and settled calls emitted
SWEEP_EVERY = 300
AGENT_SESSION_HORIZON = 12 * 3600
MAX_SKIPPED_KEPT = 1000


class Passage:
    """One passage of one call through one queue.

    A plain class whose rarely-set attributes are class-level defaults: building one sets
    five attributes only (measured faster than a slotted dataclass, which sets all 13).
    """

    position: int | None = None
    connect_ts: int | None = None
    end_ts: int | None = None
    wait: int | None = None
    talk: int | None = None
    outcome: str = UNKNOWN
    exit_event: str = ""
    agent: str = ""

    def __init__(
        self,
        callid: str,
        queue: str,
        enter_ts: int,
        offset: int,
        lineno: int,
        position: int | None = None,
    ) -> None:
        self.callid = callid
        self.queue = queue
        self.enter_ts = enter_ts
        self.offset = offset
        self.lineno = lineno
        if position is not None:
            self.position = position

    @property
    def answered(self) -> bool:
        return self.connect_ts is not None and self.outcome in (ANSWERED, TRANSFER)

    def __repr__(self) -> str:
        return f"Passage({self.callid!r}, {self.queue!r}, {self.enter_ts}, {self.outcome!r})"


class CallRecord:
    """Every passage sharing a call id; summary fields are filled when the call is emitted."""

    passages: int = 0
    answered: bool = False
    outcome: str = UNKNOWN
    total_wait: int = 0
    talk: int = 0
    open_count: int = 0

    def __init__(
        self, callid: str, first_offset: int, first_lineno: int, queue: str, start_ts: int, end_ts: int
    ) -> None:
        self.callid = callid
        self.first_offset = first_offset
        self.first_lineno = first_lineno
        self.queue = queue
        self.start_ts = start_ts
        self.end_ts = end_ts
        self.last_ts = start_ts
        self.items: list[Passage] = []

    def __repr__(self) -> str:
        return f"CallRecord({self.callid!r}, {self.queue!r}, {self.passages}, {self.outcome!r})"


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
        # calls whose passages are all closed, in closing order (emitted an hour later)
        self.closed: deque[CallRecord] = deque()
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

    def feed_stream(
        self,
        stream: io.BufferedIOBase,
        start: int = 0,
        first_lineno: int = 1,
        progress: Callable[[int, int], None] | None = None,
        block_size: int = 1 << 16,
    ) -> tuple[int, int]:
        """Read complete lines from ``stream`` (positioned at byte ``start``) to the end.

        The hot path of a large import. The stream is read by blocks, each block decoded
        once and split into lines; each line is split once, data fields included (the
        handlers index them, no second split); byte offsets are computed only for the lines
        that open something (cumulative start of each line of the block, in C); the
        events that make nearly all lines (DID, ENTERQUEUE, CONNECT, COMPLETE*) are handled
        inline with local names, every other event goes through :meth:`_dispatch` with the
        same rules as :meth:`feed`. A last line without its newline is left for the next
        import. (A columnar variant — ``map(str.split)`` over the block, ``compress`` to
        skip DID lines — was measured 25 % slower: it keeps every row alive.)
        Returns (offset after the last complete line, number of the next line);
        ``progress(offset, next line number)`` is called after each block.
        """
        # Millions of short-lived lists and records, no reference cycles: the cyclic garbage
        # collector would only rescan them (measured 10 % of the parse); paused meanwhile.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._feed_blocks(stream, start, first_lineno, progress, block_size)
        finally:
            if collecting:
                gc.enable()

    def _feed_blocks(
        self,
        stream: io.BufferedIOBase,
        start: int,
        first_lineno: int,
        progress: Callable[[int, int], None] | None,
        block_size: int,
    ) -> tuple[int, int]:
        report = self.report
        open_passages = self.open
        open_get, open_pop = open_passages.get, open_passages.pop
        calls = self.calls
        calls_get = calls.get
        closed_append = self.closed.append
        on_passage = self.on_passage
        dispatch = self._dispatch
        now = self.now
        next_sweep = self._last_sweep + SWEEP_EVERY
        first_ts = report.first_ts
        offset, lineno = start, first_lineno
        passages_closed = dids = 0
        last_stamp, ts = None, 0
        pending = b""
        while True:
            chunk = stream.read(block_size)
            if not chunk:
                break
            chunk = pending + chunk
            cut = chunk.rfind(b"\n") + 1
            if not cut:
                pending = chunk
                continue
            pending = chunk[cut:]
            block = chunk[:cut]
            text = block.decode("utf-8", "replace")
            crlf = b"\r" in block
            if crlf:
                text = text.replace("\r\n", "\n")
            lines = text.split("\n")
            lines.pop()  # after the last newline
            # byte length of each line: the offset of a line is computed only when needed
            lengths = map(len, lines if not crlf and block.isascii() else block.split(b"\n"))
            # offset of the line at index i = starts[i] + i (the newlines before it)
            starts = list(accumulate(lengths, initial=offset))
            for index, line in enumerate(lines):
                fields = line.split("|")  # data fields too: no second split per event
                try:
                    event = fields[4]
                except IndexError:
                    report.skip(
                        lineno + index,
                        f"{len(fields)} fields, at least 5 expected" if line else "empty line",
                    )
                    continue
                stamp = fields[0]
                if stamp != last_stamp:  # consecutive lines often share their second (DID, ENTERQUEUE)
                    try:
                        ts = int(stamp)
                    except ValueError:
                        report.skip(lineno + index, "time is not an epoch number")
                        continue
                    last_stamp = stamp
                    if ts > now:
                        now = ts
                    if first_ts is None:
                        first_ts = report.first_ts = ts
                if event == "DID":
                    dids += 1
                elif event == "ENTERQUEUE":
                    callid, queue = fields[1], fields[2]
                    if not callid or callid == "NONE" or not queue or queue == "NONE":
                        report.skip(lineno + index, "ENTERQUEUE without call id or queue")
                    else:
                        position = None
                        if len(fields) > 7:  # url|callerid|position
                            try:
                                position = int(fields[7])
                            except ValueError:
                                position = _int(fields[7])
                        key = (callid, queue)
                        previous = open_pop(key, None)
                        if previous is not None:
                            self.now = now
                            self._close_unknown(previous, ts)
                        line_offset = starts[index] + index
                        number = lineno + index
                        open_passages[key] = Passage(callid, queue, ts, line_offset, number, position)
                        call = calls_get(callid)
                        if call is None:
                            call = calls[callid] = CallRecord(callid, line_offset, number, queue, ts, ts)
                        call.open_count += 1
                        call.last_ts = ts
                elif event == "CONNECT":
                    passage = open_get((fields[1], fields[2]))
                    if passage is None:
                        self.now = now
                        dispatch(
                            ts,
                            fields[1],
                            fields[2],
                            fields[3],
                            event,
                            fields[5:],
                            lineno + index,
                            starts[index] + index,
                        )
                    else:
                        passage.connect_ts = ts
                        passage.agent = fields[3]
                        hold = -1
                        if len(fields) > 5:  # holdtime|bridged channel|ringtime
                            try:
                                hold = int(fields[5])
                            except ValueError:
                                hold = _int(fields[5])
                                if hold is None:
                                    hold = -1
                        passage.wait = hold if hold >= 0 else ts - passage.enter_ts
                elif event == "COMPLETECALLER" or event == "COMPLETEAGENT":
                    callid = fields[1]
                    key = (callid, fields[2])
                    passage = open_get(key)
                    if passage is None or passage.connect_ts is None:
                        report.skip(
                            lineno + index, "COMPLETE without an answered passage for this call and queue"
                        )
                    else:
                        talk = -1
                        if len(fields) > 6:  # holdtime|calltime|origposition
                            try:
                                talk = int(fields[6])
                            except ValueError:
                                talk = _int(fields[6])
                                if talk is None:
                                    talk = -1
                        passage.talk = talk if talk >= 0 else ts - passage.connect_ts
                        # inline _close(passage, ts, ANSWERED, event)
                        del open_passages[key]
                        passage.end_ts = ts
                        passage.outcome = ANSWERED
                        passage.exit_event = event
                        if passage.wait is None:
                            passage.wait = max(0, ts - passage.enter_ts)
                        passages_closed += 1
                        call = calls_get(callid)
                        if call is not None:
                            call.open_count -= 1
                            call.items.append(passage)
                            if ts > call.last_ts:
                                call.last_ts = ts
                            if call.open_count <= 0:
                                closed_append(call)
                        on_passage(passage)
                else:
                    self.now = now
                    dispatch(
                        ts,
                        fields[1],
                        fields[2],
                        fields[3],
                        event,
                        fields[5:],
                        lineno + index,
                        starts[index] + index,
                    )
                if now >= next_sweep:
                    self.now = now
                    report.passages += passages_closed
                    passages_closed = 0
                    self._sweep()
                    next_sweep = now + SWEEP_EVERY
            report.lines_read += len(lines)
            lineno += len(lines)
            offset += len(block)
            if progress is not None:
                progress(offset, lineno)
        self.now = now
        self._last_sweep = next_sweep - SWEEP_EVERY
        report.passages += passages_closed
        if dids:
            report.ignored_events["DID"] += dids
        report.last_ts = now if first_ts is not None else report.last_ts
        return offset, lineno

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
        """One line already split into fields (database form, tests)."""
        report = self.report
        if report.first_ts is None:
            report.first_ts = ts
        if ts > self.now:
            self.now = ts
        report.last_ts = self.now
        self._dispatch(ts, callid, queue, agent, event, data, lineno, offset)
        if self.now - self._last_sweep >= SWEEP_EVERY:
            self._sweep()

    def _dispatch(
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
                    if old_call.open_count <= 0:
                        self.closed.append(old_call)
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
            if ts > call.last_ts:
                call.last_ts = ts
            if call.open_count <= 0:
                self.closed.append(call)
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
        items = call.items
        if not items:
            return
        if len(items) == 1:
            only = items[0]
            call.queue = only.queue
            call.start_ts = only.enter_ts
            call.end_ts = only.end_ts if only.end_ts is not None else only.enter_ts
            call.passages = 1
            answered = call.answered = only.answered
            call.outcome = only.outcome
            call.total_wait = only.wait or 0
            call.talk = (only.talk or 0) if answered else 0
        else:
            items.sort(key=lambda p: (p.enter_ts, p.offset))
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
        """Close passages older than max_age and emit calls settled for an hour.

        Calls whose passages are all closed wait in ``self.closed`` in closing order, so
        the sweep stops at the first call closed less than an hour ago (a call reopened by
        another passage is skipped: it is queued again when it closes).
        """
        self._last_sweep = now = self.now
        limit = now - self.max_age
        stale = [p for p in self.open.values() if p.enter_ts < limit]
        for passage in stale:
            self._close_unknown(passage, passage.enter_ts + self.max_age)
        settled = now - SETTLE_SECONDS
        closed = self.closed
        calls, transferred = self.calls, self.transferred
        on_call, emit, report = self.on_call, self._emit_call, self.report
        emitted = 0
        while closed and closed[0].last_ts < settled:
            call = closed.popleft()
            callid = call.callid
            if call.open_count > 0 or calls.get(callid) is not call:
                continue  # reopened since, or already emitted
            del calls[callid]
            if transferred:
                transferred.discard(callid)
            items = call.items
            if len(items) != 1:
                emit(call)
                continue
            only = items[0]  # the common case, inlined: one passage
            call.queue = only.queue
            call.start_ts = only.enter_ts
            end_ts = only.end_ts
            call.end_ts = only.enter_ts if end_ts is None else end_ts
            call.passages = 1
            outcome = call.outcome = only.outcome
            answered = call.answered = only.connect_ts is not None and outcome in (ANSWERED, TRANSFER)
            call.total_wait = only.wait or 0
            call.talk = (only.talk or 0) if answered else 0
            emitted += 1
            on_call(call)
        report.calls += emitted

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
        self.report.skipped.sort(key=itemgetter(0))  # a bad block reports its lines first
        resume = None if final else self.pending_offset()
        for passage in list(self.open.values()):
            self._close_unknown(passage, self.now)
        for call in list(self.calls.values()):
            self._emit_call(call)
        self.calls.clear()
        self.closed.clear()
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
    """Convenience for tests and small files: everything in memory (same path as a file)."""
    passages: list[Passage] = []
    calls: list[CallRecord] = []
    agents: list[AgentRecord] = []
    builder = QueueLogBuilder(passages.append, calls.append, agents.append)
    if text and not text.endswith("\n"):
        text += "\n"
    builder.feed_stream(io.BytesIO(text.encode()))
    builder.finish(final=final)
    return passages, calls, agents, builder.report


def parse_lines_slowly(
    text: str, *, final: bool = True
) -> tuple[list[Passage], list[CallRecord], list[AgentRecord], ImportReport]:
    """The same through :meth:`QueueLogBuilder.feed_line`, one line at a time (a reference
    for tests: both paths must give the same result)."""
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
