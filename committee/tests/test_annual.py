"""The annual activity report: figures of the convention year, editable texts, frozen once
signed off; PDF text checked with pdftotext."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from committee import services
from committee.models import ActivityReport

pytestmark = pytest.mark.django_db


def text_of(report: ActivityReport) -> str:
    with report.pdf.open("rb") as handle:
        return subprocess.run(
            ["pdftotext", "-", "-"], input=handle.read(), capture_output=True, check=True
        ).stdout.decode()


def test_prepare_generate_and_sign_off(known_fiches, users, members, meeting, catalogue_types):
    secretary = users["comite"]
    with pytest.raises(PermissionDenied):
        services.create_report(users["admin"], 2026, date(2026, 1, 1), date(2026, 12, 31))
    report = services.create_report(secretary, 2026, date(2026, 1, 1), date(2026, 12, 31))
    with pytest.raises(ValidationError):
        services.create_report(secretary, 2026, date(2026, 1, 1), date(2026, 12, 31))  # one per year
    services.save_texts(report, secretary, introduction="Une année de montée en charge.", conclusion="Merci.")
    with pytest.raises(ValidationError):
        services.sign_off(report, secretary)  # nothing generated yet
    report = services.generate_report(report, secretary)
    figures = report.figures
    assert figures["activity"]["received"] == 7  # f1–f6 and f9 (April); f7, f8 are in 2025
    assert figures["activity"]["received_year_before"] == 2
    assert figures["key"]["partner"] == 3 and figures["key"]["total"] == 6  # f1, f2, f9; no duplicate
    text = text_of(report)
    expected = (
        "Rapport annuel d'activité 2026",
        "Une année de montée en charge.",
        "Clé de répartition observée",
        "Baromètre téléphonique",
        "Réunions et décisions du comité",
        "Modifications de la nomenclature",
        "Position financière",
        "Merci.",
    )
    for words in expected:
        assert words in text, words
    for secret in ("Durand", "Alice", "rue Paradis", "AM-2026-"):
        assert secret not in text
    report = services.sign_off(report, secretary)
    assert report.signed_by == secretary and "Signé par Paul Arnaud" in text_of(report)
    for change in (
        lambda: services.save_texts(report, secretary, introduction="autre", conclusion=""),
        lambda: services.generate_report(report, secretary),
        lambda: services.sign_off(report, secretary),
    ):
        with pytest.raises(ValidationError):
            change()
    report.refresh_from_db()
    assert report.introduction == "Une année de montée en charge." and report.figures == figures


def test_report_pages(client, users, members, catalogue_types):
    client.force_login(users["comite"])
    year = timezone.localdate().year
    assert (
        client.post(
            "/comite/rapports/", {"year": "2026", "start": "2026-12-31", "end": "2026-01-01"}
        ).status_code
        == 400
    )
    assert (
        client.post("/comite/rapports/", {"year": "²", "start": "x", "end": "9999-01-01"}).status_code == 400
    )
    response = client.post(
        "/comite/rapports/", {"year": year, "start": f"{year}-01-01", "end": f"{year}-12-31"}
    )
    report = ActivityReport.objects.get()
    assert response.status_code == 302
    long_text = "x" * 20_001
    kept = client.post(
        f"/comite/rapports/{report.pk}/", {"introduction": long_text, "conclusion": "Fin", "action": "save"}
    )
    assert kept.status_code == 400 and "Fin</textarea>" in kept.content.decode()
    client.post(
        f"/comite/rapports/{report.pk}/", {"introduction": "Intro", "conclusion": "Fin", "action": "generate"}
    )
    report.refresh_from_db()
    assert report.generated_at and report.introduction == "Intro"
    pdf = client.get(f"/comite/rapports/{report.pk}/rapport.pdf")
    assert pdf.status_code == 200
    client.post(f"/comite/rapports/{report.pk}/", {"action": "sign"})
    report.refresh_from_db()
    assert report.signed
    page = client.get(f"/comite/rapports/{report.pk}/").content.decode()
    assert "figé" in page and "<textarea" not in page
    client.force_login(users["agent"])
    assert client.get(f"/comite/rapports/{report.pk}/").status_code == 403
    assert timezone.now() - report.signed_at < timedelta(minutes=5)
