"""The two flags Open311 reads on a type version: open to the public channel, publishable."""

from __future__ import annotations

import csv
import io

import pytest

from catalogue.importexport import export_csv, import_nomenclature
from catalogue.services import current_version

pytestmark = pytest.mark.django_db


def sheet(rows: list[list[str]], header: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


HEADER = ["code", "family code", "label", "kind", "directorate code", "deadline amount", "deadline unit"]
ROW = ["VOI-NID", "voirie", "Nid-de-poule", "anomaly", "amp-voirie", "5", "working_days"]


def test_import_sets_the_flags_and_a_sheet_without_them_keeps_them(bodies):
    report = import_nomenclature(
        sheet([[*ROW, "oui", "yes"]], [*HEADER, "canal public", "publishable"]), "n.csv"
    )
    assert report.ok, report.errors
    version = current_version("VOI-NID")
    assert version.public_channel and version.publishable
    # an older sheet without the columns changes nothing
    report = import_nomenclature(sheet([ROW], HEADER), "n.csv")
    assert report.unchanged == ["VOI-NID"]
    # an explicit "no" publishes a new version
    report = import_nomenclature(
        sheet([[*ROW, "no", ""]], [*HEADER, "public_channel", "publishable"]), "n.csv"
    )
    assert report.new_versions == ["VOI-NID"]
    version = current_version("VOI-NID")
    assert not version.public_channel and version.publishable
    exported = export_csv().decode("utf-8-sig").splitlines()
    assert exported[0].endswith("canal public;publiable")  # French headers, read back by the import
    assert exported[1].endswith(";non;oui")


def test_the_version_form_edits_the_flags(client, users, catalogue_types):
    client.force_login(users["admin"])
    page = client.get("/nomenclature/type/VOI-NID/").content.decode()
    assert "Canal public (web, Open311)" in page
    form = client.get("/nomenclature/type/VOI-NID/nouvelle-version/").content.decode()
    assert 'name="public_channel"' in form and 'name="publishable"' in form
