"""Generic CSV import (page, command), opening hours in the admin re-flagging calls,
constant number of queries on the barometer and the passage list, fast parser = reference."""

from __future__ import annotations

import io
from datetime import time
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from telephony import queuelog, services
from telephony.models import ImportRun, OpeningException, OpeningHours, QueuePassage
from telephony.tests.test_import_and_pages import DAY, T10, day_log, import_log
from telephony.tests.test_queuelog import MESSY

# French column names, semicolons, French outcomes, one call through two queues (A7),
# and three bad lines: 4 (date), 6 (negative wait), 7 (no queue)
CSV = """Appel;File;Début;Attente;Durée;Issue;Conseiller
A1;info;02/03/2026 10:00:00;12;95;répondu;ag1
A2;info;2026-03-02 10:05:00;40;;abandonné;
A3;info;hier;5;60;répondu;ag1
A4;info;02/03/2026 10:20;00:45;01:30;repondu;ag2
A5;info;02/03/2026 10:30;-4;0;abandon;
A6;;02/03/2026 10:40;3;0;abandon;
A7;elus;02/03/2026 11:00;40;0;débordement;
A7;info;02/03/2026 11:00:40;10;120;répondu;ag2
"""
MAPPING = "callid=Appel,queue=File,start=Début,wait=Attente,talk=Durée,outcome=Issue,agent=Conseiller"

pytestmark = pytest.mark.django_db


def csv_form(**overrides):
    data = {
        "delimiter": ";",
        "callid": "Appel",
        "queue": "File",
        "start": "Début",
        "wait": "Attente",
        "talk": "Durée",
        "outcome": "Issue",
        "agent": "Conseiller",
    }
    data.update(overrides)
    return data


def test_generic_csv_page_imports_and_reports_bad_lines(client, users):
    client.force_login(users["superviseur"])
    assert client.get(reverse("telephony:upload_csv")).status_code == 200
    upload = SimpleUploadedFile("plateforme.csv", CSV.encode())
    response = client.post(reverse("telephony:upload_csv"), {"file": upload, **csv_form()})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and run.status == "done" and run.file_format == "csv"
    assert [line for line, _reason in run.report["skipped"]] == [4, 6, 7]
    assert (run.report["lines_read"], run.report["passages"], run.report["calls"]) == (8, 5, 4)
    a1 = QueuePassage.objects.get(callid="A1")
    assert (a1.outcome, a1.wait, a1.talk, a1.agent.identifier, a1.local_minute) == (
        "answered",
        12,
        95,
        "ag1",
        600,
    )
    a4 = QueuePassage.objects.get(callid="A4")
    assert (a4.wait, a4.talk) == (45, 90)  # mm:ss accepted
    # A7 overflowed from elus to info: one call of two passages, counted on its first queue
    a7 = QueuePassage.objects.get(callid="A7", call_passages__gt=0)
    assert (a7.call_passages, a7.queue.name, a7.answered, a7.call_answered) == (2, "elus", False, True)
    assert QueuePassage.objects.get(callid="A7", call_passages=0).queue.name == "info"
    page = client.get(reverse("telephony:import_run", kwargs={"pk": run.pk}))
    assert b"<td>4</td>" in page.content and b"<td>6</td>" in page.content
    # the same content again replaces what it imported
    upload = SimpleUploadedFile("plateforme-bis.csv", CSV.encode())
    client.post(reverse("telephony:upload_csv"), {"file": upload, **csv_form()})
    assert QueuePassage.objects.count() == 5
    assert QueuePassage.objects.filter(call_passages__gt=0).count() == 4


def test_generic_csv_page_checks_the_header(client, users):
    client.force_login(users["superviseur"])
    upload = SimpleUploadedFile("plateforme.csv", CSV.encode())
    response = client.post(reverse("telephony:upload_csv"), {"file": upload, **csv_form(queue="Queue")})
    assert response.status_code == 200 and not ImportRun.objects.exists()
    assert "Queue" in response.context["form"].non_field_errors()[0]
    client.force_login(users["comite"])
    assert client.get(reverse("telephony:upload_csv")).status_code == 403


def test_generic_csv_command(tmp_path):
    path = tmp_path / "plateforme.csv"
    path.write_text(CSV, encoding="utf-8")
    out = StringIO()
    call_command("import_queue_log", str(path), "--csv-mapping", MAPPING, "--delimiter", ";", stdout=out)
    text = out.getvalue()
    assert "8 lines read" in text and "4 calls" in text and "3 lines skipped" in text
    assert "line 4:" in text and "line 6:" in text and "line 7:" in text
    with pytest.raises(CommandError, match="wait"):
        call_command("import_queue_log", str(path), "--csv-mapping", "queue=File,start=Début,outcome=Issue")
    with pytest.raises(CommandError, match="missing"):
        call_command("import_queue_log", str(path), "--csv-mapping", MAPPING)  # wrong delimiter


def test_opening_hours_changes_reflag_calls(django_capture_on_commit_callbacks, tmp_path):
    import_log(tmp_path, day_log())
    assert QueuePassage.objects.filter(in_hours=False).count() == 0  # Monday 10:00, open
    with django_capture_on_commit_callbacks(execute=True):
        exception = OpeningException.objects.create(date=DAY, closed=True, label="Grève")
    assert QueuePassage.objects.filter(in_hours=True).count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        exception.delete()
    assert QueuePassage.objects.filter(in_hours=False).count() == 0
    services.seed_opening_hours()
    monday = OpeningHours.objects.get(weekday=0)
    with django_capture_on_commit_callbacks(execute=True):
        monday.opens = time(10, 15)  # a1 and a2 (10:00) now before opening, a3 (10:30) after
        monday.save()
    assert sorted(QueuePassage.objects.filter(in_hours=True).values_list("callid", flat=True)) == ["a3"]
    # the slot moves to Sunday: Monday has no slot left, both days are re-flagged
    with django_capture_on_commit_callbacks(execute=True):
        monday.weekday = 6
        monday.save()
    assert not QueuePassage.objects.filter(in_hours=True).exists()
    # an exception moved from one date to another re-flags both
    with django_capture_on_commit_callbacks(execute=True):
        monday.weekday = 0
        monday.opens = time(8)
        monday.save()
        moved = OpeningException.objects.create(date=DAY, closed=True, label="Grève")
    assert not QueuePassage.objects.filter(in_hours=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        moved.date = DAY.replace(day=3)
        moved.save()
    assert QueuePassage.objects.filter(in_hours=True).count() == 3


def test_the_first_weekly_slot_replaces_the_default_week_on_every_day(
    django_capture_on_commit_callbacks, tmp_path
):
    import_log(tmp_path, day_log())  # a Monday, open by the default week
    assert QueuePassage.objects.filter(in_hours=True).count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        saturday = OpeningHours.objects.create(weekday=5, opens=time(8), closes=time(12))  # the only slot
    assert not QueuePassage.objects.filter(in_hours=True).exists()  # Monday has no slot any more
    with django_capture_on_commit_callbacks(execute=True):
        saturday.delete()  # back to the default week
    assert QueuePassage.objects.filter(in_hours=True).count() == 3


def test_admin_opening_hours_and_recompute_action(client, users, tmp_path):
    import_log(tmp_path, day_log())
    services.seed_opening_hours()
    QueuePassage.objects.update(in_hours=False)  # as if the flags were stale
    client.force_login(users["admin"])
    changelist = reverse("admin:telephony_openinghours_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(reverse("admin:telephony_openingexception_add")).status_code == 200
    ids = list(OpeningHours.objects.values_list("pk", flat=True)[:1])
    response = client.post(changelist, {"action": "recompute_flags", "_selected_action": ids}, follow=True)
    assert response.status_code == 200
    assert QueuePassage.objects.filter(in_hours=True).count() == 3


def _import_days(tmp_path, days: int) -> None:
    text = "".join(day_log(T10 + 86400 * n) for n in range(days))
    path = tmp_path / f"queue_log-{days}"
    path.write_text(text.replace("|a", f"|d{days}-a"))
    services.import_file(path, final=True)


@pytest.mark.parametrize("days", [1, 12])
def test_queries_constant_on_dashboard_and_passage_list(  # 1 or 12 days of calls: same count
    client, users, tmp_path, days, django_assert_max_num_queries
):
    _import_days(tmp_path, days)
    client.force_login(users["superviseur"])
    query = "?date_from=2026-03-01&date_to=2026-03-20&interval=30"
    client.get(reverse("telephony:dashboard") + query)  # warm the session and caches
    # whatever the number of days and calls: each figure reads the rollups and, for the
    # service level, the wait buckets; the days not rolled up yet are read once
    with django_assert_max_num_queries(18):
        assert client.get(reverse("telephony:dashboard") + query).status_code == 200
    with django_assert_max_num_queries(7):  # the day's rollups, wait buckets, stale days, passages
        page = client.get(reverse("telephony:day", kwargs={"day": "2026-03-02"}))
    assert page.status_code == 200


def test_passage_list_pages_with_the_same_query_count(client, users, tmp_path):
    lines = []
    for n in range(120):  # 120 passages on one day: three pages of 50
        lines.append(f"{T10 + 10 * n}|p{n}|info|NONE|ENTERQUEUE||06|1\n")
        lines.append(f"{T10 + 10 * n + 5}|p{n}|info|NONE|ABANDON|1|1|5\n")
    import_log(tmp_path, "".join(lines))
    client.force_login(users["superviseur"])
    url = reverse("telephony:day", kwargs={"day": "2026-03-02"})
    client.get(url)
    counts, seen, after = [], [], ""
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url, {"after": after} if after else {})
        counts.append(len(queries))
        seen += [p.callid for p in page.context["passages"]]
        after = page.context["next_after"]
    assert len(set(counts)) == 1, counts
    assert len(seen) == 120 and len(set(seen)) == 120 and not after


def _same(text: str, block_size: int) -> None:
    slow = queuelog.parse_lines_slowly(text)
    heads: list = []
    builder = queuelog.QueueLogBuilder(heads.extend)
    data = text.encode()
    end, next_line = builder.feed_stream(io.BytesIO(data), block_size=block_size)
    builder.finish()
    assert (end, next_line) == (len(data), text.count("\n") + 1)
    passages = [p for head in heads for p in queuelog.call_items(head)]
    calls = [queuelog.CallRecord.of(head) for head in heads]

    def key(p):
        return (p.callid, p.queue, p.enter_ts, p.offset, p.lineno, p.connect_ts, p.end_ts,
                p.wait, p.talk, p.outcome, p.exit_event, p.agent)  # fmt: skip

    assert sorted(map(key, passages)) == sorted(map(key, slow[0]))
    assert sorted((c.callid, c.passages, c.total_wait, c.talk, c.outcome) for c in calls) == sorted(
        (c.callid, c.passages, c.total_wait, c.talk, c.outcome) for c in slow[1]
    )
    assert builder.report.as_dict() == slow[3].as_dict()


def test_fast_parser_reads_unusual_durations_as_int_does():
    text = (
        f"{T10}|u1|info|NONE|ENTERQUEUE||06|1\n"
        f"{T10 + 30}|u1|info|ag1|CONNECT|+0030|x|1\n"  # a sign and zeros: int() reads 30
        f"{T10 + 90}|u1|info|ag1|COMPLETEAGENT|30|20000|1\n"  # beyond the table of seconds
        f"{T10 + 40}|u2|info|NONE|ENTERQUEUE||06|1\n"
        f"{T10 + 50}|u2|info|ag2|CONNECT|-1|x|1\n"  # negative: the wait is measured instead
        f"{T10 + 65}|u2|info|ag2|COMPLETECALLER|10| 15 |1\n"
        f"{T10 + 70}|u3|info|NONE|ENTERQUEUE||06|1\n"
        f"{T10 + 75}|u3|info|NONE|ABANDON|1|1|-5\n"
        f"{T10 + 80}|u4|info|NONE|ENTERQUEUE||06|1\n"
        f"{T10 + 84}|u4|info|ag1|RINGNOANSWER|99999999999999\n"  # not believed: no ring recorded
        f"{T10 + 90}|u4|info|ag1|CONNECT|inf|x|1\n"  # not a number of seconds: measured
        f"{T10 + 150}|u4|info|ag1|COMPLETEAGENT|10|99999999999|1\n"  # longer than a day: measured
    )
    passages, _calls, agents, _report = queuelog.parse_text(text)
    assert not agents
    by_call = {p.callid: (p.wait, p.talk, p.outcome) for p in passages}
    assert by_call == {
        "u1": (30, 20000, "answered"),
        "u2": (10, 15, "answered"),
        "u3": (5, None, "abandoned"),
        "u4": (10, 60, "answered"),
    }
    _same(text, 1 << 16)


def test_fast_parser_matches_line_by_line_reference():
    for block_size in (7, 64, 1 << 16):
        _same(MESSY, block_size)
        _same(MESSY.replace("\n", "\r\n"), block_size)  # CRLF
        _same(MESSY.replace("0600000003", "Zoé Ünïcode"), block_size)  # offsets count bytes
        _same("\ufeff" + MESSY, block_size)  # a byte order mark before the first line
        _same(day_log() + "\n" + day_log(T10 + 7200).replace("|a", "|b"), block_size)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4),
            st.sampled_from(["q1", "q2", "NONE"]),
            st.sampled_from(["ENTERQUEUE", "CONNECT", "COMPLETEAGENT", "ABANDON", "DID", "QUEUESTART",
                             "EXITWITHTIMEOUT", "ATTENDEDTRANSFER", "PAUSE", "AGENTLOGIN", "junk", ""]),
            st.integers(0, 5000),
            # data: missing, short, not numbers, negative, beyond the fast path's table of
            # seconds, written with a sign, zeros or spaces (the fast path falls back to int())
            st.sampled_from(["", "|", "|5", "|1|2|3", "|x|y", "|12|90|1", "|-3|-1|-2", "|15000|16000|17000",
                             "|007| 9|+4", "|inf|1e400|99999999999"]),
        ),
        max_size=40,
    ),
    st.integers(5, 300),
)  # fmt: skip
def test_fast_parser_matches_reference_on_generated_logs(events, block_size):
    ts = 1_772_000_000
    lines = []
    for callid, queue, event, step, data in events:
        ts += step
        lines.append(f"{ts}|c{callid}|{queue}|agent|{event}{data}" if event != "junk" else "junk|line")
    _same("\n".join(lines) + "\n" if lines else "", block_size)


def test_opening_calendar_closes_on_french_public_holidays_and_follows_exceptions():
    from datetime import date

    from telephony.hours import OpeningCalendar

    calendar = OpeningCalendar(
        exceptions={date(2026, 12, 24): ((8 * 60, 12 * 60),), date(2026, 5, 8): ((600, 720),)}
    )
    tuesday = date(2026, 7, 7)
    assert calendar.is_open(tuesday, 8 * 60) and calendar.is_open(tuesday, 18 * 60 + 29)
    assert not calendar.is_open(tuesday, 7 * 60 + 59) and not calendar.is_open(tuesday, 18 * 60 + 30)
    assert calendar.is_open(date(2026, 7, 11), 7 * 60 + 30)  # Saturday 07:30–17:30
    assert not calendar.is_open(date(2026, 7, 11), 17 * 60 + 30) and not calendar.open_minutes(
        date(2026, 7, 12)
    )
    for holiday in (
        date(2026, 7, 14),
        date(2026, 5, 14),
        date(2026, 4, 6),
        date(2026, 5, 25),
        date(2026, 11, 11),
    ):
        assert calendar.open_minutes(holiday) == 0, holiday  # 14 July, Ascension, Easter/Whit Mondays
    assert calendar.open_minutes(date(2026, 12, 24)) == 240  # a shorter day by exception
    assert calendar.is_open(date(2026, 5, 8), 600)  # 8 May opened by exception for two hours


def test_a_call_on_a_public_holiday_counts_outside_opening_hours(tmp_path):
    from datetime import date

    from telephony import selectors

    bastille = 1784016000  # Tuesday 14 July 2026, 10:00 in Paris (UTC+2)
    import_log(tmp_path, day_log() + day_log(bastille).replace("|a", "|h"))
    flags = dict(QueuePassage.objects.values_list("callid", "in_hours"))
    assert flags["a1"] and not flags["h1"]
    day = selectors.totals(selectors.Filters(date_from=date(2026, 7, 14), date_to=date(2026, 7, 14)))
    assert day["offered"] == 3 and day["out_of_hours"] == 3


def _csv_import(tmp_path, text: str, name: str = "calls.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode())
    return services.import_generic_csv_file(path, queuelog_mapping(), delimiter=";")


def queuelog_mapping() -> dict[str, str]:
    return services.parse_csv_mapping(MAPPING)


def test_generic_csv_header_spaces_accents_and_unreadable_values(tmp_path):
    text = (
        " Appel ; File ;Début; Attente ;Durée;Issue;Conseiller\n"  # spaces around the names
        "B1;info;02/03/2026 10:00:00;12;95;Re\u0301pondu;ag1\n"  # "Répondu" with a combining accent
        "B2;info;02/03/2026 10:05:00;4;0;abandonne;\n"
        "B3;info;02/03/2026 10:06:00;5;50;TRANSFERE;ag2\n"
        "B4;info;02/03/2026 10:07:00;inf;0;abandon;\n"  # not a duration
        "B5;info;0001-01-01 00:00:00;5;0;abandon;\n"  # no such start
        "B6;info;1772442000.5;1:-5;0;abandon;\n"  # an epoch with decimals is fine, 1:-5 is not
        "B7;info;0612345678;5;0;abandon;\n"  # a phone number in the start column: never echoed
        "B8;info;02/03/2026 10:08:00;99999999999;0;abandon;\n"  # longer than a day
    )
    run = _csv_import(tmp_path, text)
    stored = dict(QueuePassage.objects.values_list("callid", "outcome"))
    assert stored == {"B1": "answered", "B2": "abandoned", "B3": "transfer"}
    assert run.report["skipped"] == [
        [5, "unreadable duration (column Attente)"],
        [6, "a start time outside the years 2000 to 2099 (column Début)"],
        [7, "unreadable duration (column Attente)"],
        [8, "a start time outside the years 2000 to 2099 (column Début)"],
        [9, "unreadable duration (column Attente)"],
    ]
    assert "0612345678" not in str(run.report)


def test_generic_csv_duplicate_columns_and_broken_files_are_refused(tmp_path):
    with pytest.raises(ValueError, match="columns named twice in the header: Attente"):
        _csv_import(
            tmp_path,
            "Appel;File;Début;Attente;Attente;Durée;Issue;Conseiller\nA;info;1772442000;1;2;3;abandon;\n",
        )
    broken = CSV + "A9;" + "y" * 140_000 + "\n"  # a field over the csv module's limit, line 10
    with pytest.raises(ValueError, match="cannot be read as CSV from line 10"):
        _csv_import(tmp_path, broken, "broken.csv")
    assert not QueuePassage.objects.exists()


def test_generic_csv_files_replace_the_period_they_cover(tmp_path):
    first = _csv_import(tmp_path, CSV)
    assert first.status == "done"
    count = QueuePassage.objects.count()
    grown = CSV + "A8;info;02/03/2026 12:00;5;60;répondu;ag1\n"  # the same export, one more row
    _csv_import(tmp_path, grown, "calls-later.csv")
    assert QueuePassage.objects.count() == count + 1
    _csv_import(tmp_path, grown.replace("\n", "\r\n"), "calls-windows.csv")  # the same with CRLF
    assert QueuePassage.objects.count() == count + 1
    other = (
        "Appel;File;Début;Attente;Durée;Issue;Conseiller\n"
        + "Z1;autre-plateforme;02/03/2026 10:30;5;60;ok;x\n"
    )
    _csv_import(tmp_path, other, "other-platform.csv")  # another queue: added, nothing replaced
    assert QueuePassage.objects.count() == count + 2


def test_unreadable_times_and_archives_are_reported_not_fatal(tmp_path):
    run = import_log(tmp_path, day_log() + "99999999999999999|z1|info|NONE|ENTERQUEUE||06|1\n")
    assert run.status == "done" and run.report["skipped"] == [[7, "a time after the year 2099"]]
    archive = tmp_path / "queue_log.2.gz"
    archive.write_bytes(b"no, not gzip")
    with pytest.raises(ValueError, match="not a readable gzip archive"):
        services.import_file(archive, final=True)
    assert ImportRun.objects.get(file_name="queue_log.2.gz").status == "failed"
