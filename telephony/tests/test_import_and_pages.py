"""Incremental import, commands, KPIs in SQL, pages and permissions."""

from __future__ import annotations

import json
from datetime import date
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from telephony import queuelog, selectors, services
from telephony.models import ImportRun, QueuePassage
from telephony.tests.test_queuelog import MESSY, T0

pytestmark = pytest.mark.django_db

# Monday 2026-03-02 10:00:00 Paris = 09:00 UTC
T10 = 1772442000
DAY = date(2026, 3, 2)


def day_log(start: int = T10) -> str:
    return "".join(
        [
            f"{start}|a1|info|NONE|ENTERQUEUE||06|1\n",
            f"{start + 10}|a1|info|ag1|CONNECT|10|x|1\n",
            f"{start + 70}|a1|info|ag1|COMPLETECALLER|10|60|1\n",
            f"{start + 100}|a2|info|NONE|ENTERQUEUE||06|1\n",
            f"{start + 140}|a2|info|NONE|ABANDON|1|1|40\n",
            f"{start + 1800}|a3|info|NONE|ENTERQUEUE||06|1\n",
        ]
    )


def import_log(tmp_path, text: str) -> ImportRun:
    """``text`` as a whole queue_log file, imported as final."""
    path = tmp_path / "queue_log"
    path.write_text(text)
    return services.import_file(path, final=True)


def test_import_is_idempotent_and_incremental(tmp_path):
    path = tmp_path / "queue_log"
    path.write_text(day_log())
    first = services.import_file(path)
    assert first.report["passages"] == 3 and QueuePassage.objects.count() == 3
    # the next import re-reads from the open call (a3), deleting what it wrote from there on
    # through the date index, from the day before that call
    source = first.source
    source.refresh_from_db()
    assert source.resume_date == date(2026, 3, 1) and source.resume_offset > 0
    assert QueuePassage.objects.get(callid="a3").outcome == "unknown"  # still open at the end
    again = services.import_file(path)
    assert again.report.get("up_to_date") and QueuePassage.objects.count() == 3
    # the file grows: a3 is completed, a4 arrives; nothing is duplicated
    with path.open("a") as handle:
        handle.write(f"{T10 + 1815}|a3|info|ag2|CONNECT|15|y|1\n")
        handle.write(f"{T10 + 1900}|a3|info|ag2|COMPLETEAGENT|15|85|1\n")
        handle.write(f"{T10 + 2000}|a4|info|NONE|ENTERQUEUE||06|1\n")
        handle.write(f"{T10 + 2005}|a4|info|NONE|ABANDON|1|1|5\n")
        handle.write(f"{T10 + 2006}|a5|info|NONE|ENTERQUEUE")  # incomplete last line: left for later
    services.import_file(path)
    assert QueuePassage.objects.count() == 4
    a3 = QueuePassage.objects.get(callid="a3")
    assert (a3.outcome, a3.wait, a3.talk) == ("answered", 15, 85)
    calls = QueuePassage.objects.filter(call_passages__gt=0)
    assert calls.count() == 4
    services.import_file(path)
    assert QueuePassage.objects.count() == 4 and calls.count() == 4


def test_bad_lines_reported_with_numbers_and_midnight(tmp_path):
    path = tmp_path / "queue_log"
    path.write_text("\ufeff" + MESSY)  # saved with a byte order mark: the first line still counts
    run = services.import_file(path, final=True)
    assert [line for line, _reason in run.report["skipped"]] == [13, 17, 18]
    c1 = QueuePassage.objects.get(callid="c1")
    assert c1.local_date == date(2026, 3, 2) and c1.local_minute == 23 * 60 + 59
    assert not c1.in_hours
    assert T0  # midnight crossing: counted on the day of ENTERQUEUE


def test_kpis_in_sql_match_hand_figures(tmp_path):
    import_log(tmp_path, day_log())
    filters = selectors.Filters(date_from=DAY, date_to=DAY, formula="F3b")
    total = selectors.totals(filters)
    # a1 answered in 10 s, a2 abandoned after 40 s, a3 incomplete
    assert (total["offered"], total["answered"], total["abandoned"], total["unknown"]) == (3, 1, 1, 1)
    assert total["service_level"] == 0.5  # F3b: 1 answered within 20 s / (3 - 1 unknown)
    assert total["asa"] == 10 and total["max_wait"] >= 40
    rows = selectors.kpi_rows(filters, "30")
    assert [(r["minute"], r["offered"]) for r in rows] == [(600, 2), (630, 1)]
    assert [r["offered"] for r in selectors.kpi_rows(filters, "month")] == [3]


def test_commands(tmp_path):
    path = tmp_path / "queue_log"
    path.write_text(day_log())
    out = StringIO()
    call_command("import_queue_log", str(path), "--final", stdout=out)
    assert "6 lines read" in out.getvalue() and "3 calls" in out.getvalue()
    out = StringIO()
    call_command("import_queue_log", str(path), stdout=out)
    assert "already up to date" in out.getvalue()
    out = StringIO()
    call_command(
        "telephony_report", "--from", "2026-03-02", "--to", "2026-03-02", "--queue", "info",
        "--interval", "30", stdout=out,
    )  # fmt: skip
    data = json.loads(out.getvalue())
    assert data["sl_formula"] == "F6" and data["total"]["offered"] == 3 and len(data["rows"]) == 2
    out = StringIO()
    call_command(
        "telephony_report", "--from", "2026-03-02", "--to", "2026-03-02", "--format", "csv", stdout=out
    )
    assert out.getvalue().splitlines()[1].startswith("2026-03-02,3,1,")
    out = StringIO()
    call_command(
        "telephony_report", "--from", "2026-03-01", "--to", "2026-03-31", "--interval", "week",
        "--format", "csv", stdout=out,
    )  # fmt: skip
    header, first = out.getvalue().splitlines()[:2]  # the period column is named after the grouping
    assert header.startswith("week,offered,") and first.startswith("2026-03-02,3,")
    assert ",service_level,sl_formula," in header and ",F6," in first  # the formula beside the figure
    out = StringIO()
    call_command(
        "staffing", "--calls", "100", "--period", "1800", "--aht", "180", "--target", "0.8",
        "--threshold", "20", stdout=out,
    )  # fmt: skip
    assert "agents needed: 14" in out.getvalue() and "service level (20 s): 88.84%" in out.getvalue()


def test_spreadsheet_export_has_french_headers_and_the_formula(client, users, tmp_path):
    from openpyxl import load_workbook

    import_log(tmp_path, day_log())
    client.force_login(users["superviseur"])
    response = client.get(
        reverse("telephony:export") + "?date_from=2026-03-01&date_to=2026-03-31&interval=week"
    )
    workbook = load_workbook(BytesIO(response.content))
    notes, by_interval, by_day = (workbook[name] for name in workbook.sheetnames[:3])
    assert any("F6" in str(row[0]) for row in notes.values)
    header = [cell.value for cell in by_interval[1]]
    assert header[:3] == ["File d'attente", "Semaine (lundi)", "Appels présentés"]
    assert "Niveau de service (F6)" in header
    assert [cell.value for cell in by_interval[2]][:3] == ["info", "2026-03-02", 3]
    assert [cell.value for cell in by_day[1]][:2] == ["Jour", "Appels présentés"]


def test_formula_injection_escaped():
    from telephony.exports import escape_formula

    assert escape_formula("=HYPERLINK(1)") == "'=HYPERLINK(1)" and escape_formula(3) == 3


PAGES = [
    ("telephony:dashboard", {}),
    ("telephony:day", {"day": "2026-03-02"}),
    ("telephony:export", {}),
    ("telephony:staffing", {}),
    ("telephony:upload", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_metropole_correspondent_gets_403(client, users, name, kwargs):
    client.force_login(users["cellule-voirie"])
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 403
    client.force_login(users["agent"])
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 403


def test_pages_for_supervisor_and_committee(client, users, tmp_path):
    import_log(tmp_path, day_log())
    query = "?date_from=2026-03-01&date_to=2026-03-03&interval=30"
    client.force_login(users["superviseur"])
    page = client.get(reverse("telephony:dashboard") + query)
    # (cells, not bare substrings: a page's random CSP nonce or CSRF token may contain "a2")
    assert page.status_code == 200 and b"F6" in page.content and b'"row">ag1</th>' in page.content
    day = client.get(reverse("telephony:day", kwargs={"day": "2026-03-02"}))
    assert b"<td>a2</td>" in day.content
    export = client.get(reverse("telephony:export") + query)
    assert export["Content-Type"].startswith("application/vnd.openxml")
    assert client.get(reverse("telephony:staffing")).status_code == 200
    assert (
        client.get(reverse("telephony:staffing") + "?weeks=8&target=80&shrinkage=30&format=xlsx").status_code
        == 200
    )
    client.force_login(users["comite"])
    page = client.get(reverse("telephony:dashboard") + query)
    assert page.status_code == 200 and b">ag1<" not in page.content  # figures only
    assert b"<td>a2</td>" not in client.get(reverse("telephony:day", kwargs={"day": "2026-03-02"})).content
    assert client.get(reverse("telephony:upload")).status_code == 403


def test_upload_runs_task_and_reports(client, users, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(users["superviseur"])
    upload = SimpleUploadedFile("queue_log", (day_log() + "broken\n").encode())
    response = client.post(reverse("telephony:upload"), {"file": upload, "file_format": "file"})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and run.status == "done" and run.progress == 100
    # the uploaded copy (callers' numbers) is deleted once imported
    assert run.stored_path == "" and not any((settings.MEDIA_ROOT / "telephony").iterdir())
    page = client.get(reverse("telephony:import_run", kwargs={"pk": run.pk}))
    assert run.report["skipped"] == [[7, "1 fields, at least 5 expected"]]  # stored in English
    assert b"broken" not in page.content  # the line's content is not shown, its number and why are
    assert "<td>7</td><td>ligne de 1 champ(s), au moins 5 attendus</td>" in page.content.decode()
    # the same file again adds nothing, and the list of imports says so
    again = SimpleUploadedFile("queue_log", (day_log() + "broken\n").encode())
    client.post(reverse("telephony:upload"), {"file": again, "file_format": "file"})
    listing = client.get(reverse("telephony:upload")).content.decode()
    assert listing.count("déjà importé, rien de nouveau") == 1 and QueuePassage.objects.count() == 3


def test_every_import_message_is_translated_with_its_values():
    from django.utils import translation

    from telephony.templatetags.telephony_tags import import_message

    values = {
        "count": "3",
        "event": "ABANDON",
        "error": "ValueError: x",
        "columns": "event",
        "column": "Début",
        "size": "1024",
        "ratio": "100",
    }
    values["line"] = "12"
    with translation.override("fr"):
        for template in (*queuelog.SKIP_REASONS, *queuelog.IMPORT_ERRORS):
            text = template.format(**values)
            translated = import_message(text)
            assert translated != text and translated == translation.gettext(template).format(**values)
            assert all(value in translated for name, value in values.items() if "{" + name + "}" in template)
        assert import_message("a reason from an older version") == "a reason from an older version"


def test_demo_generator_small():
    from telephony.demo import generate_demo_calls

    report, answered = generate_demo_calls(days=7, calls_per_year=20_000, end=date(2026, 3, 8))
    assert report.calls > 200 and report.skipped_count == 0 and answered


def test_uploading_a_longer_copy_of_the_log_completes_the_calls_left_open(client, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(users["superviseur"])
    morning = day_log()  # a3 entered the queue at the end of the file, still waiting
    upload = SimpleUploadedFile("queue_log", morning.encode())
    client.post(reverse("telephony:upload"), {"file": upload, "file_format": "file"})
    assert QueuePassage.objects.get(callid="a3").outcome == "unknown"  # counted, as incomplete
    later = (
        morning + f"{T10 + 1830}|a3|info|ag1|CONNECT|30|x|1\n{T10 + 1900}|a3|info|ag1|COMPLETEAGENT|30|70|1\n"
    )
    upload = SimpleUploadedFile("queue_log", later.encode())
    client.post(reverse("telephony:upload"), {"file": upload, "file_format": "file"})
    a3 = QueuePassage.objects.get(callid="a3")  # one row, completed
    assert (a3.outcome, a3.wait, a3.talk) == ("answered", 30, 70)
    assert QueuePassage.objects.count() == 3 and ImportRun.objects.count() == 2


def test_agent_figures_by_hand(tmp_path):
    """ag1 belongs to two queues: a pause in both at once counts once (research §2: the union
    of the per-queue pauses), PAUSEALL adds nothing; two rings not answered; two calls."""
    lines = [
        f"{T10 - 1800}|NONE|NONE|ag1|AGENTLOGIN|PJSIP/200",
        f"{T10 - 600}|NONE|NONE|ag1|PAUSEALL|Lunch",
        f"{T10 - 600}|NONE|info|ag1|PAUSE|Lunch",
        f"{T10 - 600}|NONE|signalement|ag1|PAUSE|Lunch",
        f"{T10}|NONE|info|ag1|UNPAUSE|",
        f"{T10}|NONE|signalement|ag1|UNPAUSE|",  # 600 s in both queues: 600 s, not 1,200
        f"{T10 + 10}|b1|info|NONE|ENTERQUEUE||06|1",
        f"{T10 + 12}|b1|info|ag1|RINGNOANSWER|15000",
        f"{T10 + 30}|b1|info|ag1|RINGNOANSWER|15000",
        f"{T10 + 50}|b1|info|ag1|CONNECT|40|x|3",
        f"{T10 + 110}|b1|info|ag1|COMPLETECALLER|40|60|1",
        f"{T10 + 200}|NONE|info|ag1|PAUSE|Admin",
        f"{T10 + 300}|NONE|info|ag1|UNPAUSE|",  # 100 s more, in one queue
        f"{T10 + 400}|b2|signalement|NONE|ENTERQUEUE||06|1",
        f"{T10 + 405}|b2|signalement|ag1|CONNECT|5|x|3",
        f"{T10 + 495}|b2|signalement|ag1|COMPLETEAGENT|5|90|1",
        f"{T10 + 500}|b3|info|NONE|ENTERQUEUE||06|1",
        f"{T10 + 520}|b3|info|ag2|CONNECT|20|x|3",
        f"{T10 + 550}|b3|info|ag2|COMPLETECALLER|20|30|1",
        f"{T10 + 1800}|NONE|NONE|ag1|AGENTLOGOFF|PJSIP/200|3600",
    ]
    import_log(tmp_path, "\n".join(lines) + "\n")
    rows = selectors.agent_rows(selectors.Filters(date_from=DAY, date_to=DAY))
    assert [(r["agent"], r["calls"], r["talk"], r["avg_talk"], r["pause"], r["rings"]) for r in rows] == [
        ("ag1", 2, 150, 75, 700, 2),
        ("ag2", 1, 30, 30, 0, 0),
    ]
    # staffing: ag1 logged in 09:30-10:30, paused 09:50-10:00 (in two queues) and 10:03:20-10:05
    staffed = selectors.logged_in_by_slot(selectors.Filters(date_from=DAY, date_to=DAY), {0: 1})
    assert {key: round(value, 3) for key, value in staffed.items()} == {(0, 570): 0.667, (0, 600): 0.944}


def test_union_of_intervals():
    from datetime import datetime

    from telephony.kpi import union_seconds

    def at(minute: int) -> datetime:
        return datetime(2026, 3, 2, 10, minute)

    assert union_seconds([]) == 0
    assert union_seconds([(at(0), at(10)), (at(0), at(10)), (at(5), at(12)), (at(20), at(21))]) == 13 * 60
    assert union_seconds([(at(0), at(30)), (at(5), at(10)), (at(30), at(31))]) == 31 * 60  # nested, touching


def test_dashboard_typical_week_and_the_limit_of_minute_intervals(client, users, tmp_path):
    import_log(tmp_path, day_log())
    client.force_login(users["superviseur"])
    page = client.get(
        reverse("telephony:dashboard") + "?date_from=2026-03-01&date_to=2026-03-31&interval=slot"
    )
    assert [row["label"] for row in page.context["rows"]] == ["Lundi 10:00", "Lundi 10:30"]
    assert [row["offered"] for row in page.context["rows"]] == [2, 1]
    # 30-minute intervals over a quarter: refused with a message, the typed values kept
    page = client.get(reverse("telephony:dashboard") + "?date_from=2026-01-01&date_to=2026-03-31&interval=30")
    html = page.content.decode()
    assert "Les intervalles en minutes couvrent au plus 62 jours" in html
    assert 'value="2026-01-01"' in html and 'value="2026-03-31"' in html


def test_dashboard_compares_with_the_previous_period_and_links_usual_periods(client, users, tmp_path):
    week_before = T10 - 7 * 86400  # Monday 23 February 2026
    import_log(tmp_path, day_log(week_before).replace("|a", "|w") + day_log())
    client.force_login(users["superviseur"])
    queue = selectors.passages(selectors.Filters(date_from=DAY, date_to=DAY)).first().queue_id
    page = client.get(
        reverse("telephony:dashboard")
        + f"?date_from=2026-03-01&date_to=2026-03-07&interval=day&queue={queue}"
    )
    assert page.context["before_filters"].date_from == date(2026, 2, 22)
    assert page.context["before_filters"].date_to == date(2026, 2, 28)
    assert (page.context["totals"]["offered"], page.context["before"]["offered"]) == (3, 3)
    assert page.context["before"]["abandoned"] == 1
    html = page.content.decode()
    assert "Période précédente, pour comparer\u202f: du 22/02/2026 au 28/02/2026." in html
    labels = [label for label, _query in page.context["periods"]]
    assert labels == [
        "Aujourd’hui",
        "7 derniers jours",
        "4 dernières semaines",
        "Mois dernier",
        "12 derniers mois",
    ]
    assert all(f"queue={queue}" in query for _label, query in page.context["periods"])


def test_handling_time_adds_after_call_work_and_max_wait_leaves_out_incomplete_passages(tmp_path, settings):
    settings.TELEPHONY_AFTER_CALL_WORK = 30
    path = tmp_path / "queue_log"
    path.write_text(
        f"{T10 - 3600}|u0|info|NONE|ENTERQUEUE||06|1\n"  # never ends: closed as incomplete at the restart
        f"{T10}|u1|info|NONE|ENTERQUEUE||06|1\n"
        f"{T10 + 10}|u1|info|ag1|CONNECT|10|x|1\n"
        f"{T10 + 130}|u1|info|ag1|COMPLETECALLER|10|120|1\n"
        f"{T10 + 200}|u2|info|NONE|ENTERQUEUE||06|1\n"
        f"{T10 + 245}|u2|info|NONE|ABANDON|1|1|45\n"
        f"{T10 + 7200}|NONE|NONE|NONE|QUEUESTART|\n"
    )
    services.import_file(path, final=True)
    total = selectors.totals(selectors.Filters(date_from=DAY, date_to=DAY))
    assert (total["avg_talk"], total["aht"]) == (120, 150)  # 120 s of talk + 30 s of after-call work
    assert (total["unknown"], total["max_wait"]) == (1, 45)  # u0's 3 h are a lower bound, not a wait
    rows = selectors.kpi_rows(selectors.Filters(date_from=DAY, date_to=DAY), "day")
    assert (rows[0]["aht"], rows[0]["max_wait"]) == (150, 45)


def test_a_final_import_reads_a_last_line_without_its_newline(tmp_path):
    path = tmp_path / "queue_log"
    last = f"{T10 + 1870}|a3|info|ag1|COMPLETECALLER|10|60|1"  # no newline after it
    path.write_text(day_log() + f"{T10 + 1810}|a3|info|ag1|CONNECT|10|x|1\n" + last)
    run = services.import_file(path, final=True)
    assert QueuePassage.objects.get(callid="a3").outcome == "answered"
    assert run.report["lines_read"] == 8 and run.report["skipped_count"] == 0
    run.source.refresh_from_db()
    assert run.source.offset == path.stat().st_size


def test_agent_presence_is_the_union_of_memberships_and_only_own_pauses_count(tmp_path):
    """research §2.5: logged-in time is the union of [ADDMEMBER, REMOVEMEMBER) intervals;
    a static member (P9, no ADDMEMBER) pausing takes nobody else away."""
    h = 3600
    path = tmp_path / "queue_log"
    path.write_text(
        f"{T10 - 2 * h}|MANAGER|info|carol|ADDMEMBER|\n"  # 08:00, two queues
        f"{T10 - 2 * h}|MANAGER|signalement|carol|ADDMEMBER|\n"
        f"{T10 - h}|MANAGER|signalement|carol|REMOVEMEMBER|\n"  # 09:00 leaves one: still present
        f"{T10 - h}|NONE|info|bob|PAUSE|Repas\n"  # bob, a static member, pauses 09:00-10:00
        f"{T10}|NONE|info|bob|UNPAUSE|\n"
        f"{T10 + 2 * h}|MANAGER|info|carol|REMOVEMEMBER|\n"  # 12:00: presence ends
    )
    services.import_file(path, final=True)
    staffed = selectors.logged_in_by_slot(selectors.Filters(date_from=DAY, date_to=DAY), {0: 1})
    assert {minute for (_day, minute), value in staffed.items() if value} == set(range(8 * 60, 12 * 60, 30))
    assert set(staffed.values()) == {1.0}


def test_an_agent_session_is_completed_by_the_next_import(tmp_path):
    """cron: a session started at 07:00 is still open at the 20:15 import; its end, logged
    at 20:30, reaches the next import (the session is re-read, not left without an end)."""
    h = 3600
    path = tmp_path / "queue_log"
    lines = [f"{T10 - 3 * h}|MANAGER|info|dave|ADDMEMBER|\n"]  # 07:00
    for n in range(40):  # calls until 20:03
        start = T10 - 2 * h + n * 1200
        lines += [
            f"{start}|k{n}|info|NONE|ENTERQUEUE||06|1\n",
            f"{start + 30}|k{n}|info|NONE|ABANDON|1|1|30\n",
        ]
    path.write_text("".join(lines))
    services.import_file(path)
    with path.open("a") as handle:
        handle.write(f"{T10 + 10 * h + 1800}|MANAGER|info|dave|REMOVEMEMBER|\n")  # 20:30
    services.import_file(path)
    staffed = selectors.logged_in_by_slot(selectors.Filters(date_from=DAY, date_to=DAY), {0: 1})
    assert staffed[(0, 10 * 60)] == 1.0 and staffed[(0, 20 * 60)] == 1.0


def test_intersection_of_intervals():
    from datetime import datetime

    from telephony.kpi import intersect_intervals

    def at(hour: int) -> datetime:
        return datetime(2026, 3, 2, hour)

    sessions = [(at(8), at(12)), (at(13), at(18))]
    assert intersect_intervals([(at(7), at(9)), (at(11), at(14)), (at(17), at(19))], sessions) == [
        (at(8), at(9)),
        (at(11), at(12)),
        (at(13), at(14)),
        (at(17), at(18)),
    ]
    assert intersect_intervals([(at(12), at(13))], sessions) == [] and intersect_intervals([], sessions) == []


def test_figures_are_over_opening_hours_and_the_other_calls_counted_apart(client, users, tmp_path):
    """research §2.2/§2.4: out-of-hours stints are reported separately, excluded from the KPIs
    (on the barometer, its export and the report), unless all calls are asked for."""
    evening = T10 + 9 * 3600  # Monday 19:00, closed
    import_log(tmp_path, day_log() + day_log(evening).replace("|a", "|e"))
    client.force_login(users["superviseur"])
    url = reverse("telephony:dashboard") + "?date_from=2026-03-02&date_to=2026-03-02"
    page = client.get(url)
    assert (page.context["totals"]["offered"], page.context["out_of_hours"]) == (3, 3)
    assert "comptés à part des chiffres ci-dessus" in page.content.decode()
    page = client.get(url + "&hours=all")
    assert (page.context["totals"]["offered"], page.context["out_of_hours"]) == (6, 3)
    out = StringIO()
    call_command("telephony_report", "--from", "2026-03-02", "--to", "2026-03-02", stdout=out)
    report = json.loads(out.getvalue())
    assert (report["total"]["offered"], report["out_of_hours"]) == (3, 3)
    out = StringIO()
    call_command("telephony_report", "--from", "2026-03-02", "--to", "2026-03-02", "--all-hours", stdout=out)
    assert json.loads(out.getvalue())["total"]["offered"] == 6


def test_one_person_under_two_identifiers(client, users, tmp_path, django_capture_on_commit_callbacks):
    """research §1.2: ADDMEMBER logs the interface (PJSIP/201), the call events and pauses the
    membername (marie). Declared the same person, the figures and presence join."""
    from telephony.models import Agent

    h = 3600
    lines = [
        f"{T10 - 2 * h}|MANAGER|info|PJSIP/201|ADDMEMBER|",  # 08:00
        f"{T10 - h}|NONE|info|marie|PAUSE|Repas",  # 09:00-09:30
        f"{T10 - h + 1800}|NONE|info|marie|UNPAUSE|",
        f"{T10}|m1|info|NONE|ENTERQUEUE||06|1",
        f"{T10 + 5}|m1|info|marie|CONNECT|5|x|1",
        f"{T10 + 65}|m1|info|marie|COMPLETECALLER|5|60|1",
        f"{T10 + 2 * h}|MANAGER|info|PJSIP/201|REMOVEMEMBER|",  # 12:00
    ]
    import_log(tmp_path, "\n".join(lines) + "\n")
    filters = selectors.Filters(date_from=DAY, date_to=DAY)
    assert selectors.logged_in_by_slot(filters, {0: 1})[(0, 540)] == 1.0  # marie's pause is not PJSIP/201's
    interface, person = Agent.objects.get(identifier="PJSIP/201"), Agent.objects.get(identifier="marie")
    person.label = "Marie Durand"
    person.save()
    client.force_login(users["admin"])
    form = client.get(reverse("admin:telephony_agent_change", args=[interface.pk]))
    assert form.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:telephony_agent_change", args=[interface.pk]),
            {"identifier": "PJSIP/201", "label": "", "same_as": person.pk},
        )
    assert response.status_code == 302
    assert not services.AgentActivity.objects.filter(agent=interface).exists()  # its rows moved
    assert selectors.logged_in_by_slot(filters, {0: 1})[(0, 540)] == 0.0  # paused from 09:00 to 09:30
    rows = selectors.agent_rows(filters)
    assert [(r["agent"], r["calls"], r["pause"]) for r in rows] == [("Marie Durand", 1, 1800)]
    # a later log: the interface is counted for the person at import
    later = tmp_path / "queue_log.next"
    later.write_text(
        f"{T10 + 3 * h}|MANAGER|info|PJSIP/201|ADDMEMBER|\n"
        f"{T10 + 4 * h}|MANAGER|info|PJSIP/201|REMOVEMEMBER|\n"
    )
    services.import_file(later, final=True)
    assert not services.AgentActivity.objects.filter(agent=interface).exists()
    # a main identifier cannot itself point elsewhere, nor to itself
    response = client.post(
        reverse("admin:telephony_agent_change", args=[person.pk]),
        {"identifier": "marie", "label": "Marie Durand", "same_as": person.pk},
    )
    assert response.status_code == 200 and "same_as" in response.context["adminform"].form.errors


def test_out_of_range_and_invalid_input_give_messages_not_errors(client, users):
    client.force_login(users["superviseur"])
    dashboard = reverse("telephony:dashboard")
    for query in ("?date_from=0001-01-01&date_to=0001-01-05", "?date_from=9999-12-25&date_to=9999-12-31"):
        page = client.get(dashboard + query)
        assert page.status_code == 200 and "Choisissez des dates entre 2000 et 2099." in page.content.decode()
    for day in ("0001-01-01", "9999-12-31", "2026-02-30"):
        assert client.get(reverse("telephony:day", kwargs={"day": day})).status_code == 404
    day = reverse("telephony:day", kwargs={"day": "2026-03-02"})
    for after in ("0001-01-01T00:00:00_1", "2026-03-02T09:00:00_x", "garbage"):
        assert client.get(day, {"after": after}).status_code == 200
    # an export of an invalid period goes back to the barometer, which says why
    export = client.get(reverse("telephony:export") + "?date_from=2026-03-05&date_to=2026-03-01")
    assert export.status_code == 302 and export["Location"].startswith(dashboard + "?")
    # the staffing plan: invalid parameters are shown with their message, not silently replaced
    staffing = client.get(reverse("telephony:staffing"), {"target": "100", "format": "xlsx"})
    assert staffing["Content-Type"].startswith("text/html") and "errorlist" in staffing.content.decode()
    page = client.get(reverse("telephony:staffing")).content.decode()
    assert 'id="id_patience_helptext"' in page  # the help the field points to is there


def test_committee_reaches_the_figures_from_the_menu(client, users):
    client.force_login(users["comite"])
    menu = client.get(reverse("catalogue:list")).content.decode()
    assert f'href="{reverse("telephony:dashboard")}"' in menu
    client.force_login(users["finances"])  # finance officers: not theirs (DESIGN: the financial sheet)
    assert (
        f'href="{reverse("telephony:dashboard")}"'
        not in client.get(reverse("catalogue:list")).content.decode()
    )


def test_the_fiche_page_shows_a_call_that_waited_without_an_agent(client, users, make_fiche, tmp_path):
    """A call that timed out in one queue (no agent) before an agent answered in another: the
    supervisor's fiche page lists both passages, a dash for the missing agent (a 500 in CI when
    the demo's shown fiche had such a call)."""
    from datetime import UTC, datetime

    from fiches.models import Fiche

    import_log(
        tmp_path,
        f"{T10}|c1|info|NONE|ENTERQUEUE||06|1\n"
        f"{T10 + 40}|c1|info|NONE|EXITWITHTIMEOUT|1|1|40\n"
        f"{T10 + 41}|c1|elus|NONE|ENTERQUEUE||06|1\n"
        f"{T10 + 50}|c1|elus|ag1|CONNECT|9|x|1\n"
        f"{T10 + 110}|c1|elus|ag1|COMPLETECALLER|9|60|1\n",
    )
    fiche = make_fiche("VOI-NID", call_id="c1")
    Fiche.objects.filter(pk=fiche.pk).update(created_at=datetime(2026, 3, 2, 9, 5, tzinfo=UTC))
    client.force_login(users["superviseur"])
    page = client.get(reverse("fiches:detail", args=[fiche.reference])).content.decode()
    rows = page.split('id="call-passages-title"')[1].split("</tbody>")[0].split("<tr>")[2:]
    assert len(rows) == 2
    assert "<td>—</td>" in rows[0] and "ag1" in rows[1]
