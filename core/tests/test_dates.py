"""Dates in French words for people (letters, PDFs, the committee's and finance's pages)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.template import Context, Template

from core.dates import french_date, french_datetime


def test_french_dates():
    assert french_date(date(2026, 3, 31)) == "31 mars 2026"
    assert french_date(date(2026, 3, 1)) == "1er mars 2026"
    assert french_date("2026-12-01") == "1er décembre 2026"  # ISO text of a JSON snapshot
    assert french_date(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == "1er avril 2026"  # Paris time
    assert french_date(None) == "" and french_date("²") == ""
    assert french_datetime(datetime(2026, 1, 20, 8, 30, tzinfo=UTC)) == "20 janvier 2026, 09 h 30"


def test_filters():
    html = Template("{% load display %}{{ d|long_date }} · {{ m|long_datetime }}").render(
        Context({"d": "2026-02-28", "m": datetime(2026, 7, 14, 8, 5, tzinfo=UTC)})
    )
    assert html == "28 février 2026 · 14 juillet 2026, 10 h 05"
