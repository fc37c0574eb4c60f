"""The ``cost_sharing`` simulator command."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

BASE = [
    "--notified", "2009-03-01", "--expenses", "2468135.47", "--provisional-key", "0.45",
    "--partner-fiches", "61234", "--total-fiches", "133021",
]  # fmt: skip


def run(*args: str) -> str:
    out = StringIO()
    call_command("cost_sharing", *args, stdout=out)
    return out.getvalue()


def test_json_gives_the_year_the_settlement_the_deadline_and_next_year():
    data = json.loads(run(*BASE, "--next-expenses", "2500000", "--format", "json"))
    assert data["quarter_ends"] == ["2009-05-31", "2009-08-31", "2009-11-30", "2010-02-28"]
    assert [i["amount"] for i in data["instalments"]] == ["277665.24"] * 3 + ["303169.30"]
    assert data["revised_key"] == "61234/133021" and data["revised_key_percent"] == "46.03"
    assert data["amount_due"] == "1136165.02" and data["settlement"] == "303169.30"
    assert data["renewal_letter_deadline"] == "2009-11-28"
    # 2 500 000 × 61 234 / 133 021 = 1 150 833,326… → quarters of 287 708,33
    assert data["next_year"]["provisional_participation"] == "1150833.33"
    assert [i["amount"] for i in data["next_year"]["instalments"][:3]] == ["287708.33"] * 3
    assert "notice" not in data


def test_json_with_a_notice_gives_the_effective_end_and_the_final_settlement():
    data = json.loads(run(*BASE, "--notice-served", "2009-06-15", "--format", "json"))
    assert data["notice"]["effective_end"] == "2009-09-14"
    final = data["notice"]["final_settlement"]
    assert (final["days_in_force"], final["days_in_year"]) == (198, 365)
    assert final["already_paid"] == "555330.48" and final["balance"] == "61000.13"
    assert [i["kind"] for i in data["instalments"]] == ["instalment", "instalment", "final"]


def test_text_is_french():
    text = run(*BASE)
    assert "31/05/2009" in text and "277\u202f665,24\u00a0€" in text and "46,03 %" in text
    assert "au plus tard le 28/11/2009" in text


@pytest.mark.parametrize(
    "bad",
    [
        ["--notified", "2009-02-30"],
        ["--expenses", "abc"],
        ["--expenses", "-5"],
        ["--provisional-key", "1.5"],
        ["--partner-fiches", "200000"],
        ["--notice-served", "2008-01-01"],
    ],
)
def test_bad_input_is_refused_with_a_message(bad):
    args = list(BASE)
    for flag, value in zip(bad[::2], bad[1::2], strict=True):
        if flag in args:
            args[args.index(flag) + 1] = value
        else:
            args += [flag, value]
    with pytest.raises((CommandError, SystemExit)):
        run(*args)
