"""The database form of queue_log (a CSV export of the realtime table): columns by name,
local or epoch times, rows in any order, and exports that replace the period they cover."""

from __future__ import annotations

import html
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from telephony import services
from telephony.models import ImportRun, QueuePassage

pytestmark = pytest.mark.django_db

HEADER = "id,time,callid,queuename,agent,event,data1,data2,data3,data4,data5\n"
# Monday 2 March 2026, Paris time (UTC+1): 10:00:00 is the epoch 1772442000
D1 = [
    "1,2026-03-02 10:00:00,d1,info,NONE,ENTERQUEUE,,0600000001,1,,\n",
    "2,2026-03-02 10:00:12,d1,info,ag1,CONNECT,12,x,3,,\n",
    "3,2026-03-02 10:01:42,d1,info,ag1,COMPLETEAGENT,12,90,1,,\n",
]
D2 = [
    "4,1772442120,d2,info,NONE,ENTERQUEUE,,0600000002,1,,\n",  # an epoch works too
    "5,2026-03-02 10:02:30.250000,d2,info,NONE,ABANDON,1,1,30,,\n",
]
D3 = [  # exported out of order: the CONNECT comes before its ENTERQUEUE
    "7,2026-03-02 10:03:05,d3,signalement,ag2,CONNECT,5,x,2,,\n",
    "6,2026-03-02 10:03:00,d3,signalement,NONE,ENTERQUEUE,,0600000003,1,,\n",
    "8,2026-03-02 10:04:05,d3,signalement,ag2,COMPLETECALLER,5,60,1,,1|\n",  # asterisk #859
]
D4 = [
    "9,2026-03-02 11:00:00,d4,info,NONE,ENTERQUEUE,,0600000004,1,,\n",
    "10,2026-03-02 11:00:40,d4,info,NONE,EXITWITHTIMEOUT,1,1,40,,\n",
]
D5 = [
    "11,2026-03-02 12:00:00,d5,info,NONE,ENTERQUEUE,,0600000005,1,,\n",
    "12,2026-03-02 12:00:10,d5,info,NONE,ABANDON,1,1,10,,\n",
]


def _export(tmp_path, name: str, *rows: list[str], extra: str = "") -> str:
    path = tmp_path / name
    path.write_text(HEADER + "".join(line for group in rows for line in group) + extra, encoding="utf-8")
    return str(path)


def _stored() -> list[tuple]:
    return sorted(QueuePassage.objects.values_list("callid", "outcome", "wait", "talk"))


def test_database_rows_rebuilt_by_hand(tmp_path):
    path = _export(tmp_path, "queue_log.csv", D1, D2, D3, extra="13,yesterday,d9,info,NONE,ENTERQUEUE,,,,,\n")
    run = services.import_db_csv(path)
    assert run.status == "done"
    assert _stored() == [
        ("d1", "answered", 12, 90),
        ("d2", "abandoned", 30, 0),
        ("d3", "answered", 5, 60),
    ]
    d1 = QueuePassage.objects.get(callid="d1")
    assert (d1.local_date.isoformat(), d1.local_minute, d1.in_hours) == ("2026-03-02", 600, True)
    assert run.report["lines_read"] == 9 and run.report["calls"] == 3
    ((lineno, reason),) = run.report["skipped"]  # the bad row, by its line in the file (header = 1)
    assert (lineno, reason) == (10, "unreadable start time (column time)")  # not the value itself


def test_single_data_column_form(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "time,callid,queuename,agent,event,data\n"
        "1772442000,s1,info,NONE,ENTERQUEUE,|0600|1\n"
        "1772442008,s1,info,ag1,CONNECT,8|x|2\n"
        "1772442068,s1,info,ag1,COMPLETECALLER,8|60|1\n"
    )
    services.import_db_csv(path)
    assert _stored() == [("s1", "answered", 8, 60)]


def test_exports_replace_the_period_they_cover(tmp_path):
    first = _export(tmp_path, "queue_log.csv", D1, D2, D3)
    services.import_db_csv(first)
    services.import_db_csv(first)  # the same export again: nothing added
    assert [row[0] for row in _stored()] == ["d1", "d2", "d3"]
    longer = _export(tmp_path, "queue_log_later.csv", D1, D2, D3, D4)  # the table grew
    services.import_db_csv(longer)
    assert [row[0] for row in _stored()] == ["d1", "d2", "d3", "d4"]
    window = _export(tmp_path, "last_hours.csv", D3, D4, D5)  # overlaps the earlier ones
    services.import_db_csv(window)
    assert _stored() == [
        ("d1", "answered", 12, 90),
        ("d2", "abandoned", 30, 0),
        ("d3", "answered", 5, 60),
        ("d4", "timeout", 40, 0),
        ("d5", "abandoned", 10, 0),
    ]


def test_missing_columns_fail_clearly_and_change_nothing(tmp_path):
    services.import_db_csv(_export(tmp_path, "queue_log.csv", D1))
    bad = tmp_path / "bad.csv"
    bad.write_text("time,callid,queuename,agent,verb_missing\n1772442000,x,info,NONE,ENTERQUEUE\n")
    with pytest.raises(ValueError, match="columns missing from the header: event"):
        services.import_db_csv(bad)
    run = ImportRun.objects.get(file_name="bad.csv")
    assert run.status == "failed" and "event" in run.error
    assert [row[0] for row in _stored()] == ["d1"]


def test_command_and_upload_of_the_database_form(tmp_path, client, users):
    out = StringIO()
    call_command("import_queue_log", _export(tmp_path, "queue_log.csv", D1, D2), "--db-csv", stdout=out)
    assert "5 lines read" in out.getvalue() and "2 calls" in out.getvalue()
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(users["superviseur"])
    upload = SimpleUploadedFile("export.csv", (HEADER + "".join(D1 + D2 + D3)).encode())
    response = client.post(reverse("telephony:upload"), {"file": upload, "file_format": "db"})
    run = ImportRun.objects.filter(file_format="db").first()  # the newest
    assert response.status_code == 302 and run.status == "done" and run.report["calls"] == 3
    assert [row[0] for row in _stored()] == ["d1", "d2", "d3"]  # d1 and d2 replaced, not doubled


def test_an_upload_that_fails_says_why_and_its_copy_is_deleted(client, users, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(users["superviseur"])
    upload = SimpleUploadedFile("export.csv", b"time,callid,queuename,agent\n1772442000,x,info,NONE\n")
    response = client.post(reverse("telephony:upload"), {"file": upload, "file_format": "db"})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and run.status == "failed" and "event" in run.error
    page = html.unescape(client.get(reverse("telephony:import_run", kwargs={"pk": run.pk})).content.decode())
    assert "L'import a échoué et n'a rien modifié\u202f: colonnes absentes de l'en-tête\u202f: event" in page
    assert run.stored_path == "" and not any((settings.MEDIA_ROOT / "telephony").iterdir())


def test_rows_of_one_second_keep_their_order_and_data5_keeps_its_pipes(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        HEADER
        + "3,2026-03-02 10:00:00.800000,e1,info,ag1,COMPLETECALLER,0,40,1,,\n"  # file order is not time order
        + "1,2026-03-02 10:00:00.200000,e1,info,NONE,ENTERQUEUE,,06,1,,\n"
        + "2,2026-03-02 10:00:00.500000,e1,info,ag1,CONNECT,0,x,1,,\n"
        + "5,2026-03-02 10:01:00,e2,info,ag1,CONNECT,0,x,1,,\n"  # same second: the id orders them
        + "4,2026-03-02 10:01:00,e2,info,NONE,ENTERQUEUE,,06,1,,\n"
        + "6,2026-03-02 10:06:00,e2,info,ag1,ATTENDEDTRANSFER,LINK,PJSIP/a-1,PJSIP/b-2,0,300|1\n"
    )
    services.import_db_csv(path)
    assert _stored() == [("e1", "answered", 0, 40), ("e2", "transfer", 0, 300)]
