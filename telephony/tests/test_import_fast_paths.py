"""The import's fast paths: the per-hour clock cache, one row per passage with the call's
summary on its first passage, batched inserts in order."""

from __future__ import annotations

from datetime import date

import pytest

from telephony import queuelog, services
from telephony.demo import generate_lines
from telephony.hours import OpeningCalendar
from telephony.tests.test_queuelog import MESSY

pytestmark = pytest.mark.django_db


def _log() -> str:
    # a DST change (2026-03-29) and a midnight crossing in the generated days, plus the messy log
    lines = [line for _day, day_lines in generate_lines(date(2026, 3, 27), 4, 60_000) for line in day_lines]
    return "\n".join(lines) + "\n" + MESSY


def test_hour_cache_gives_the_exact_local_time_across_dst():
    passages, _calls, _agents, _report = queuelog.parse_text(_log())
    clock = services.LocalClock(services.opening_calendar())
    stamps = {p.enter_ts for p in passages} | {
        1774746000 + k * 600 for k in range(-12, 13)
    }  # 29/03 01:00 UTC
    for ts in sorted(stamps):
        assert clock.local(ts) == clock.exact(ts), ts
    # a whole hour of offset is cached; the exact path gives the same text as Django stores
    assert clock.stamp(1774746000) == "2026-03-29 01:00:00"
    assert services.LocalClock(clock.calendar, "+00:00").stamp(1774746000) == "2026-03-29 01:00:00+00:00"


def test_open_flags_follow_the_slots():
    calendar = OpeningCalendar(
        week={0: ((510, 720), (780, 1020)), 1: ((0, 1440),), 2: (), 3: ((-5, 30), (1430, 1500))},
        exceptions={},
    )
    clock = services.LocalClock(calendar)
    for day in (date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4), date(2026, 3, 5)):
        slots = calendar.slots(day)
        expected = tuple(any(a <= m < b for a, b in slots) for m in range(1440))
        assert clock.open_flags(day) == expected


def test_batched_inserts_write_every_row_in_order_with_the_call_on_its_first_passage():
    log = _log()
    passages, calls, _agents, _report = queuelog.parse_text(log)
    assert any(c.passages > 1 for c in calls)
    writer_rows = services._Table(services.QueuePassage, services.Writer.PASSAGE_COLUMNS)
    assert 1 < writer_rows.per_statement < len(passages) and len(passages) % writer_rows.per_statement
    report = services.import_lines(log.splitlines(), name="generated")
    assert report.passages == len(passages) and report.calls == len(calls)
    stored = list(
        services.QueuePassage.objects.order_by("id").values_list("offset", "callid", "wait", "talk")
    )
    assert stored == [(p.offset, p.callid, p.wait or 0, (p.talk or 0) if p.answered else 0) for p in passages]
    # the writer's inline copy of the per-hour clock gives the exact local columns (DST included)
    clock = services.LocalClock(services.opening_calendar())
    local = services.QueuePassage.objects.order_by("id").values_list(
        "local_date", "local_minute", "weekday", "in_hours"
    )
    expected = [clock.exact(p.enter_ts)[:4] for p in passages]
    assert [(d.isoformat(), m, w, int(h)) for d, m, w, h in local] == expected
    firsts = services.QueuePassage.objects.filter(call_passages__gt=0)
    assert sorted(firsts.values_list("callid", "offset", "call_passages", "call_answered")) == sorted(
        (c.callid, c.first_offset, c.passages, c.answered) for c in calls
    )
    assert services.QueuePassage.objects.filter(call_passages=0).count() == len(passages) - len(calls)


def test_directory_with_rotated_and_compressed_logs(tmp_path):
    """logrotate: queue_log grows, is renamed queue_log.1 (then compressed) and a new one
    starts; importing the directory each time reads every line once."""
    import gzip
    import os

    days = [lines for _day, lines in generate_lines(date(2026, 3, 2), 3, 60_000)]
    assert all(len("\n".join(lines)) > services.HEAD_LENGTH for lines in days)
    log = tmp_path / "queue_log"

    def write(path, lines, mtime):
        path.write_text("".join(line + "\n" for line in lines))
        os.utime(path, (mtime, mtime))

    half = len(days[0]) // 2
    write(log, days[0][:half], 1000)
    services.import_path(tmp_path)
    write(log, days[0], 1000)  # the log grew
    log.rename(tmp_path / "queue_log.1")  # then was rotated; a new one starts
    write(log, days[1], 2000)
    services.import_path(tmp_path)
    with (
        (tmp_path / "queue_log.1").open("rb") as plain,
        gzip.open(tmp_path / "queue_log.2.gz", "wb") as packed,
    ):
        packed.write(plain.read())  # the next rotation compresses the oldest
    os.utime(tmp_path / "queue_log.2.gz", (500, 500))
    (tmp_path / "queue_log.1").unlink()
    log.rename(tmp_path / "queue_log.1")
    write(log, days[2], 3000)
    runs = services.import_path(tmp_path)
    assert [run.file_name for run in runs] == ["queue_log.2.gz", "queue_log.1", "queue_log"]
    assert runs[0].report.get("up_to_date") and runs[1].report.get("up_to_date")
    expected = queuelog.parse_text("".join(line + "\n" for day in days for line in day))[0]
    stored = services.QueuePassage.objects.values_list("callid", "queue__name", "wait")
    assert sorted(stored) == sorted((p.callid, p.queue, p.wait or 0) for p in expected)
