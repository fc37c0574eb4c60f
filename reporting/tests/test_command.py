from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("barometer", *args, stdout=out)
    return out.getvalue()


def test_json_gives_the_page_figures(known_fiches):
    data = json.loads(run("--from", "2026-01-01", "--to", "2026-03-31", "--by", "body"))
    total = data["rows"][-1]
    assert total["key"] is None and total["received"] == 6 and total["compliance_pct"] == 50.0
    assert total["ack_median_h"] == 4.0 and total["resolution_p90_h"] == 720.0
    assert total["backlog_at_end"] == 2 and total["delay_lost_median_h"] == 48.0
    assert sorted(r["received"] for r in data["rows"][:-1]) == [3, 3]


def test_csv_by_quarter(known_fiches):
    rows = list(
        csv.DictReader(
            io.StringIO(
                run("--from", "2025-01-01", "--to", "2026-06-30", "--by", "quarter", "--format", "csv")
            )
        )
    )
    assert [(r["key"], r["received"]) for r in rows] == [
        ("2025-01-01", "1"),
        ("2025-10-01", "1"),
        ("2026-01-01", "6"),
        ("2026-04-01", "1"),
        ("", "9"),
    ]


@pytest.mark.parametrize(
    "dates", [("2026-13-01", "2026-12-31"), ("9999-01-01", "9999-01-02"), ("2026-03-01", "2026-01-01")]
)
def test_bad_dates_are_refused(db, dates):
    with pytest.raises(CommandError):
        run("--from", dates[0], "--to", dates[1])
