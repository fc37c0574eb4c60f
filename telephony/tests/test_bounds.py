"""Hostile values and files given to the telephony commands, pages and imports: a clear
message, never a traceback or minutes of work."""

from __future__ import annotations

import gzip
from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from telephony import queuelog, selectors, services
from telephony.models import ImportRun, ImportSource, QueuePassage
from telephony.tasks import run_import
from telephony.tests.test_import_and_pages import DAY, T10, day_log

pytestmark = pytest.mark.django_db

STAFFING = ["staffing", "--calls", "100", "--period", "1800", "--aht", "180"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--max-occupancy", "0"], "max occupancy must be from 0.1 to 1"),
        (["--max-occupancy", "-1"], "max occupancy must be from 0.1 to 1"),
        (["--calls", "inf"], "calls must be a finite number"),
        (["--calls", "nan"], "calls must be a finite number"),
        (["--calls", "-3"], "calls must be 0 or more"),
        (["--calls", "1e9"], "offered load of 100000000 Erlangs .* beyond the maximum of 5000"),
        (["--threshold", "-20"], "threshold must be from 0 to 3600"),
        (["--patience", "-10"], "patience must be from 1 to 3600"),
        (["--patience", "0"], "patience must be from 1 to 3600"),
        (["--target", "1.5"], "target must be from 0.01 to 0.99"),
        (["--shrinkage", "1"], "shrinkage must be from 0 to 0.9"),
        (["--period", "0"], "period and aht must be more than 0"),
    ],
)
def test_staffing_command_refuses_values_out_of_bounds(options, message):
    with pytest.raises(CommandError, match=message):
        call_command(*STAFFING, *options, stdout=StringIO())


def test_staffing_command_answers_the_largest_load_at_once():
    out = StringIO()
    call_command(
        "staffing", "--calls", "50000", "--period", "1800", "--aht", "180", "--patience", "3600", stdout=out
    )
    assert "traffic intensity: 5000.00 Erlangs" in out.getvalue()


def test_staffing_page_applies_the_same_limits(client, users):
    client.force_login(users["superviseur"])
    valid = {"weeks": "8", "target": "80", "shrinkage": "30", "patience": "300"}
    assert "errorlist" not in client.get(reverse("telephony:staffing"), valid).content.decode()
    for name, value in (("patience", "0"), ("patience", "3601"), ("shrinkage", "95"), ("target", "inf")):
        response = client.get(reverse("telephony:staffing"), {**valid, name: value})
        assert response.status_code == 200
        assert response.context["form"].errors.keys() == {name}, (name, value)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--from", "2026-03-31", "--to", "2026-03-01"], "the period must run forwards"),
        (["--from", "0001-01-01", "--to", "9999-12-31"], "the period must run forwards, within 2000-01-01"),
        (["--from", "2026-03-01", "--to", "2026-03-31", "--threshold", "-20"], "threshold must be from 0"),
        (
            ["--from", "2026-03-01", "--to", "2026-03-31", "--threshold", "99999999"],
            "threshold must be from 0",
        ),
    ],
)
def test_report_command_refuses_values_out_of_bounds(options, message):
    with pytest.raises(CommandError, match=message):
        call_command("telephony_report", *options, stdout=StringIO())


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--db-csv", "--tz", "Mars/Olympus"], "unknown time zone"),
        (["--db-csv", "--tz", "../../etc/passwd"], "unknown time zone"),
        (["--csv-mapping", "queue=q,start=s,wait=w,outcome=o", "--delimiter", ";;"], "one character"),
        (["--csv-mapping", "queue=q,start=s,wait=w,outcome=o", "--delimiter", '"'], "one character"),
    ],
)
def test_import_command_refuses_bad_options(tmp_path, options, message):
    path = tmp_path / "queue_log"
    path.write_text(day_log())
    with pytest.raises(CommandError, match=message):
        call_command("import_queue_log", str(path), *options, stdout=StringIO())


def test_import_command_refuses_a_directory_given_as_a_csv_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_queue_log", str(tmp_path), "--db-csv", stdout=StringIO())


# --------------------------------------------------------------------------- imports


def upload(client, users, name: str, content: bytes) -> ImportRun:
    client.force_login(users["superviseur"])
    response = client.post(
        reverse("telephony:upload"), {"file": SimpleUploadedFile(name, content), "file_format": "file"}
    )
    assert response.status_code == 302
    return ImportRun.objects.latest("pk")


def gzipped(path, pieces) -> bytes:
    with gzip.open(path, "wb") as handle:
        for piece in pieces:
            handle.write(piece)
    return path.read_bytes()


def test_a_gzip_bomb_is_refused_after_reading_a_little_of_it(client, users, tmp_path):
    bomb = gzipped(tmp_path / "b.gz", [day_log().encode()] + [b"\n" * (1 << 20)] * 32)
    assert len(bomb) < 64 << 10
    run = upload(client, users, "queue_log.gz", bomb)
    assert run.status == "failed" and QueuePassage.objects.count() == 0
    assert run.error == queuelog.TOO_COMPRESSED.format(ratio=100)
    page = client.get(reverse("telephony:import_run", kwargs={"pk": run.pk})).content.decode()
    assert "plus de 100 fois" in page


def test_a_log_larger_than_the_setting_is_refused(client, users, tmp_path, settings):
    settings.TELEPHONY_IMPORT_MAX_SIZE = 1 << 20
    settings.UPLOAD_ARCHIVE_MAX_RATIO = 10_000
    big = day_log().encode() * 5000  # 1.2 MB
    run = upload(client, users, "queue_log.gz", gzipped(tmp_path / "b.gz", [big]))
    assert (run.status, run.error) == ("failed", queuelog.TOO_LARGE.format(size=1))
    run = upload(client, users, "queue_log", big)
    assert (run.status, run.error) == ("failed", queuelog.TOO_LARGE.format(size=1))
    with pytest.raises(CommandError, match="TELEPHONY_IMPORT_MAX_SIZE"):
        (tmp_path / "export.csv").write_bytes(b"time,callid,queuename,agent,event,data\n" * 30_000)
        call_command("import_queue_log", str(tmp_path / "export.csv"), "--db-csv", stdout=StringIO())
    assert QueuePassage.objects.count() == 0


def test_a_line_without_end_is_refused_at_its_bound(client, users):
    endless = b"x" * (queuelog.MAX_LINE_BYTES + (1 << 17))
    run = upload(client, users, "queue_log", day_log().encode() + endless)
    assert run.status == "failed" and run.error == queuelog.LINE_TOO_LONG.format(line=7, size=1024)
    assert QueuePassage.objects.count() == 0


def many_calls(count: int, start: int = T10) -> str:
    return "".join(
        f"{start + 60 * n}|c{n}|info|NONE|ENTERQUEUE||06|1\n"
        f"{start + 60 * n + 5}|c{n}|info|NONE|ABANDON|1|1|5\n"
        for n in range(count)
    )


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 2 rows; ``on_flush(n)`` runs before the n-th batch is written (from 1)."""
    monkeypatch.setattr(services, "BATCH", 2)
    hooks = []
    original = services.Writer.flush

    def flush(writer):
        hooks.append(None)
        for hook in on_flush:
            hook(len(hooks))
        return original(writer)

    on_flush: list = []
    monkeypatch.setattr(services.Writer, "flush", flush)
    return on_flush


def test_the_stop_button_stops_a_running_import_and_nothing_is_kept(client, users, tmp_path, small_batches):
    client.force_login(users["superviseur"])
    path = tmp_path / "queue_log"
    path.write_text(many_calls(20))
    run = ImportRun.objects.create(file_name="queue_log", stored_path=str(path))

    def press_stop(count: int) -> None:
        if count == 3:  # two batches are written
            assert QueuePassage.objects.count() == 4
            response = client.post(reverse("telephony:stop_import", kwargs={"pk": run.pk}))
            assert response.status_code == 302

    small_batches.append(press_stop)
    with pytest.raises(services.ImportStopped):
        services.import_file(path, run=run)
    run.refresh_from_db()
    assert (run.status, run.error) == ("stopped", queuelog.STOPPED)
    assert QueuePassage.objects.count() == 0 and run.source.offset == 0
    small_batches.clear()
    assert services.import_file(path).report["calls"] == 20 and QueuePassage.objects.count() == 20


def test_a_stopped_whole_file_import_is_rolled_back(tmp_path, small_batches):
    path = tmp_path / "calls.csv"
    rows = "".join(f"info,{T10 + 60 * n},5,abandon\n" for n in range(10))
    path.write_text("queue,start,wait,outcome\n" + rows)
    run = ImportRun.objects.create(file_name="calls.csv", stored_path=str(path), file_format="csv")
    small_batches.append(lambda count: count == 2 and ImportRun.objects.update(stop_requested=True))
    mapping = {"queue": "queue", "start": "start", "wait": "wait", "outcome": "outcome"}
    with pytest.raises(services.ImportStopped):
        services.import_generic_csv_file(path, mapping, run=run)
    run.refresh_from_db()
    assert run.status == "stopped" and QueuePassage.objects.count() == 0


def test_stop_on_the_list_of_imports_before_the_worker_starts(client, users, tmp_path):
    client.force_login(users["superviseur"])
    name = default_storage.save("telephony/waiting", ContentFile(day_log().encode()))
    run = ImportRun.objects.create(file_name="queue_log", stored_path=name)
    listing = client.get(reverse("telephony:upload")).content.decode()
    assert reverse("telephony:stop_import", kwargs={"pk": run.pk}) in listing
    client.post(reverse("telephony:stop_import", kwargs={"pk": run.pk}))
    assert "arrêt en cours" in client.get(reverse("telephony:upload")).content.decode()
    run_import.call(run.pk)
    run.refresh_from_db()
    assert run.status == "stopped" and QueuePassage.objects.count() == 0
    assert not default_storage.exists(name)
    # a finished import cannot be stopped any more: the button is gone and the request changes nothing
    client.post(reverse("telephony:stop_import", kwargs={"pk": run.pk}))
    assert ImportRun.objects.get(pk=run.pk).status == "stopped"
    assert client.get(reverse("telephony:stop_import", kwargs={"pk": run.pk})).status_code == 405


def test_ctrl_c_stops_the_command_without_a_half_import(tmp_path, small_batches):
    path = tmp_path / "queue_log"
    path.write_text(many_calls(20))

    def interrupt(count: int) -> None:
        if count == 3:
            assert QueuePassage.objects.count() == 4
            raise KeyboardInterrupt

    small_batches.append(interrupt)
    with pytest.raises(CommandError, match="interrupted: nothing of the file"):
        call_command("import_queue_log", str(path), stdout=StringIO())
    assert QueuePassage.objects.count() == 0
    assert ImportRun.objects.get().status == "stopped"
    small_batches.clear()
    call_command("import_queue_log", str(path), stdout=StringIO())
    assert QueuePassage.objects.count() == 20  # nothing twice


@pytest.mark.parametrize("grown", [False, True])
def test_a_rotated_copy_of_a_short_log_is_not_imported_twice(tmp_path, grown):
    text = day_log()
    assert len(text) < services.HEAD_LENGTH
    (tmp_path / "queue_log").write_text(text)
    services.import_file(tmp_path / "queue_log")
    figures = selectors.totals(selectors.Filters(date_from=DAY, date_to=DAY, in_hours_only=False))
    if grown:  # lines logged before the rotation
        text += f"{T10 + 1815}|a3|info|ag2|CONNECT|15|y|1\n{T10 + 1900}|a3|info|ag2|COMPLETEAGENT|15|85|1\n"
    (tmp_path / "queue_log.1").write_text(text)
    (tmp_path / "queue_log").write_text("")  # the new, empty log
    services.import_file(tmp_path / "queue_log.1")
    after = selectors.totals(selectors.Filters(date_from=DAY, date_to=DAY, in_hours_only=False))
    assert after["offered"] == figures["offered"] == 3 and QueuePassage.objects.count() == 3
    assert ImportSource.objects.count() == 1
    assert QueuePassage.objects.get(callid="a3").outcome == ("answered" if grown else "unknown")


def test_a_different_short_log_is_a_new_source(tmp_path):
    (tmp_path / "queue_log").write_text(day_log())
    services.import_file(tmp_path / "queue_log")
    (tmp_path / "other_log").write_text(day_log(T10 + 86400))
    services.import_file(tmp_path / "other_log")
    assert ImportSource.objects.count() == 2 and QueuePassage.objects.count() == 6


def test_the_upload_goes_through_the_default_storage(client, users, settings):
    memory = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    settings.STORAGES = {**settings.STORAGES, "default": memory}
    run = upload(client, users, "queue_log", day_log().encode())
    assert run.status == "done" and QueuePassage.objects.count() == 3
    assert not (settings.MEDIA_ROOT / "telephony").exists()  # nothing on this node's disk
    assert default_storage.listdir("telephony") == ([], [])  # and the copy is deleted after the import


def test_staffing_page_says_when_the_history_is_beyond_the_largest_load(client, users, tmp_path, monkeypatch):
    from telephony import erlang

    log = tmp_path / "queue_log"
    log.write_text(day_log(int(datetime.combine(date.today() - timedelta(days=7), time(10)).timestamp())))
    services.import_file(log, final=True)
    client.force_login(users["superviseur"])
    monkeypatch.setattr(erlang, "MAX_LOAD", 0.0001)
    response = client.get(reverse("telephony:staffing"))
    assert response.status_code == 200
    assert "dépassent 0.0001 Erlangs" in response.content.decode()


def test_an_upload_missing_from_the_storage_fails_its_run():
    run = ImportRun.objects.create(file_name="queue_log", stored_path="telephony/gone")
    assert run_import.call(run.pk) == "failed"
    run.refresh_from_db()
    assert run.error.startswith("FileNotFoundError") and run.stored_path == ""
