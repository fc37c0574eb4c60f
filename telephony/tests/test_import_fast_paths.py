"""The import's fast row builders give exactly the rows of the generic ones."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from telephony import queuelog, services
from telephony.demo import generate_lines
from telephony.hours import OpeningCalendar
from telephony.tests.test_queuelog import MESSY

pytestmark = pytest.mark.django_db


def _log() -> str:
    # a DST change (2026-03-29) and a midnight crossing in the generated days, plus the messy log
    lines = [line for _day, day_lines in generate_lines(date(2026, 3, 27), 4, 60_000) for line in day_lines]
    return "\n".join(lines) + "\n" + MESSY


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the specialised builders are SQLite's")
def test_sqlite_row_builders_match_generic_methods():
    passages, calls, _agents, _report = queuelog.parse_text(_log())
    assert passages and calls and any(c.passages > 1 for c in calls)
    writer = services.Writer(None)
    assert writer.passage is not services.Writer.passage  # the closures are in use
    for p in passages:
        writer.passage(p)
        services.Writer.passage(writer, p)
    for c in calls:
        writer.call(c)
        services.Writer.call(writer, c)
    for rows in (writer.passages.rows, writer.calls.rows):
        fast, generic = rows[0::2], rows[1::2]
        assert fast == generic


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


def test_batched_inserts_write_every_row_in_order():
    log = _log()
    passages, calls, _agents, _report = queuelog.parse_text(log)
    writer_rows = services._Table(services.QueuePassage, services.Writer.PASSAGE_COLUMNS)
    assert 1 < writer_rows.per_statement < len(passages) and len(passages) % writer_rows.per_statement
    report = services.import_lines(log.splitlines(), name="generated")
    assert report.passages == len(passages) and report.calls == len(calls)
    stored = list(
        services.QueuePassage.objects.order_by("id").values_list("offset", "callid", "wait", "talk")
    )
    assert stored == [(p.offset, p.callid, p.wait or 0, (p.talk or 0) if p.answered else 0) for p in passages]
    assert services.Call.objects.count() == len(calls)
    assert sorted(services.Call.objects.values_list("callid", flat=True)) == sorted(c.callid for c in calls)
