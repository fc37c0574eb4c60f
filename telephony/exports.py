"""Tables of KPIs for the command line (JSON/CSV) and the XLSX export."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from telephony.kpi import SL_FORMULAS

COLUMNS = [
    "offered",
    "answered",
    "transferred",
    "abandoned",
    "short_abandoned",
    "timeouts",
    "other_exits",
    "unknown",
    "out_of_hours",
    "service_level",
    "answer_rate",
    "abandon_rate",
    "abandon_rate_excl_short",
    "asa",
    "avg_wait",
    "avg_wait_abandoned",
    "max_wait",
    "avg_talk",
    "aht",
]
KEY_COLUMNS = ["queue_name", "day", "weekday", "minute"]
# the column of a row's "day" key is named after the grouping: its day, or first day of its week or month
PERIOD_COLUMNS = {"week": "week", "month": "month"}
# the spreadsheet's headers, for people (the command line keeps the names above, for tools)
LABELS = {
    "queue_name": _("Queue"),
    "day": _("Day"),
    "week": _("Week (Monday)"),
    "month": _("Month (first day)"),
    "weekday": _("Weekday (0 = Monday)"),
    "minute": _("Minute of the day"),
    "interval": _("Interval"),
    "offered": _("Calls offered"),
    "answered": _("Answered"),
    "transferred": _("Transferred"),
    "abandoned": _("Abandoned"),
    "short_abandoned": _("Short abandons"),
    "timeouts": _("Timeouts"),
    "other_exits": _("Other exits"),
    "unknown": _("Incomplete (no end logged)"),
    "out_of_hours": _("Outside opening hours"),
    "service_level": _("Service level"),
    "answer_rate": _("Answer rate"),
    "abandon_rate": _("Abandonment rate"),
    "abandon_rate_excl_short": _("Abandonment rate without short abandons"),
    "asa": _("Average speed of answer (s)"),
    "avg_wait": _("Average wait (s)"),
    "avg_wait_abandoned": _("Average wait before abandoning (s)"),
    "max_wait": _("Maximum wait (s)"),
    "avg_talk": _("Average talk (s)"),
    "aht": _("Average handling time (s)"),
}


def _clean(value):
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, date):
        return value.isoformat()
    return value


def table(
    rows: list[dict], interval: str = "day", formula: str = "", *, labelled: bool = False
) -> tuple[list[str], list[list]]:
    """Header and lines of KPI rows; ``labelled`` gives translated headers (spreadsheets).
    The service-level formula goes next to the figure: in its header when labelled, else in
    an ``sl_formula`` column after it (for tools)."""
    keys = [k for k in KEY_COLUMNS if any(k in row for row in rows)]
    names = [PERIOD_COLUMNS.get(interval, k) if k == "day" else k for k in keys]
    columns = [*COLUMNS]
    if formula and not labelled:
        columns.insert(columns.index("service_level") + 1, "sl_formula")
    header = names + (["interval"] if "minute" in keys else []) + columns
    if labelled:
        header = [str(LABELS[name]) for name in header]
        if formula:
            header[header.index(str(LABELS["service_level"]))] += f" ({formula})"
    body = []
    for row in rows:
        line = [_clean(row.get(k)) for k in keys]
        if "minute" in keys:
            m = row.get("minute") or 0
            line.append(f"{m // 60:02d}:{m % 60:02d}")
        line += [formula if c == "sl_formula" else _clean(row.get(c)) for c in columns]
        body.append(line)
    return header, body


def to_json(rows: list[dict], meta: dict) -> str:
    header, body = table(rows, meta.get("interval", "day"), meta.get("sl_formula", ""))
    return json.dumps(
        {
            **meta,
            "sl_formula_text": SL_FORMULAS.get(meta.get("sl_formula", "")),
            "rows": [dict(zip(header, line, strict=True)) for line in body],
        },
        ensure_ascii=False,
        indent=2,
    )


def escape_formula(value):
    """Spreadsheet formula injection: text starting with = + - @ (or tab/CR) is quoted."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(rows: list[dict], interval: str = "day", formula: str = "") -> str:
    header, body = table(rows, interval, formula)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for line in body:
        writer.writerow([escape_formula(v) for v in line])
    return out.getvalue()


def to_xlsx(sheets: list[tuple[str, list[str], list[list]]], notes: list[str]) -> bytes:
    workbook = Workbook()
    first = workbook.active
    first.title = "Notes"
    for note in notes:
        first.append([escape_formula(note)])
    for title, header, body in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.append([escape_formula(h) for h in header])
        for line in body:
            sheet.append([escape_formula(v) for v in line])
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
