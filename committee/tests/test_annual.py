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


@pytest.fixture
def agreement(bodies):
    from agreements.models import Agreement

    return Agreement.objects.get(partner=bodies["metro"])  # notified 1 March 2025


def test_prepare_generate_and_sign_off(
    known_fiches, users, members, meeting, catalogue_types, agreement, committed
):
    secretary = users["comite"]
    with pytest.raises(PermissionDenied):
        services.create_report(users["admin"], agreement, 1)
    with pytest.raises(ValidationError):
        services.create_report(secretary, agreement, agreement.years_agreed + 1)  # not a year of it
    report = services.create_report(secretary, agreement, 1)
    assert (report.start, report.end) == (date(2025, 3, 1), date(2026, 2, 28))  # agreements.dates
    with pytest.raises(ValidationError):
        services.create_report(secretary, agreement, 1)  # one per convention year
    services.save_texts(report, secretary, introduction="Une année de montée en charge.", conclusion="Merci.")
    with pytest.raises(ValidationError):
        services.sign_off(report, secretary)  # nothing generated yet
    with committed():
        report = services.generate_report(report, secretary)
        assert report.status == ActivityReport.Status.PENDING  # handed to the worker
    report.refresh_from_db()
    assert report.status == ActivityReport.Status.DONE and report.progress == 100
    figures = report.figures
    assert figures["activity"]["received"] == 7  # f1–f7 (March 2025 – February 2026)
    assert figures["activity"]["received_year_before"] == 1  # f8
    # the key as the money counts it: duplicate f4 and rejected f5 out; f3 re-routed to the City
    assert (figures["key"]["partner"], figures["key"]["total"]) == (3, 5)
    text = text_of(report)
    expected = (
        "Rapport annuel d'activité, année de convention 1",
        "1er mars 2025",
        "28 février 2026",
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
    for secret in ("Durand", "Alice", "rue Paradis", "AM-2026-", "2025-03-01"):
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


def test_report_pages(client, users, members, catalogue_types, agreement, committed):
    client.force_login(users["comite"])
    page = client.get("/comite/rapports/").content.decode()
    assert f'value="{agreement.pk}-1"' in page and "1er mars 2025" in page  # the convention's years
    for bad in ("²", f"{agreement.pk}-99", "1-1-1", "9" * 30):
        assert client.post("/comite/rapports/", {"convention_year": bad}).status_code == 400
    response = client.post("/comite/rapports/", {"convention_year": f"{agreement.pk}-1"})
    report = ActivityReport.objects.get()
    assert response.status_code == 302 and report.agreement == agreement and report.year == 1
    long_text = "x" * 20_001
    kept = client.post(
        f"/comite/rapports/{report.pk}/", {"introduction": long_text, "conclusion": "Fin", "action": "save"}
    )
    assert kept.status_code == 400 and "Fin</textarea>" in kept.content.decode()
    assert client.get(f"/comite/rapports/{report.pk}/rapport.pdf").status_code == 404  # not generated
    with committed():
        client.post(
            f"/comite/rapports/{report.pk}/",
            {"introduction": "Intro", "conclusion": "Fin", "action": "generate"},
        )
    report.refresh_from_db()
    assert report.generated_at and report.introduction == "Intro"
    progress = client.get(f"/comite/rapports/{report.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert 'id="report-progress"' in progress and "hx-get" not in progress  # done: polling stops
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


def test_a_failed_generation_is_shown(users, members, agreement, committed, monkeypatch):
    from committee import annual

    report = services.create_report(users["comite"], agreement, 1)
    monkeypatch.setattr(annual, "collect", lambda report: 1 / 0)
    with committed():
        services.generate_report(report, users["comite"])
    report.refresh_from_db()
    assert report.status == ActivityReport.Status.FAILED and not report.generated_at


def test_a_generation_whose_worker_died_can_be_started_again(client, users, members, agreement):
    """Enqueued, never run (the worker stopped): the page polls while it may still come, then
    says so, stops polling, and the secretary generates it again."""
    report = services.create_report(users["comite"], agreement, 1)
    services.generate_report(report, users["comite"])  # not committed: the task never runs
    report.refresh_from_db()
    assert report.status == ActivityReport.Status.PENDING and not report.stalled
    with pytest.raises(ValidationError):
        services.generate_report(report, users["comite"])
    client.force_login(users["comite"])
    progress = client.get(f"/comite/rapports/{report.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "hx-get" in progress and "arrêté" not in progress
    ActivityReport.objects.filter(pk=report.pk).update(heartbeat=timezone.now() - timedelta(minutes=31))
    report.refresh_from_db()
    assert report.stalled
    progress = client.get(f"/comite/rapports/{report.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "hx-get" not in progress and "arrêté" in progress
    services.generate_report(report, users["comite"])
    report.refresh_from_db()
    assert report.status == ActivityReport.Status.PENDING and not report.stalled
