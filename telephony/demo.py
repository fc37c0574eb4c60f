"""Realistic synthetic Asterisk queue_log lines for the demonstration and the benchmark.

A seeded simulation of a city call centre: weekly shape (busy Monday, quiet Saturday,
closed Sunday and public holidays), intraday peaks (9–11 h and 14–16 h), agents logging
in by half-hour schedule with a lunch pause, a shared pool answering three queues,
exponential talk time and caller patience, abandons, timeouts with overflow into a second
queue, blind transfers, a rare restart (QUEUESTART) leaving calls without end, and a few
calls just before midnight. ``generate_lines`` is pure Python; ``generate_demo_calls``
imports the lines into the database.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

PARIS = ZoneInfo("Europe/Paris")
QUEUES = [("information", 0.6), ("signalement", 0.35), ("elus", 0.05)]
OVERFLOW_QUEUE = "debordement"
WEEKDAY_FACTOR = [1.35, 1.1, 1.0, 1.05, 0.95, 0.45, 0.0]
OPEN = {0: (480, 1110), 1: (480, 1110), 2: (480, 1110), 3: (480, 1110), 4: (480, 1110), 5: (450, 1050)}
MEAN_TALK = 170.0
MEAN_PATIENCE = 150.0
QUEUE_TIMEOUT = 420
# shorter queue timeouts: callers waiting longer overflow into OVERFLOW_QUEUE
QUEUE_TIMEOUTS = {"signalement": 75, "elus": 40}
AGENT_POOL = [f"agent-{n:02d}" for n in range(1, 41)]


def _profile(minute: int) -> float:
    """Relative arrival intensity at a minute of the day (two peaks)."""
    hour = minute / 60
    return 0.35 + math.exp(-((hour - 10.0) ** 2) / 2.0) + 0.8 * math.exp(-((hour - 14.8) ** 2) / 2.5)


def _epoch(day: date, second_of_day: float) -> int:
    noon = datetime.combine(day, time(12), PARIS).timestamp()
    return int(noon + second_of_day - 43200)


def generate_lines(
    start: date, days: int, calls_per_year: int = 350_000, seed: int = 2026
) -> Iterator[tuple[str, list[str]]]:
    """Yield (date ISO, lines of that day) for ``days`` days from ``start``.

    Calls (not lines) per year follow ``calls_per_year`` (about 1.3 queue passages/call).
    """
    rng = random.Random(seed)
    french = holidays.country_holidays("FR")
    open_days_per_year = 5 * 52 * 1.09 + 52 * 0.45 - 11
    base_per_day = calls_per_year / open_days_per_year
    call_seq = 0
    for offset in range(days):
        day = start + timedelta(days=offset)
        weekday = day.weekday()
        if weekday not in OPEN or day in french:
            yield day.isoformat(), []
            continue
        opens, closes = OPEN[weekday]
        slots = list(range(opens, closes, 30))
        weights = [_profile(m + 15) for m in slots]
        total_weight = sum(weights)
        expected = base_per_day * WEEKDAY_FACTOR[weekday] * rng.uniform(0.85, 1.15)
        # agents per half-hour: roughly Erlang-sized on the expected load, a little short at peaks
        active = []
        for w in weights:
            load = expected * w / total_weight * MEAN_TALK / 1800
            active.append(max(2, min(len(AGENT_POOL), round(load + 1.0 * math.sqrt(load) + 0.5))))
        events: list[tuple[float, int, str]] = []
        seq = 0

        def emit(ts: float, text: str, _events: list = events, _day: date = day) -> None:
            nonlocal seq
            seq += 1
            _events.append((ts, seq, f"{_epoch(_day, ts)}|{text}"))

        # agent sessions from the schedule, with a 30-minute pause for half of them
        for i, agent in enumerate(AGENT_POOL):
            on = [s for s, n in zip(slots, active, strict=True) if i < n]
            if not on:
                continue
            login, logoff = on[0] * 60 - rng.randint(0, 240), (on[-1] + 30) * 60 + rng.randint(0, 300)
            emit(login, f"{login}.{i}|NONE|{agent}|AGENTLOGIN|PJSIP/{200 + i}")
            if len(on) > 8 and i % 2 == 0:
                pause = (on[len(on) // 2]) * 60 + rng.randint(0, 600)
                emit(pause, f"NONE|NONE|{agent}|PAUSEALL|Repas")
                for queue, _w in QUEUES:
                    emit(pause, f"NONE|{queue}|{agent}|PAUSE|Repas")
                for queue, _w in QUEUES:
                    emit(pause + 1800, f"NONE|{queue}|{agent}|UNPAUSE|")
            emit(logoff, f"{login}.{i}|NONE|{agent}|AGENTLOGOFF|PJSIP/{200 + i}|{logoff - login}")
        free = [0.0] * len(AGENT_POOL)
        arrivals = []
        n_calls = int(rng.gauss(expected, math.sqrt(expected)))
        for _ in range(max(0, n_calls)):
            slot_index = rng.choices(range(len(slots)), weights)[0]
            arrivals.append((slots[slot_index] * 60 + rng.random() * 1800, slot_index))
        # a few late calls around midnight on weekdays (closed hours, spanning the day)
        if weekday < 5 and rng.random() < 0.3:
            arrivals.append((86400 - rng.randint(5, 40), len(slots) - 1))
        arrivals.sort()
        for arrival, slot_index in arrivals:
            call_seq += 1
            uid = f"{_epoch(day, arrival)}.{call_seq}"
            queue = rng.choices([q for q, _ in QUEUES], [w for _, w in QUEUES])[0]
            caller = f"06{rng.randint(10_000_000, 99_999_999)}"
            emit(arrival, f"{uid}|{queue}|NONE|DID|3013")
            emit(arrival, f"{uid}|{queue}|NONE|ENTERQUEUE||{caller}|1")
            _serve(rng, emit, uid, queue, arrival, slot_index, active, free, depth=0)
        if rng.random() < 0.004 and arrivals:  # a restart: calls in progress get no end
            crash = arrivals[len(arrivals) // 2][0] + 30
            events[:] = [e for e in events if e[0] <= crash]
            emit(crash + 60, "NONE|NONE|NONE|QUEUESTART|")
        events.sort()
        yield day.isoformat(), [line for _ts, _s, line in events]


def _serve(rng, emit, uid, queue, arrival, slot_index, active, free, depth) -> None:
    pool = active[min(slot_index, len(active) - 1)]
    idle = [i for i in range(pool) if free[i] <= arrival]
    agent_index = rng.choice(idle) if idle else min(range(pool), key=free.__getitem__)
    start = max(arrival, free[agent_index])
    wait = start - arrival
    patience = rng.expovariate(1 / MEAN_PATIENCE)
    timeout = QUEUE_TIMEOUTS.get(queue, QUEUE_TIMEOUT) if depth == 0 else QUEUE_TIMEOUT
    if wait > patience and patience < timeout:
        end = arrival + patience
        emit(end, f"{uid}|{queue}|NONE|ABANDON|1|1|{int(patience)}")
        return
    if wait > timeout:
        end = arrival + timeout
        emit(end, f"{uid}|{queue}|NONE|EXITWITHTIMEOUT|1|1|{timeout}")
        if depth == 0:
            emit(end, f"{uid}|{OVERFLOW_QUEUE}|NONE|ENTERQUEUE||anonymous|1")
            _serve(rng, emit, uid, OVERFLOW_QUEUE, end, slot_index, active, free, depth=1)
        return
    agent = AGENT_POOL[agent_index]
    if rng.random() < 0.3 and wait > 5:
        other = AGENT_POOL[(agent_index + 1) % pool]
        emit(arrival + 1, f"{uid}|{queue}|{other}|RINGNOANSWER|{rng.choice([0, 15000])}")
    talk = max(10, int(rng.expovariate(1 / MEAN_TALK)))
    connect = arrival + int(wait)
    emit(connect, f"{uid}|{queue}|{agent}|CONNECT|{int(wait)}|{uid}1|{rng.randint(1, 6)}")
    end = connect + talk
    free[agent_index] = end + rng.randint(5, 30)
    if rng.random() < 0.03:
        emit(end, f"{uid}|{queue}|{agent}|BLINDTRANSFER|3013|from-internal|{int(wait)}|{talk}|1")
    else:
        verb = "COMPLETECALLER" if rng.random() < 0.6 else "COMPLETEAGENT"
        emit(end, f"{uid}|{queue}|{agent}|{verb}|{int(wait)}|{talk}|1")


def generate_demo_calls(
    days: int = 365, calls_per_year: int = 40_000, *, end: date | None = None, seed: int = 2026
):
    """Import ``days`` days of synthetic calls ending yesterday.

    Returns (report, [(answer time, call id)] of the answered calls, oldest first).

    The default (a year at 40,000 calls/year, about 200,000 lines) imports in well under
    a minute on SQLite; the real volume (350,000 calls/year) is the benchmark's job.
    Use the returned calls to set ``Fiche.call_id`` on demo fiches.
    """
    from telephony.models import QueuePassage
    from telephony.services import import_lines, seed_opening_hours

    seed_opening_hours()
    end = end or date.today() - timedelta(days=1)
    start = end - timedelta(days=days - 1)
    lines: list[str] = []
    for _day, day_lines in generate_lines(start, days, calls_per_year, seed):
        lines.extend(day_lines)
    report = import_lines(lines, name=f"demo-queue_log-{start.isoformat()}")
    answered = list(
        QueuePassage.objects.filter(answered=True, local_date__gte=start)
        .order_by("entered_at")
        .values_list("entered_at", "callid")
    )
    return report, answered
