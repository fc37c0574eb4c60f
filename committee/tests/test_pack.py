"""The quarterly pack: generated in the background, PDF text checked with pdftotext, the same
figures in the XLSX, reproducible after new fiches arrive, and no personal data."""

from __future__ import annotations

import io
import subprocess

import pytest
from django.core import mail
from openpyxl import load_workbook

from committee import services
from committee.models import QuarterlyPack
from core.dates import french_date

pytestmark = pytest.mark.django_db


def generate(user, committed) -> QuarterlyPack:
    with committed():
        pack = services.request_pack(user, 2026, 1)
    pack.refresh_from_db()
    return pack


def pdf_text(pack: QuarterlyPack) -> str:
    with pack.pdf.open("rb") as handle:
        result = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=handle.read(), capture_output=True, check=True
        )
    return result.stdout.decode()


def test_pack_pdf_and_xlsx(known_fiches, users, committed, catalogue_types):
    from committee.tests.test_changes import propose

    change = propose(users, catalogue_types)  # pending: its effective date in words, its code as text
    pack = generate(users["comite"], committed)
    assert pack.status == QuarterlyPack.Status.DONE and pack.progress == 100
    text = pdf_text(pack)
    for heading in (
        "Sommaire",
        "Baromètre du service",
        "Délais par direction",
        "Erreurs d'orientation et réouvertures",
        "Satisfaction des usagers",
        "Les 16 arrondissements",
        "Baromètre téléphonique",
        "Demandes de modification de la nomenclature en attente",
        "Position financière",
    ):
        assert heading in text, heading
    assert "F6" in text  # the service-level formula is named
    assert "du 1er janvier 2026 au 31 mars 2026" in text and "2026-03-31" not in text  # dates in French
    assert "janvier 2026" in text and "01/2026" not in text  # months in words
    assert "VOI-NID,0" not in text and french_date(change.effective_date) in " ".join(text.split())
    assert "Titres de recettes émis" in text  # the finance app's position (finance/committee.py)
    assert pack.figures["key_figures"]["received"] == 6 and pack.figures["key_figures"]["compliance"] == 50.0
    with pack.xlsx.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    assert "Par direction" in workbook.sheetnames and "Position financière" in workbook.sheetnames
    totals = list(workbook["Par direction"].iter_rows(values_only=True))[-1]
    assert totals[0] == "Toutes" and totals[1] == 6


def test_no_personal_data_nor_fiche_in_the_pack(known_fiches, users, committed):
    pack = generate(users["comite"], committed)
    with pack.xlsx.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    cells = " ".join(
        str(v)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for v in row
        if v is not None
    )
    for text in (pdf_text(pack), cells, str(pack.figures)):
        for secret in ("Durand", "Alice", "06 12 34 56 78", "alice.durand", "rue Paradis", "AM-2026-"):
            assert secret not in text


def test_same_quarter_same_figures_after_new_fiches(known_fiches, users, committed, make_fiche):
    first = generate(users["comite"], committed)
    for code in ("VOI-NID", "ECL-LAMP", "EV-BANC"):
        make_fiche(code)  # created today, after the quarter
    second = generate(users["comite"], committed)
    assert second.pk != first.pk and second.figures == first.figures


def test_pack_pages_and_attachment_to_the_invitation(
    client, known_fiches, users, committed, members, meeting
):
    client.force_login(users["comite"])
    assert client.post("/comite/dossiers/", {"year": "9999", "quarter": "1"}).status_code == 400
    assert client.post("/comite/dossiers/", {"year": "2026", "quarter": "²"}).status_code == 400
    with committed():
        response = client.post("/comite/dossiers/", {"year": "2026", "quarter": "1"})
    pack = QuarterlyPack.objects.get()
    assert response.status_code == 302 and pack.status == QuarterlyPack.Status.DONE
    page = client.get(f"/comite/dossiers/{pack.pk}/").content.decode()
    assert "Télécharger le PDF" in page
    pdf = client.get(f"/comite/dossiers/{pack.pk}/dossier.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert client.get(f"/comite/dossiers/{pack.pk}/dossier.doc").status_code == 404
    client.post(f"/comite/reunions/{meeting.pk}/invitations/")
    names = [name for name, _content, _type in mail.outbox[0].attachments]
    assert names == ["reunion-comite.ics", "dossier-comite-2026-T1.pdf", "dossier-comite-2026-T1.xlsx"]
    client.force_login(users["finances"])
    assert client.get(f"/comite/dossiers/{pack.pk}/dossier.pdf").status_code == 403


def test_without_a_finance_app_the_section_says_it_is_not_available(settings):
    from committee.pack import financial_position, quarter_period

    settings.COMMITTEE_FINANCIAL_POSITION = "accounting.committee.financial_position"  # not installed
    section = financial_position(quarter_period(2026, 1))
    assert not section["available"] and not section["rows"] and "pas encore disponible" in section["note"]
