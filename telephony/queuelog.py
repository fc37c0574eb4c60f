"""Asterisk ``queue_log`` parsing and rebuilding of queue passages and calls.

Pure Python, no Django import. The builder is fed one line at a time (streaming), never
fails on a bad line (it records the line number and the reason instead) and produces:

* :class:`Passage`: one visit of one call (callid) to one queue, opened by ENTERQUEUE and
  closed by exactly one terminal event (research/telephony.md §1.7);
* calls: the passages sharing a callid ("multi-stint" call, §1.8 P2), linked by
  ``Passage.prev`` and emitted together; :class:`CallRecord` summarises one (first queue,
  answered when its last passage is answered, waits summed);
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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import accumulate
from operator import itemgetter
from typing import NamedTuple
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
BOM = "\ufeff"  # a byte order mark some editors put at the start of a UTF-8 file
# the times a log may carry: 2000-01-01 to 2099-12-31 (a later one is skipped as an error)
MIN_TS, MAX_TS = 946684800, 4102444800
MAX_DURATION = 86400  # a wait, talk or ring longer than a day is not believed
NO_NAME = frozenset({"", "NONE"})  # an empty call id, queue or agent field
# The caller hung up: a call of one passage ending so is emitted at once; any other end
# (timeout, exit by key, transfer, agent hang-up) may lead the caller to another queue with
# the same call id, so the call waits SETTLE_SECONDS after its last passage closed.
CALLER_GONE = frozenset({"COMPLETECALLER", "ABANDON"})
# how often (seconds of log time) stale passages are closed and settled calls emitted: a
# settled call waits up to this long more, a stale passage is closed at its own deadline
SWEEP_EVERY = 1800
# Hold, talk and wait times are small numbers of seconds: the fast path looks them up here
# (int() first builds an ASCII copy of its string); anything else goes through int().
SECONDS = {str(n): n for n in range(4 * 3600)}
# an open agent session started less than this before the end of the log is re-read by the
# next import (which then sees its end); an older one is written without an end
AGENT_SESSION_HORIZON = 24 * 3600
MAX_SKIPPED_KEPT = 1000
MAX_LINE_BYTES = 1 << 20  # a queue_log line is under 1 KB; a megabyte without a newline is refused


def gettext_noop(message: str) -> str:
    """Marks a message for the French catalogue (this module does not import Django)."""
    return message


# Why a line is skipped: English templates (the code's language) filled with the line's
# values in the report; the pages translate them (telephony_tags.import_message).
EMPTY_LINE = gettext_noop("empty line")
TOO_FEW_FIELDS = gettext_noop("{count} fields, at least 5 expected")
BAD_TIME = gettext_noop("time is not an epoch number")
NO_EVENT = gettext_noop("empty event name")
ENTER_WITHOUT_IDS = gettext_noop("ENTERQUEUE without call id or queue")
CONNECT_WITHOUT_ENTER = gettext_noop("CONNECT without an open ENTERQUEUE for this call and queue")
COMPLETE_UNANSWERED = gettext_noop("COMPLETE without an answered passage for this call and queue")
TRANSFER_UNANSWERED = gettext_noop("{event} without an answered passage for this queue and agent")
EXIT_WITHOUT_ENTER = gettext_noop("{event} without an open ENTERQUEUE for this call and queue")
UNREADABLE_ROW = gettext_noop("unreadable row ({error})")
TIME_OUT_OF_RANGE = gettext_noop("a time after the year 2099")
UNREADABLE_START = gettext_noop("unreadable start time (column {column})")
START_OUT_OF_RANGE = gettext_noop("a start time outside the years 2000 to 2099 (column {column})")
UNREADABLE_DURATION = gettext_noop("unreadable duration (column {column})")
EMPTY_QUEUE = gettext_noop("no queue (column {column})")
# Why a file is refused as a whole (ValueError; the run records the message, translated alike)
COLUMNS_MISSING = gettext_noop("columns missing from the header: {columns}")
DUPLICATE_COLUMNS = gettext_noop("columns named twice in the header: {columns}")
BROKEN_CSV = gettext_noop(
    "the file cannot be read as CSV from line {line} on (a quote left open, or a field over 128 KB)"
)
NOT_GZIP = gettext_noop("the file ends in .gz but is not a readable gzip archive")
TOO_LARGE = gettext_noop(
    "the file holds more than {size} MB to read (setting TELEPHONY_IMPORT_MAX_SIZE): split it"
)
TOO_COMPRESSED = gettext_noop(
    "the file expands more than {ratio} times once decompressed: this is not a call log"
)
LINE_TOO_LONG = gettext_noop("line {line} is longer than {size} KB: this is not a call log")
STOPPED = gettext_noop("stopped on request; what this import had written was removed")
IMPORT_ERRORS = (
    COLUMNS_MISSING, DUPLICATE_COLUMNS, BROKEN_CSV, NOT_GZIP,
    TOO_LARGE, TOO_COMPRESSED, LINE_TOO_LONG, STOPPED,
)  # fmt: skip
SKIP_REASONS = (
    TIME_OUT_OF_RANGE,
    UNREADABLE_START,
    START_OUT_OF_RANGE,
    UNREADABLE_DURATION,
    EMPTY_QUEUE,
    EMPTY_LINE,
    TOO_FEW_FIELDS,
    BAD_TIME,
    NO_EVENT,
    ENTER_WITHOUT_IDS,
    CONNECT_WITHOUT_ENTER,
    COMPLETE_UNANSWERED,
    TRANSFER_UNANSWERED,
    EXIT_WITHOUT_ENTER,
    UNREADABLE_ROW,
)


class Resume(NamedTuple):
    """Where the next incremental import re-reads from: a line's offset, number and time."""

    offset: int
    lineno: int
    ts: int


class Passage:
    """One passage of one call through one queue.

    A plain class whose rarely-set attributes are class-level defaults: building one sets
    five attributes only (measured faster than a slotted dataclass, which sets them all).
    ``prev`` links a call's passages: the newest one leads the call, its ``prev`` is the
    passage that entered before it with the same call id (``None`` for the first).
    """

    connect_ts: int | None = None
    end_ts: int | None = None
    wait: int | None = None
    talk: int | None = None
    outcome: str = UNKNOWN
    exit_event: str = ""
    agent: str = ""
    prev: Passage | None = None

    def __init__(self, callid: str, queue: str, enter_ts: int, offset: int, lineno: int) -> None:
        self.callid = callid
        self.queue = queue
        self.enter_ts = enter_ts
        self.offset = offset
        self.lineno = lineno

    @property
    def answered(self) -> bool:
        return self.connect_ts is not None and self.outcome in (ANSWERED, TRANSFER)

    def __repr__(self) -> str:
        return f"Passage({self.callid!r}, {self.queue!r}, {self.enter_ts}, {self.outcome!r})"


def chain(last: Passage) -> list[Passage]:
    """Every passage linked to ``last`` (``last`` first, then older ones)."""
    items = [last]
    passage = last.prev
    while passage is not None:
        items.append(passage)
        passage = passage.prev
    return items


def call_items(last: Passage) -> list[Passage]:
    """The passages of the call led by ``last``, in order of entry (time, then line)."""
    if last.prev is None:
        return [last]
    return sorted(chain(last), key=lambda p: (p.enter_ts, p.offset))


@dataclass(slots=True)
class CallRecord:
    """Summary of a citizen call (multi-stint, research §1.8 P2): reported on its first queue,
    answered when its last passage is, waits summed, talk of its answered passages summed."""

    callid: str
    queue: str
    start_ts: int
    end_ts: int
    first_offset: int
    passages: int
    answered: bool
    outcome: str
    total_wait: int
    talk: int

    @classmethod
    def of(cls, last: Passage) -> CallRecord:
        items = call_items(last)
        first, final = items[0], items[-1]
        return cls(
            callid=first.callid,
            queue=first.queue,
            start_ts=first.enter_ts,
            end_ts=max(p.end_ts if p.end_ts is not None else p.enter_ts for p in items),
            first_offset=first.offset,
            passages=len(items),
            answered=final.answered,
            outcome=final.outcome,
            total_wait=sum(p.wait or 0 for p in items),
            talk=sum(p.talk or 0 for p in items if p.answered),
        )


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
        except (ValueError, OverflowError):  # text, or "inf"
            return None


def _duration(value: str) -> int | None:
    """A duration field: None unless a number of seconds from 0 to a day (the caller then
    measures it from the lines' times)."""
    seconds = _int(value)
    return seconds if seconds is not None and 0 <= seconds <= MAX_DURATION else None


class QueueLogBuilder:
    """Streaming state machine: call :meth:`feed` per line (or :meth:`feed_stream`), then
    :meth:`finish`.

    ``on_calls`` receives, in one list (one callback per sweep, and per block read by
    :meth:`feed_stream`, not per call), the calls settled since: an hour after their last
    passage closed, or at once for a call of one passage whose caller hung up. Each call is
    given as its newest passage (:func:`call_items` gives them all). ``on_agent`` receives
    every agent record.

    State: ``calls`` maps a call id to the newest passage of its call until the call is
    emitted; ``open`` maps a call id to its open passage (``open_others`` holds the rare
    second open passage of a call id, in another queue); ``closed`` lists, in closing
    order, the passages whose closing closed their call.
    """

    def __init__(
        self,
        on_calls: Callable[[list[Passage]], None] | None = None,
        on_agent: Callable[[AgentRecord], None] | None = None,
        *,
        max_age: int = DEFAULT_MAX_AGE,
    ) -> None:
        self.report = ImportReport()
        self.on_calls = on_calls or (lambda heads: None)
        self._ready: list[Passage] = []  # calls emitted, handed over at the end of the sweep
        self.on_agent = on_agent or (lambda a: None)
        self.max_age = max_age
        self.open: dict[str, Passage] = {}
        self.open_others: dict[tuple[str, str], Passage] = {}
        self.calls: dict[str, Passage] = {}
        self.logins: dict[str, AgentRecord] = {}  # an agent's presence, from its first membership
        self.memberships: dict[str, set[str]] = {}  # its queues ("" for an agent-level login)
        self.pauses: dict[tuple[str, str], AgentRecord] = {}
        self.transferred: set[str] = set()
        self.closed: deque[Passage] = deque()
        self._last_sweep = 0
        self.now = 0

    # --- parsing ---------------------------------------------------------------------
    def feed_line(self, line: str, lineno: int, offset: int) -> None:
        """One raw line of the file form ``epoch|callid|queue|agent|EVENT|data…``."""
        report = self.report
        report.lines_read += 1
        line = line.rstrip("\r\n")
        if offset == 0 and line.startswith(BOM):
            line = line[1:]
        if not line:
            report.skip(lineno, EMPTY_LINE)
            return
        fields = line.split("|")
        if len(fields) < 5:
            report.skip(lineno, TOO_FEW_FIELDS.format(count=len(fields)))
            return
        if fields[4] == "DID":  # as feed_stream: counted, never read (not even its time)
            report.ignored_events["DID"] += 1
            return
        try:
            ts = int(fields[0])
        except ValueError:
            report.skip(lineno, BAD_TIME)
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
        events that make nearly all lines (DID, ENTERQUEUE of a new call id, CONNECT,
        COMPLETE* and ABANDON of its open passage) are handled inline with local names (their
        durations read from ``SECONDS``), every other case goes through :meth:`_dispatch`
        with the same rules as :meth:`feed`. The calls settled in a block are handed over at
        its end. A last line without its newline is left for the next import.
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
        open_get = open_passages.get
        calls = self.calls
        closed_append, ready_append = self.closed.append, self._ready.append
        transferred = self.transferred
        dispatch, call_closed = self._dispatch, self._call_closed
        now = self.now
        first_ts = report.first_ts
        # the first line of a log takes the sweep branch below, where its time is noted; so
        # does any time beyond MAX_TS (next_sweep never exceeds it), which is refused there
        next_sweep = min(self._last_sweep + SWEEP_EVERY, MAX_TS) if first_ts is not None else now
        offset, lineno = start, first_lineno
        passages_closed = dids = 0
        last_stamp, ts = None, 0
        pending = b""
        new_passage, seconds_get = object.__new__, SECONDS.get
        while True:
            chunk = stream.read(block_size)
            if not chunk:
                break
            chunk = pending + chunk
            cut = chunk.rfind(b"\n") + 1
            if not cut:
                pending = chunk
                if len(pending) > MAX_LINE_BYTES:  # else each block would copy it again
                    raise ValueError(LINE_TOO_LONG.format(line=lineno, size=MAX_LINE_BYTES >> 10))
                continue
            pending = chunk[cut:]
            block = chunk[:cut]
            text = block.decode("utf-8", "replace")
            crlf = b"\r" in block
            if crlf:
                text = text.replace("\r\n", "\n")
            lines = text.split("\n")
            lines.pop()  # after the last newline
            if offset == 0 and text.startswith(BOM):  # a file saved by a Windows editor
                lines[0] = lines[0][1:]
            # byte length of each line: the offset of a line is computed only when needed
            # (the text is ASCII, a flag read in O(1), only when every byte was one character)
            lengths = map(len, lines if not crlf and text.isascii() else block.split(b"\n"))
            # offset of the line at index i = starts[i] + i (the newlines before it)
            starts = list(accumulate(lengths, initial=offset))
            for index, line in enumerate(lines):
                fields = line.split("|")  # data fields too: no second split per event
                try:
                    event = fields[4]
                except IndexError:
                    report.skip(
                        lineno + index,
                        TOO_FEW_FIELDS.format(count=len(fields)) if line else EMPTY_LINE,
                    )
                    continue
                if event == "DID":  # a quarter of the lines, never read (not even the time)
                    dids += 1
                    continue
                stamp = fields[0]
                if stamp != last_stamp:  # consecutive lines often share their second
                    try:
                        ts = int(stamp)
                    except ValueError:
                        report.skip(lineno + index, BAD_TIME)
                        continue
                    last_stamp = stamp
                    if ts > now:
                        if ts >= next_sweep:  # the log time moved on: sweep before this line
                            if ts >= MAX_TS:
                                report.skip(lineno + index, TIME_OUT_OF_RANGE)
                                last_stamp = None
                                continue
                            if first_ts is None:
                                first_ts = report.first_ts = ts
                            self.now = ts
                            report.passages += passages_closed
                            passages_closed = 0
                            self._sweep()
                            next_sweep = min(ts + SWEEP_EVERY, MAX_TS)
                        now = ts
                # The common cases inline (each `continue`s); anything else, or anything
                # unusual about them, falls through to the generic dispatch at the end.
                callid = fields[1]
                if event == "ENTERQUEUE":
                    queue = fields[2]
                    if callid not in calls and queue not in NO_NAME and callid not in NO_NAME:
                        # a new call id: its first passage (nearly every ENTERQUEUE)
                        # Passage(callid, queue, ts, offset, lineno) without the call of __init__
                        open_passages[callid] = calls[callid] = passage = new_passage(Passage)
                        passage.callid = callid
                        passage.queue = queue
                        passage.enter_ts = ts
                        passage.offset = starts[index] + index
                        passage.lineno = lineno + index
                        continue
                elif event == "CONNECT":
                    passage = open_get(callid)
                    if passage is not None and passage.queue == fields[2]:
                        try:
                            hold = seconds_get(fields[5])  # holdtime|bridged channel|ringtime
                        except IndexError:
                            hold = None
                        if hold is not None:
                            passage.connect_ts = ts
                            passage.agent = fields[3]
                            passage.wait = hold
                            continue
                elif event == "COMPLETECALLER" or event == "COMPLETEAGENT":
                    passage = open_get(callid)
                    if passage is not None and passage.connect_ts is not None and passage.queue == fields[2]:
                        try:
                            talk = seconds_get(fields[6])  # holdtime|calltime|origposition
                        except IndexError:
                            talk = None
                        if talk is not None:
                            passage.talk = talk
                            # _close(passage, ts, ANSWERED, event) inline: the same tail as
                            # ABANDON below, kept apart (merged, it cost 1.5 % of the parse)
                            del open_passages[callid]
                            passage.end_ts = ts
                            passage.outcome = ANSWERED
                            passage.exit_event = event
                            passages_closed += 1
                            if passage.prev is not None:
                                call_closed(passage)
                            elif event == "COMPLETECALLER":  # CALLER_GONE: the call is over (_emit)
                                del calls[callid]
                                if transferred:
                                    transferred.discard(callid)
                                ready_append(passage)
                            else:
                                closed_append(passage)  # the caller may go on to another queue
                            continue
                elif event == "ABANDON":
                    passage = open_get(callid)
                    if passage is not None and passage.queue == fields[2]:
                        try:
                            wait = seconds_get(fields[7])  # position|origposition|waittime
                        except IndexError:
                            wait = None
                        if wait is not None:
                            passage.wait = wait
                            passage.connect_ts = None
                            agent = fields[3]
                            if agent not in NO_NAME:
                                passage.agent = agent
                            del open_passages[callid]  # _close(passage, ts, ABANDONED, event)
                            passage.end_ts = ts
                            passage.outcome = ABANDONED
                            passage.exit_event = event
                            passages_closed += 1
                            if passage.prev is None:  # CALLER_GONE: the call is over (_emit)
                                del calls[callid]
                                if transferred:
                                    transferred.discard(callid)
                                ready_append(passage)
                            else:
                                call_closed(passage)
                            continue
                self.now = now
                dispatch(
                    ts, callid, fields[2], fields[3], event, fields[5:], lineno + index, starts[index] + index
                )
            report.lines_read += len(lines)
            lineno += len(lines)
            offset += len(block)
            self._hand_over()  # the calls emitted in this block, given in one list
            if progress is not None:
                progress(offset, lineno)
        self.now = now
        report.passages += passages_closed
        if dids:
            report.ignored_events["DID"] += dids
        if first_ts is not None:
            self._last_sweep = next_sweep - SWEEP_EVERY
            report.last_ts = now
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
        if ts >= MAX_TS:
            report.skip(lineno, TIME_OUT_OF_RANGE)
            return
        if report.first_ts is None:
            report.first_ts = ts
        if ts > self.now:
            self.now = ts
            if ts - self._last_sweep >= SWEEP_EVERY:  # as feed_stream: sweep before the line
                self._sweep()
        report.last_ts = self.now
        self._dispatch(ts, callid, queue, agent, event, data, lineno, offset)

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
            self._enter(ts, callid, queue, lineno, offset)
        elif event == "CONNECT":
            self._connect(ts, callid, queue, agent, data, lineno)
        elif event in COMPLETE:
            self._complete(ts, callid, queue, event, data, lineno)
        elif event in EXITS:
            self._exit(ts, callid, queue, agent, event, data, lineno)
        elif event in TRANSFERS:
            self._transfer(ts, callid, queue, agent, event, data, lineno)
        elif event == "RINGNOANSWER":
            ms = _int(data[0]) if data else None  # milliseconds
            if ms and 0 < ms <= MAX_DURATION * 1000:
                self._agent(AgentRecord(agent, queue, "ring", ts, ts + ms // 1000, "", offset, lineno))
            else:
                report.ignored_events[event] += 1
        elif event in ("PAUSE", "UNPAUSE"):
            self._pause(ts, queue, agent, event == "PAUSE", data[0] if data else "", offset, lineno)
        elif event in ("AGENTLOGIN", "ADDMEMBER"):
            self._join(ts, agent, queue if event == "ADDMEMBER" else "", offset, lineno, event)
        elif event in ("AGENTLOGOFF", "REMOVEMEMBER"):
            self._leave(ts, agent, queue if event == "REMOVEMEMBER" else None, event)
        elif event == "QUEUESTART":
            self._restart(ts)
        elif event in INFORMATIONAL:
            report.ignored_events[event] += 1
        elif not event:
            report.skip(lineno, NO_EVENT)
        else:
            report.unknown_events[event] += 1

    # --- passages --------------------------------------------------------------------
    def _open_for(self, callid: str, queue: str) -> Passage | None:
        passage = self.open.get(callid)
        if passage is not None and passage.queue == queue:
            return passage
        return self.open_others.get((callid, queue))

    def _open_passages(self) -> list[Passage]:
        return [*self.open.values(), *self.open_others.values()]

    def _register(self, passage: Passage) -> None:
        """``passage`` is open and leads its call (joined to the earlier passages of its id)."""
        callid = passage.callid
        current = self.open.get(callid)
        if current is not None:  # the same call id still waits in another queue
            self.open_others[(callid, current.queue)] = current
        self.open[callid] = passage
        passage.prev = self.calls.get(callid)
        self.calls[callid] = passage

    def _enter(self, ts: int, callid: str, queue: str, lineno: int, offset: int) -> None:
        if callid in NO_NAME or queue in NO_NAME:
            self.report.skip(lineno, ENTER_WITHOUT_IDS)
            return
        previous = self._open_for(callid, queue)
        if previous is not None:
            self._close_unknown(previous, ts)
        self._register(Passage(callid, queue, ts, offset, lineno))

    def _connect(self, ts: int, callid: str, queue: str, agent: str, data: list[str], lineno: int) -> None:
        passage = self._open_for(callid, queue)
        if passage is None:
            passage = self._adopt(callid, queue)
            if passage is None:
                self.report.skip(lineno, CONNECT_WITHOUT_ENTER)
                return
        passage.connect_ts = ts
        passage.agent = agent
        hold = _duration(data[0]) if data else None
        passage.wait = hold if hold is not None else ts - passage.enter_ts

    def _adopt(self, callid: str, queue: str) -> Passage | None:
        """Attended transfer (#759): the consultation call's waiting passage becomes ours."""
        for candidate in self._open_passages():
            if (
                candidate.queue == queue
                and candidate.callid in self.transferred
                and candidate.connect_ts is None
            ):
                self._detach(candidate)
                candidate.callid = callid
                self._register(candidate)
                return candidate
        return None

    def _detach(self, passage: Passage) -> None:
        """Take an open passage out of its call (the rest of the call stays as it was)."""
        callid = passage.callid
        if self.open.get(callid) is passage:
            del self.open[callid]
        else:
            self.open_others.pop((callid, passage.queue), None)
        head = self.calls.get(callid)
        rest = [p for p in chain(head) if p is not passage] if head is not None else []
        passage.prev = None
        if not rest:
            self.calls.pop(callid, None)
            return
        for newer, older in zip(rest, rest[1:], strict=False):
            newer.prev = older
        rest[-1].prev = None
        self.calls[callid] = rest[0]
        self._call_closed(rest[0])

    def _complete(self, ts: int, callid: str, queue: str, event: str, data: list[str], lineno: int) -> None:
        passage = self._open_for(callid, queue)
        if passage is None or passage.connect_ts is None:
            self.report.skip(lineno, COMPLETE_UNANSWERED)
            return
        talk = _duration(data[1]) if len(data) > 1 else None
        passage.talk = talk if talk is not None else ts - passage.connect_ts
        self._close(passage, ts, ANSWERED, event)

    def _transfer(
        self, ts: int, callid: str, queue: str, agent: str, event: str, data: list[str], lineno: int
    ) -> None:
        if event == "ATTENDEDTRANSFER":
            self.transferred.add(callid)
        passage = self._open_for(callid, queue)
        if passage is None or passage.connect_ts is None:
            passage = next(
                (
                    p
                    for p in self._open_passages()
                    if p.queue == queue and p.connect_ts is not None and p.agent == agent
                ),
                None,
            )
            if passage is None:
                self.report.skip(lineno, TRANSFER_UNANSWERED.format(event=event))
                return
        # research §1.3: BLINDTRANSFER and TRANSFER (1.4+) give exten|context|hold|calltime
        # [|origpos]; ATTENDEDTRANSFER a method with one or two fields, then hold|calltime|origpos
        if event == "ATTENDEDTRANSFER":
            talk = _duration(data[-2]) if len(data) >= 5 else None
        else:
            talk = _duration(data[3]) if len(data) >= 4 else None
        passage.talk = talk if talk is not None else ts - (passage.connect_ts or ts)
        self._close(passage, ts, TRANSFER, event)

    def _exit(
        self, ts: int, callid: str, queue: str, agent: str, event: str, data: list[str], lineno: int
    ) -> None:
        passage = self._open_for(callid, queue)
        if passage is None:
            self.report.skip(lineno, EXIT_WITHOUT_ENTER.format(event=event))
            return
        outcome, index = EXITS[event]
        wait = _duration(data[index]) if 0 <= index < len(data) else None
        passage.wait = wait if wait is not None else ts - passage.enter_ts
        passage.connect_ts = None
        if agent not in NO_NAME:
            passage.agent = agent
        self._close(passage, ts, outcome, event)

    def _close(self, passage: Passage, ts: int, outcome: str, event: str) -> None:
        callid = passage.callid
        if self.open.get(callid) is passage:
            del self.open[callid]
        else:
            self.open_others.pop((callid, passage.queue), None)
        passage.end_ts = ts
        passage.outcome = outcome
        passage.exit_event = event
        if passage.wait is None:
            passage.wait = max(0, ts - passage.enter_ts)
        self.report.passages += 1
        if event in CALLER_GONE and passage.prev is None and self.calls.get(callid) is passage:
            self._emit(passage)  # the caller hung up: no other passage can follow
        else:
            self._call_closed(passage)

    def _call_closed(self, passage: Passage) -> None:
        """A passage of this call closed: when the whole call is closed, queue the passage
        that ended last (the sweep emits the call an hour after that end)."""
        head = self.calls.get(passage.callid)
        if head is passage and passage.prev is None:  # a call of one passage
            self.closed.append(passage)
            return
        if head is None:
            return
        items = chain(head)
        if all(p.end_ts is not None for p in items):
            self.closed.append(max(items, key=lambda p: p.end_ts or 0))

    def _close_unknown(self, passage: Passage, ts: int) -> None:
        self.report.unknown_closed += 1
        end = max(passage.enter_ts, ts)
        if passage.connect_ts is not None:
            passage.talk = end - passage.connect_ts
        self._close(passage, end, UNKNOWN, "")

    def _restart(self, ts: int) -> None:
        for passage in self._open_passages():
            self._close_unknown(passage, ts)
        for record in self.logins.values():
            record.end_ts = ts
            self._agent(record)
        self.logins.clear()
        self.memberships.clear()
        for record in self.pauses.values():
            record.end_ts = ts
            self._agent(record)
        self.pauses.clear()

    # --- agents ----------------------------------------------------------------------
    def _join(self, ts: int, agent: str, queue: str, offset: int, lineno: int, event: str) -> None:
        """A membership starts (a queue, or "" for an agent-level login). The agent's presence
        is the union of its memberships (research §2.5): it starts with the first one."""
        queues = self.memberships.setdefault(agent, set())
        if agent not in self.logins:
            first = "" if queue == "NONE" else queue
            self.logins[agent] = AgentRecord(agent, first, "login", ts, None, "", offset, lineno)
        elif queue in queues:
            self.report.ignored_events[event] += 1  # already a member there
        queues.add(queue)

    def _leave(self, ts: int, agent: str, queue: str | None, event: str) -> None:
        """A membership ends (``None``: every one, the agent logged off); the presence ends
        with the last one."""
        record = self.logins.get(agent)
        if record is None:
            self.report.ignored_events[event] += 1
            return
        queues = self.memberships.get(agent, set())
        if queue is None:
            queues.clear()
        else:
            queues.discard(queue)
        if queues:
            return
        del self.logins[agent]
        self.memberships.pop(agent, None)
        record.end_ts = ts
        self._agent(record)
        self._close_pauses(agent, ts)

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
    def _emit(self, head: Passage) -> None:
        callid = head.callid
        del self.calls[callid]
        self.transferred.discard(callid)
        self._ready.append(head)

    def _hand_over(self) -> None:
        """Pass the calls emitted since the last sweep to ``on_calls`` (which must not keep
        the list: it is emptied and reused)."""
        ready = self._ready
        if ready:
            self.report.calls += len(ready)
            self.on_calls(ready)
            ready.clear()

    def _settle(self, closer: Passage) -> None:
        """The rare case of the sweep: ``closer`` closed a call that has or had several passages."""
        head = self.calls.get(closer.callid)
        if head is None:
            return  # emitted already
        items = chain(head)
        if closer not in items or any(p.end_ts is None for p in items):
            return  # another call with this id, or reopened: queued again when it closes
        if max(p.end_ts or 0 for p in items) <= (closer.end_ts or 0):  # else a later one is queued
            self._emit(head)

    def _sweep(self) -> None:
        """Close passages older than max_age and emit calls settled for an hour.

        Closing passages wait in ``self.closed`` in closing order, so the sweep stops at the
        first one closed less than an hour ago. The common case (a call of one passage that
        still leads its call id) is emitted inline; the others go through :meth:`_settle`.
        """
        self._last_sweep = now = self.now
        limit = now - self.max_age
        for passage in [p for p in self._open_passages() if p.enter_ts < limit]:
            self._close_unknown(passage, passage.enter_ts + self.max_age)
        settled = now - SETTLE_SECONDS
        closed = self.closed
        popleft = closed.popleft
        calls = self.calls
        calls_get, transferred = calls.get, self.transferred
        add = self._ready.append
        while closed and closed[0].end_ts < settled:
            passage = popleft()
            callid = passage.callid
            if passage.prev is None and calls_get(callid) is passage:
                del calls[callid]
                if transferred:
                    transferred.discard(callid)
                add(passage)
            else:
                self._settle(passage)
        self._hand_over()

    def pending_offset(self) -> Resume | None:
        """The earliest line of a call or agent session not settled yet."""
        settled = self.now - SETTLE_SECONDS
        points = []
        for head in self.calls.values():
            items = chain(head)
            if any(p.end_ts is None or p.end_ts >= settled for p in items):
                points.append(min(Resume(p.offset, p.lineno, p.enter_ts) for p in items))
        recent = self.now - AGENT_SESSION_HORIZON
        points += [
            Resume(r.offset, r.lineno, r.start_ts)
            for r in list(self.logins.values()) + list(self.pauses.values())
            if r.start_ts >= recent
        ]
        return min(points) if points else None

    def finish(self, *, final: bool = True) -> Resume | None:
        """End of data. Returns the offset to re-read from next time (None: all settled).

        With ``final`` every open passage is closed as unknown. Otherwise recent open
        passages are reported as unknown too (written so the figures add up), but the
        returned offset lets the next incremental import re-read and complete them.
        """
        self._sweep()
        self.report.skipped.sort(key=itemgetter(0))  # a bad block reports its lines first
        resume = None if final else self.pending_offset()
        for passage in self._open_passages():
            self._close_unknown(passage, self.now)
        for head in list(self.calls.values()):
            self._emit(head)
        self._hand_over()
        self.closed.clear()
        if final:
            for record in list(self.logins.values()) + list(self.pauses.values()):
                record.end_ts = self.now
                self._agent(record)
        else:
            for record in list(self.logins.values()) + list(self.pauses.values()):
                self._agent(record)
        self.logins.clear()
        self.memberships.clear()
        self.pauses.clear()
        return resume


Parsed = tuple[list[Passage], list[CallRecord], list[AgentRecord], ImportReport]


def _collect(feed: Callable[[QueueLogBuilder], None], final: bool) -> Parsed:
    heads: list[Passage] = []
    agents: list[AgentRecord] = []
    builder = QueueLogBuilder(heads.extend, agents.append)
    feed(builder)
    builder.finish(final=final)
    passages = [p for head in heads for p in call_items(head)]
    return passages, [CallRecord.of(head) for head in heads], agents, builder.report


def parse_text(text: str, *, final: bool = True) -> Parsed:
    """Convenience for tests and small files: everything in memory (same path as a file).
    Passages come call by call, in the order the calls were emitted."""
    if text and not text.endswith("\n"):
        text += "\n"
    return _collect(lambda builder: builder.feed_stream(io.BytesIO(text.encode())), final)


def parse_lines_slowly(text: str, *, final: bool = True) -> Parsed:
    """The same through :meth:`QueueLogBuilder.feed_line`, one line at a time (a reference
    for tests: both paths must give the same result)."""

    def feed(builder: QueueLogBuilder) -> None:
        offset = 0
        for lineno, line in enumerate(text.splitlines(keepends=True), start=1):
            builder.feed_line(line, lineno, offset)
            offset += len(line.encode())

    return _collect(feed, final)


# --- database form -------------------------------------------------------------------
DB_FIELD_ALIASES = {
    "time": ("time", "time_id", "timestamp", "date"),
    "callid": ("callid", "call_id", "uniqueid"),
    "queue": ("queuename", "queue"),
    "agent": ("agent",),
    "event": ("event", "verb"),
}


def db_row_fields(
    row: dict[str, str], tz: ZoneInfo
) -> tuple[int, str, str, str, str, list[str], tuple[float, int]]:
    """Map one row of the database form (columns by name) to the file form's fields, plus
    the row's order: its exact time, then its ``id`` (rows of one second keep their order).

    ``time`` may be an epoch or ``YYYY-MM-DD HH:MM:SS[.ffffff]`` in ``tz`` (server local
    time, or UTC with ``queue_log_realtime_use_gmt``). ``data1..data5`` (``data5`` holds
    the rest of the line, pipes included: research §1.2) or ``data``.
    """
    lower = {str(k).strip().lower(): (v if v is not None else "") for k, v in row.items() if k is not None}

    def column(name: str) -> str:
        return next(alias for alias in DB_FIELD_ALIASES[name] if alias in lower)

    def pick(name: str) -> str:
        return str(lower[column(name)]).strip()

    raw_time = pick("time")
    try:  # the reasons name the column, never the value (it may be anything: a phone number)
        if raw_time.replace(".", "", 1).isdigit():
            exact = float(raw_time)
        else:
            moment = datetime.fromisoformat(raw_time)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=tz)
            exact = moment.timestamp()
    except (ValueError, OverflowError, OSError):
        raise ValueError(UNREADABLE_START.format(column=column("time"))) from None
    if exact >= MAX_TS:
        raise ValueError(TIME_OUT_OF_RANGE)
    if any(f"data{i}" in lower for i in range(1, 6)):
        data = [str(lower.get(f"data{i}", "")) for i in range(1, 5)]
        data += str(lower.get("data5", "")).rstrip("|").split("|")  # trailing |: asterisk #859
        while data and data[-1] == "":
            data.pop()
    else:
        data = str(lower.get("data", "")).split("|")
    row_id = _int(str(lower.get("id", "")).strip()) or 0
    return int(exact), pick("callid"), pick("queue"), pick("agent"), pick("event"), data, (exact, row_id)


def read_db_csv(text: Iterable[str], tz: ZoneInfo) -> tuple[list[tuple], ImportReport]:
    """Read a CSV export of the ``queue_log`` table (header row with column names): its rows
    as file-form fields, sorted by time (database rows may be out of order, P10), and a
    report of the rows that could not be read, with their line numbers. Raises ValueError
    when the header lacks a column (nothing is read then)."""
    reader = csv.DictReader(text)
    header = {str(name).strip().lower() for name in reader.fieldnames or []}
    missing = [name for name, aliases in DB_FIELD_ALIASES.items() if not header.intersection(aliases)]
    if missing:
        raise ValueError(COLUMNS_MISSING.format(columns=", ".join(missing)))
    report = ImportReport()
    rows = []
    try:
        for row in reader:
            lineno = reader.line_num
            report.lines_read += 1
            try:
                *fields, order = db_row_fields(row, tz)
                rows.append((*fields, lineno, order))
            except ValueError as exc:
                report.skip(lineno, str(exc))
    except csv.Error:
        raise ValueError(BROKEN_CSV.format(line=reader.line_num + 1)) from None
    rows.sort(key=lambda r: (r[7], r[6]))  # exact time, id, line
    return rows, report


def feed_db_rows(builder: QueueLogBuilder, rows: list[tuple]) -> None:
    """Feed the rows given by :func:`read_db_csv` (the builder's report counts them)."""
    for ts, callid, queue, agent, event, data, lineno, _order in rows:
        builder.feed(ts, callid, queue, agent, event, data, lineno, lineno)
