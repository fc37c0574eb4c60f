"""Hostile nomenclature files: refused with line numbers, nothing changed, never a traceback;
the import and the forms apply the same limits."""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from openpyxl import Workbook

from catalogue.forms import VersionForm
from catalogue.importexport import MAX_CELL, MAX_COLUMNS, MAX_LINES, import_nomenclature, read_rows
from catalogue.services import DEADLINE_MAX, current_version
from catalogue.tests.test_importexport import GOOD, HEADER, counts, csv_bytes, xlsx_bytes
from core.uploads import check_archive
from worktime import DeadlineUnit

QUESTIONS, DEADLINE, LABEL, KEYWORDS = 12, 7, 3, 4


def row(**changes) -> list[str]:
    values = list(GOOD[0])
    for index, value in changes.items():
        values[int(index.lstrip("c"))] = value
    return values


def refused(rows, name="n.csv", content=None):
    """Import ``rows`` after a valid import; assert nothing changed, return the errors."""
    import_nomenclature(csv_bytes(GOOD), "n.csv")
    before = counts()
    report = import_nomenclature(content if content is not None else csv_bytes(rows), name)
    assert not report.ok
    assert counts() == before
    assert current_version("VOI-NID").deadline_amount == 5
    return report.errors


@pytest.mark.parametrize(
    "questions",
    [
        '[{"key": ["a"], "label": "Numéro"}]',
        '[{"key": {"a": 1}, "label": "Numéro"}]',
        '[{"key": "lamp", "label": ["Numéro"]}]',
        '[{"key": "lamp", "label": "Numéro", "choices": [[[]]]}]',
        "[" * 4000 + "]" * 4000,
        '[{"key": "lamp", "label": "' + "[" * 3000 + '"}]',
        '[{"key": "' + "k" * 51 + '", "label": "Numéro"}]',
        "[" + ", ".join(f'{{"key": "k{n}", "label": "Q"}}' for n in range(31)) + "]",
    ],
    ids=[
        "key-list",
        "key-object",
        "label-list",
        "extra-field",
        "nested",
        "long-label",
        "long-key",
        "too-many",
    ],
)
def test_bad_questions_are_refused_with_their_line(bodies, questions):
    errors = refused([GOOD[1], row(c12="[]"), row(c0="NEW-1", c12=questions)])
    assert [(e.line, e.column) for e in errors] == [(4, "questions")]


@pytest.mark.parametrize(
    "amount", ["99999999999999999999", "2000000000", str(DEADLINE_MAX["working_days"] + 1), "0", "9" * 5000]
)
def test_deadline_out_of_bounds_is_refused(bodies, amount):
    errors = refused([row(c7=amount)])
    assert [(e.line, e.column) for e in errors] == [(2, "deadline amount")]


@pytest.mark.parametrize("column", [LABEL, KEYWORDS, 2, 0, QUESTIONS])
def test_nul_byte_is_refused(bodies, column):
    # in the questions, the JSON escape of NUL (a raw NUL is not valid JSON anyway)
    value = '[{"key": "la\\u0000mp", "label": "N"}]' if column == QUESTIONS else f"{GOOD[0][column]}\x00x"
    errors = refused([row(**{f"c{column}": value})])
    assert [e.line for e in errors] == [2]
    assert errors[0].column == HEADER[column]


def test_xlsx_cells_out_of_bounds_are_refused(bodies):
    errors = refused(None, "n.xlsx", xlsx_bytes([row(c7=float(2**70)), row(c0="NEW-2", c7=1e300)]))
    assert [(e.line, e.column) for e in errors] == [(2, "deadline amount"), (3, "deadline amount")]
    errors = refused(None, "n.xlsx", xlsx_bytes([GOOD[1], row(c4="mot " * (MAX_CELL // 4 + 1))]))
    assert [e.line for e in errors] == [0] and "3" in errors[0].message


@pytest.mark.parametrize("unit", [u.value for u in DeadlineUnit])
def test_the_largest_deadline_accepted_gives_a_usable_due_date(make_fiche, unit):
    report = import_nomenclature(csv_bytes([row(c7=str(DEADLINE_MAX[unit]), c8=unit)]), "n.csv")
    assert report.ok, report.errors
    assert current_version("VOI-NID").deadline_amount == DEADLINE_MAX[unit]
    fiche = make_fiche("VOI-NID")
    assert fiche.due_at - fiche.created_at > timedelta(days=360)


def test_the_form_applies_the_same_limits(bodies, catalogue_types):
    version = catalogue_types["ECL-LAMP"]
    base = {
        **VersionForm.initial_from(version),
        "effective_date": datetime.now().date().isoformat(),
        "reason": "test",
    }
    for field, value in [
        ("deadline_amount", str(DEADLINE_MAX["working_days"] + 1)),
        ("keywords", "mot\x00clé"),
        ("keywords", "mot " * 600),
        ("questions", "numero | " + "Q" * 201),
        ("questions", "k" * 51 + " | Numéro"),
    ]:
        form = VersionForm({**base, field: value}, previous=version)
        assert not form.is_valid()
        assert field in form.errors, (field, form.errors)


# --------------------------------------------------------------------------- XLSX bounds


def rewrite_xlsx(content: bytes, member: str, edit) -> bytes:
    """A copy of an XLSX archive where ``edit(text)`` yields the new text of ``member`` in pieces."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename != member:
                copy.writestr(info.filename, data)
                continue
            with copy.open(info.filename, "w", force_zip64=True) as handle:
                for piece in edit(data.decode()):
                    handle.write(piece.encode())
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def test_a_declared_huge_dimension_is_not_read(bodies):
    content = xlsx_bytes(GOOD)
    bomb = rewrite_xlsx(
        content, SHEET, lambda text: [re.sub(r"<dimension [^>]*>", '<dimension ref="A1:XFD1048576"/>', text)]
    )
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(bomb)).read(SHEET)
    assert len(bomb) < 10_000
    first = list(itertools.islice(read_rows(bomb, "n.xlsx"), 5))
    assert [len(values) for _line, values in first] == [len(HEADER)] * 4
    report = import_nomenclature(bomb, "n.xlsx")
    assert report.ok and len(report.created) == 3, report.errors


def test_a_sheet_longer_than_the_bound_is_refused(bodies):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(GOOD[0])
    sheet.cell(row=MAX_LINES + 5, column=1, value="X")
    sheet.cell(row=3, column=MAX_COLUMNS + 10, value="ignored")
    buffer = io.BytesIO()
    workbook.save(buffer)
    errors = refused(None, "n.xlsx", buffer.getvalue())
    assert [e.line for e in errors] == [0] and str(MAX_LINES) in errors[0].message


def padded(size: int):
    """The sheet's XML with ``size`` bytes of spaces inside ``<sheetData>``, written in 1 MB pieces."""

    def edit(text: str):
        head, tail = text.split("<sheetData>")
        yield head + "<sheetData>"
        piece = " " * (1 << 20)
        for _ in range(size >> 20):
            yield piece
        yield tail

    return edit


def test_a_whitespace_bomb_is_refused_before_parsing(bodies):
    bomb = rewrite_xlsx(xlsx_bytes(GOOD), SHEET, padded(32 << 20))
    assert len(bomb) < 1 << 20
    errors = refused(None, "n.xlsx", bomb)
    assert [e.line for e in errors] == [0]
    assert "100" in errors[0].message  # the ratio


@override_settings(UPLOAD_ARCHIVE_MAX_SIZE=1 << 20, UPLOAD_ARCHIVE_MAX_RATIO=10_000)
def test_too_much_content_once_uncompressed_is_refused(bodies):
    errors = refused(None, "n.xlsx", rewrite_xlsx(xlsx_bytes(GOOD), SHEET, padded(2 << 20)))
    assert [e.line for e in errors] == [0] and " 1 M" in errors[0].message  # 1 MB (1 Mo)


def test_a_large_genuine_spreadsheet_passes_the_archive_checks():
    content = xlsx_bytes([row(c0=f"T-{n}", c3=f"Type numéro {n}") for n in range(2000)])
    check_archive(content)
    assert len(list(read_rows(content, "n.xlsx"))) == 2001


def test_the_import_command_refuses_a_large_file_and_a_bad_reason(bodies, tmp_path):
    path = tmp_path / "n.csv"
    path.write_bytes(csv_bytes(GOOD) + b"\n" * (5 * 1024 * 1024))
    with pytest.raises(CommandError, match="larger than 5 MB"):
        call_command("import_nomenclature", str(path))
    path.write_bytes(csv_bytes(GOOD))
    for reason in ("x" * 301, "pour\x00quoi"):
        with pytest.raises(CommandError, match="--reason"):
            call_command("import_nomenclature", str(path), "--reason", reason)
    assert counts() == (0, 0, 0)
    call_command("import_nomenclature", str(path), "--reason", "x" * 300, stdout=io.StringIO())
    assert counts() == (3, 3, 3)
