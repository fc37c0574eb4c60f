"""Tables of KPIs for the command line (JSON/CSV) and the XLSX export."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

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


def _clean(value):
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, date):
        return value.isoformat()
    return value


def table(rows: list[dict]) -> tuple[list[str], list[list]]:
    keys = [k for k in KEY_COLUMNS if any(k in row for row in rows)]
    header = keys + (["interval"] if "minute" in keys else []) + COLUMNS
    body = []
    for row in rows:
        line = [_clean(row.get(k)) for k in keys]
        if "minute" in keys:
            m = row.get("minute") or 0
            line.append(f"{m // 60:02d}:{m % 60:02d}")
        line += [_clean(row.get(c)) for c in COLUMNS]
        body.append(line)
    return header, body


def to_json(rows: list[dict], meta: dict) -> str:
    header, body = table(rows)
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


def to_csv(rows: list[dict]) -> str:
    header, body = table(rows)
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
