"""Hostile values and files given to the telephony commands, pages and imports: a clear
message, never a traceback or minutes of work."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from telephony.tests.test_import_and_pages import day_log

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
    for params in ({"patience": "0"}, {"patience": "100000"}, {"shrinkage": "95"}, {"target": "inf"}):
        response = client.get(reverse("telephony:staffing"), params)
        assert response.status_code == 200 and "errorlist" in response.content.decode(), params


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
