# ruff: noqa: E501
from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from catalogue.demo import DEMO_FILE, load_demo_nomenclature
from catalogue.importexport import (
    COLUMNS,
    export_csv,
    export_xlsx,
    import_nomenclature,
)
from catalogue.models import Family, RequestType, RequestTypeVersion
from catalogue.services import current_version
from core.exports import escape_formula

# The English headers of earlier exports: still accepted (the export now writes French ones).
HEADER = [
    "code", "family code", "family label", "label", "keywords", "kind", "directorate code", "deadline amount",
    "deadline unit", "priority", "phone_only", "anonymous_allowed", "questions", "active", "public_channel",
    "publishable",
]  # fmt: skip
FRENCH_HEADER = [title for _key, title in COLUMNS]
GOOD = [
    ["VOI-NID", "voirie", "Voirie", "Nid-de-poule sur la chaussée", "trou chaussée", "anomaly", "amp-voirie",
     "5", "working_days", "normal", "no", "yes", "", "yes", "yes", "no"],
    ["ECL-LAMP", "eclairage", "Éclairage public", "Lampadaire éteint", "lampadaire", "anomaly", "vdm-eclairage",
     "10", "working_days", "normal", "no", "yes", '[{"key": "lamp", "label": "Numéro", "required": false}]', "yes", "yes", "yes"],
    ["HYG-ANIMAL", "hygiene", "Hygiène et animaux", "Animal mort", "cadavre", "anomaly", "vdm-hygiene",
     "24", "hours", "urgent", "yes", "yes", "", "yes", "no", "no"],
]  # fmt: skip


def csv_bytes(rows, header=HEADER, delimiter=";") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode()


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def counts() -> tuple[int, int, int]:
    return Family.objects.count(), RequestType.objects.count(), RequestTypeVersion.objects.count()


def test_import_creates_types_and_families(bodies, users):
    report = import_nomenclature(csv_bytes(GOOD), "n.csv", user=users["admin"], reason="Initial")
    assert report.ok, report.errors
    assert sorted(report.created) == ["ECL-LAMP", "HYG-ANIMAL", "VOI-NID"]
    assert counts() == (3, 3, 3)
    lamp = current_version("ECL-LAMP")
    assert lamp.questions == [{"key": "lamp", "label": "Numéro", "required": False}]
    assert lamp.body.short_name == "Ville" and lamp.cell is not None
    assert lamp.created_by == users["admin"] and lamp.reason == "Initial"
    assert Family.objects.get(code="eclairage").label == "Éclairage public"


def test_errors_are_all_reported_with_line_numbers_and_nothing_changes(bodies):
    import_nomenclature(csv_bytes(GOOD), "n.csv")
    before = counts()
    bad = [
        GOOD[0][:7] + ["7"] + GOOD[0][8:],  # line 2: a valid change, must not be applied
        ["X-1", "voirie", "Voirie", "Ok", "", "anomaly", "amp-nowhere", "5", "working_days", "normal", "no", "no", "", ""],
        ["X-2", "voirie", "Voirie", "Ok", "", "anomaly", "amp-voirie", "cinq", "weeks", "normal", "no", "no", "", ""],
        ["X-3", "voirie", "Voirie", "Ok", "", "alien", "amp-voirie", "5", "hours", "urgentissime", "peut-être", "no", "", ""],
        ["X-1", "voirie", "Voirie", "Ok", "", "anomaly", "amp-voirie", "5", "hours", "normal", "no", "no", "[{bad", ""],
        ["X-5", "voirie", "Voirie", "", "", "anomaly", "amp-voirie", "-3", "hours", "normal", "no", "no", "{}", ""],
    ]  # fmt: skip
    report = import_nomenclature(csv_bytes(bad), "n.csv")
    assert not report.ok
    found = {(e.line, e.column) for e in report.errors}
    assert (3, "directorate code") in found
    assert (4, "deadline amount") in found and (4, "deadline unit") in found
    assert {(5, "kind"), (5, "priority"), (5, "phone_only")} <= found
    assert (6, "code") in found  # duplicate of line 3
    assert (6, "questions") in found
    assert {(7, "label"), (7, "deadline amount"), (7, "questions")} <= found
    assert not any(e.line == 2 for e in report.errors)
    assert counts() == before
    assert current_version("VOI-NID").deadline_amount == 5


def test_missing_required_columns(bodies):
    header = [h for h in HEADER if h not in ("kind", "deadline unit")]
    report = import_nomenclature(csv_bytes([], header=header), "n.csv")
    assert len(report.errors) == 1
    assert report.errors[0].line == 1
    assert "nature" in report.errors[0].message and "unité du délai" in report.errors[0].message


def test_unsupported_or_broken_file(bodies):
    assert not import_nomenclature(b"hello", "n.pdf").ok
    assert not import_nomenclature(b"not a zip", "n.xlsx").ok


def test_reimport_publishes_nothing(bodies):
    import_nomenclature(csv_bytes(GOOD), "n.csv")
    before = counts()
    report = import_nomenclature(csv_bytes(GOOD), "n.csv")
    assert report.ok and report.created == [] and report.new_versions == []
    assert sorted(report.unchanged) == ["ECL-LAMP", "HYG-ANIMAL", "VOI-NID"]
    assert counts() == before


def test_changed_deadline_publishes_version_2_and_keeps_version_1(bodies, users):
    import_nomenclature(csv_bytes(GOOD), "n.csv")
    v1 = current_version("VOI-NID")
    changed = [GOOD[0][:7] + ["3"] + GOOD[0][8:]] + GOOD[1:]
    later = timezone.now() + timedelta(days=3)
    report = import_nomenclature(
        csv_bytes(changed), "n.csv", user=users["admin"], reason="Délai réduit", effective_from=later
    )
    assert report.new_versions == ["VOI-NID"]
    assert report.changes["VOI-NID"] == ["deadline"] or "délai" in report.changes["VOI-NID"][0].lower()
    assert sorted(report.unchanged) == ["ECL-LAMP", "HYG-ANIMAL"]
    v1.refresh_from_db()
    assert (v1.number, v1.deadline_amount) == (1, 5)
    assert current_version("VOI-NID").pk == v1.pk  # not yet in force
    v2 = current_version("VOI-NID", at=later + timedelta(minutes=1))
    assert (v2.number, v2.deadline_amount, v2.reason, v2.created_by) == (2, 3, "Délai réduit", users["admin"])
    # importing the same file again publishes nothing: compared with the latest version
    assert import_nomenclature(csv_bytes(changed), "n.csv").new_versions == []


def test_dry_run_changes_nothing_but_reports(bodies):
    report = import_nomenclature(csv_bytes(GOOD), "n.csv", dry_run=True)
    assert report.ok and len(report.created) == 3 and report.dry_run
    assert counts() == (0, 0, 0)


def test_active_column_deactivates_without_new_version(bodies):
    import_nomenclature(csv_bytes(GOOD), "n.csv")
    rows = [[*GOOD[0][:13], "no", *GOOD[0][14:]], *GOOD[1:]]
    report = import_nomenclature(csv_bytes(rows), "n.csv")
    assert report.deactivated == ["VOI-NID"] and report.new_versions == []
    assert current_version("VOI-NID") is None


def test_xlsx_import_and_comma_csv_and_french_headers(bodies):
    assert import_nomenclature(xlsx_bytes(GOOD), "n.xlsx").created
    french = ["Code", "Code famille", "Libellé famille", "Libellé", "Mots-clés", "Nature", "Code direction",
              "Délai", "Unité du délai", "Priorité", "Téléphone uniquement", "Anonyme autorisé",
              "Questions", "Actif"]  # fmt: skip
    rows = [GOOD[0][:7] + ["5", "jours ouvrés", "normale", "non", "oui", "", "oui"]]
    report = import_nomenclature(csv_bytes(rows, header=french, delimiter=","), "n.csv")
    assert report.ok, report.errors
    assert report.unchanged == ["VOI-NID"]


def test_xlsx_numbers_and_errors_have_line_numbers(bodies):
    rows = [GOOD[0][:7] + [5.0] + GOOD[0][8:], [None] * 14, GOOD[1][:7] + [2.5] + GOOD[1][8:]]
    report = import_nomenclature(xlsx_bytes(rows), "n.xlsx")
    assert [(e.line, e.column) for e in report.errors] == [(4, "deadline amount")]


def test_export_import_round_trip(bodies, users):
    import_nomenclature(csv_bytes(GOOD), "n.csv")
    for exporter, name in ((export_csv, "x.csv"), (export_xlsx, "x.xlsx")):
        before = counts()
        report = import_nomenclature(exporter(), name)
        assert report.ok, report.errors
        assert sorted(report.unchanged) == ["ECL-LAMP", "HYG-ANIMAL", "VOI-NID"]
        assert counts() == before


def test_formula_escaping_on_export_and_round_trip(bodies):
    rows = [GOOD[0][:3] + ['=HYPERLINK("http://evil")', "@SUM(A1) +33 -x"] + GOOD[0][5:]]
    import_nomenclature(csv_bytes(rows), "n.csv")
    assert (
        escape_formula("=1+1") == "'=1+1" and escape_formula("\tx") == "'\tx" and escape_formula("ok") == "ok"
    )
    content = export_csv().decode("utf-8-sig")
    assert content.startswith("code;")
    assert "'=HYPERLINK" in content and "'@SUM(A1)" in content
    sheet = load_workbook(io.BytesIO(export_xlsx())).active
    assert sheet["D2"].value == '\'=HYPERLINK("http://evil")' and sheet["D2"].data_type == "s"
    before = counts()
    assert import_nomenclature(export_xlsx(), "x.xlsx").unchanged == ["VOI-NID"]
    assert counts() == before
    assert current_version("VOI-NID").label.startswith("=HYPERLINK")


def test_export_all_versions_has_history_columns(bodies, users):
    import_nomenclature(csv_bytes(GOOD), "n.csv", user=users["admin"])
    import_nomenclature(csv_bytes([GOOD[0][:7] + ["4"] + GOOD[0][8:]]), "n.csv", reason="why")
    lines = export_csv(all_versions=True).decode("utf-8-sig").splitlines()
    assert lines[0].endswith("version;statut;en vigueur le;enregistrée le;enregistrée par;motif")
    assert len(lines) == 1 + 4
    assert any(line.startswith("VOI-NID;") and line.endswith(";why") for line in lines)


def test_demo_nomenclature_loads_with_marseille_routing(bodies):
    report = load_demo_nomenclature()
    assert report.ok and len(report.created) >= 85
    metropole = {"nettoiement", "voirie", "signalisation", "eau"}
    versions = RequestTypeVersion.objects.in_force().select_related("body", "request_type__family")
    assert versions.count() >= 85
    assert {v.request_type.family.code for v in versions} >= metropole | {
        "eclairage", "espaces-verts", "hygiene", "tags", "mobilier", "ecoles", "batiments", "assistance",
        "information",
    }  # fmt: skip
    for version in versions:
        expected = "Métropole" if version.request_type.family.code in metropole else "Ville"
        assert version.body.short_name == expected, version
        assert version.cell.directorate_id == version.directorate_id
    assert current_version("TAG-HAINEUX").deadline_display.startswith("3 ")
    assert current_version("TAG-HAINEUX").phone_only
    assert (current_version("HYG-ANIMAL").deadline_amount, current_version("HYG-ANIMAL").deadline_unit) == (
        24,
        "hours",
    )
    assert current_version("VOI-NID").deadline_unit == "working_days"
    assert current_version("MOB-BANC").deadline_amount == 20
    assert current_version("NET-CORBEILLE").deadline_unit == "business_days"
    assert {v.deadline_unit for v in versions} == {"hours", "calendar_days", "working_days", "business_days"}
    assert {v.kind for v in versions} == {"anomaly", "assistance", "information"}
    assert any(q["key"] == "plate" for q in current_version("CIR-EPAVE").questions)
    # loading twice publishes nothing
    assert load_demo_nomenclature().new_versions == []


def test_demo_file_has_unique_codes():
    with DEMO_FILE.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    codes = [row[0] for row in rows[1:]]
    assert len(codes) == len(set(codes)) >= 85
    for row in rows[1:]:
        json.loads(row[12] or "[]")


def test_commands(bodies, tmp_path, capsys):
    path = tmp_path / "n.csv"
    path.write_bytes(csv_bytes(GOOD))
    call_command("import_nomenclature", str(path), "--dry-run")
    assert RequestType.objects.count() == 0
    call_command("import_nomenclature", str(path), "--reason", "cmd")
    assert RequestType.objects.count() == 3
    out = tmp_path / "out.xlsx"
    call_command("export_nomenclature", str(out))
    assert load_workbook(out).active.max_row == 4
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([GOOD[0][:6] + ["nowhere"] + GOOD[0][7:]]))
    with pytest.raises(CommandError):
        call_command("import_nomenclature", str(bad))
    err = capsys.readouterr().err.lower()
    assert "line 2" in err or "ligne 2" in err
    with pytest.raises(CommandError):
        call_command("import_nomenclature", str(path), "--effective-from", "2000-01-01")


def test_errors_name_columns_as_the_file_does(bodies):
    french = ["Code", "Code famille", "Libellé", "Nature", "Code direction", "Délai", "Unité du délai"]
    content = csv_bytes(
        [["A-1", "voirie", "Test", "anomalie", "nulle-part", "5", "jours ouvrables"]], header=french
    )
    report = import_nomenclature(content, "n.csv")
    assert [(e.line, e.column) for e in report.errors] == [(2, "Code direction")]


def test_the_export_speaks_french_and_reads_back(users, bodies):
    report = import_nomenclature(csv_bytes(GOOD), "n.csv", user=users["admin"])
    assert report.ok, report.errors
    exported = export_csv().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported), delimiter=";"))
    assert rows[0] == FRENCH_HEADER
    assert rows[0][:4] == ["code", "code famille", "libellé famille", "libellé"]
    animal = next(row for row in rows if row[0] == "HYG-ANIMAL")
    assert animal[5:12] == ["anomalie", "vdm-hygiene", "24", "heures", "urgente", "oui", "oui"]
    lamp = next(row for row in rows if row[0] == "ECL-LAMP")
    assert lamp[8] == "jours ouvrés" and lamp[9] == "normale" and lamp[10] == "non"
    again = import_nomenclature(exported.encode("utf-8"), "again.csv", user=users["admin"])
    assert again.ok, again.errors
    assert current_version("HYG-ANIMAL").deadline_unit == "hours" and current_version("HYG-ANIMAL").phone_only
