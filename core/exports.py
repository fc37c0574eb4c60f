"""Spreadsheet exports shared by every app: CSV and XLSX, streamed, safe against formula
injection (a cell starting with = + - @ or a control character is prefixed with ')."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def escape_formula(value: Any) -> Any:
    """Text that a spreadsheet could run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unescape_formula(value: str) -> str:
    """Undo ``escape_formula`` when reading a file back, so an export imports unchanged."""
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def escape_cell(value: Any, zone: tzinfo | None = None) -> Any:
    """A value safe to open in a spreadsheet: local times, and formulas quoted. ``zone``: the
    current time zone, read once by a caller escaping many values (asking Django for it at
    each date, three a fiche, cost an export a fifth of its time)."""
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            return value
        return value.astimezone(zone or timezone.get_current_timezone()).strftime("%Y-%m-%d %H:%M")
    return escape_formula(value)


class _Lines:
    """A CSV writer's target keeping the lines written until they are taken."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, line: str) -> None:
        self.lines.append(line)

    def take(self) -> str:
        text, self.lines = "".join(self.lines), []
        return text


# Lines sent together in a streamed CSV: one chunk a line cost the response's machinery
# (encoding, the server's write) as much as writing the line.
CSV_CHUNK_LINES = 200


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """A streamed CSV (UTF-8 with BOM, ';' separated, as French spreadsheets expect), sent by
    chunks of ``CSV_CHUNK_LINES`` lines."""
    target = _Lines()
    writer = csv.writer(target, delimiter=";")
    zone = timezone.get_current_timezone()

    def lines() -> Iterator[str]:
        writer.writerow(header)
        yield "\ufeff" + target.take()
        for count, row in enumerate(rows, 1):
            writer.writerow(["" if v is None else escape_cell(v, zone) for v in row])
            if count % CSV_CHUNK_LINES == 0:
                yield target.take()
        if target.lines:
            yield target.take()

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_bytes(sheet_title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    return xlsx_workbook([(sheet_title, header, rows)])


def xlsx_workbook(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """One workbook, one sheet per (title, header, rows), cells escaped like every export."""
    workbook = Workbook(write_only=True)
    for sheet_title, header, rows in sheets:
        sheet = workbook.create_sheet(sheet_title[:31])
        sheet.append(list(header))
        for row in rows:
            sheet.append([_xlsx_value(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, date | int | float) or value is None:
        return value
    return escape_cell(str(value))


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(filename, header, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
