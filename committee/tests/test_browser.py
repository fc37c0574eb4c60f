"""Done means (issue 11): a committee member opens the barometer, filters a quarter, follows
the arrondissement view, opens a change request with its impact and, as the committee
secretary, convenes a meeting and records its minutes approving it; the version is published
at its date. axe finds no violation on these pages, the secretary's pages, the quarterly pack's
and the annual report's pages, and the follow-up board as the committee sees it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.testing import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_committee_secretary_approves_a_change(
    page, live_server, users, catalogue_types, members, make_fiche
):
    from agreements.models import Agreement
    from catalogue.services import current_version
    from committee.models import ChangeRequest, Meeting, MeetingRequest
    from committee.services import propose_change
    from committee.tests.test_changes import road_to_city

    meeting = Meeting.objects.create(starts_at=timezone.now() - timedelta(hours=1), place="Hôtel de Ville")
    make_fiche("VOI-NID", created_at=timezone.now() - timedelta(days=30), quartier="Noailles")
    change = propose_change(
        users["direction-voirie"],
        kind="change",
        reason="Les trottoirs relèvent de la Ville",
        effective_date=timezone.localdate() + timedelta(days=10),
        data=road_to_city(catalogue_types),
    )
    log_in(page, live_server, "comite")
    page.click("nav >> text=Baromètre du service")
    page.click("text=Trimestre dernier")
    page.select_option("#id_by", "arrondissement")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator("svg.tile-map g.tile").count() == 16
    assert_accessible(page, "committee-barometer-arrondissements")
    page.goto(f"{live_server.url}/suivi/tableau/")
    assert "aucune fiche individuelle" in page.locator("main").inner_text()
    assert page.locator("main a[href*='/fiches/']").count() == 0
    assert_accessible(page, "committee-board")

    page.click("nav >> text=Comité")
    assert_accessible(page, "committee-index")
    page.click("text=Modification d'un type de demande · VOI-NID")
    assert "Impact sur les 12 derniers mois" in page.locator("main").inner_text()
    assert_accessible(page, "committee-change")

    # the secretary's pages
    page.click("nav >> text=Comité")
    page.click("text=Toutes les réunions")
    assert_accessible(page, "committee-meetings")
    page.click("text=Demander une réunion extraordinaire")
    page.fill("#id_reason", "Hausse des délais au 3e arrondissement")
    assert_accessible(page, "committee-ask-meeting")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert MeetingRequest.objects.count() == 1
    page.click("text=Proposer les réunions trimestrielles")
    agreement = Agreement.objects.get()
    page.select_option("#id_convention_year", f"{agreement.pk}-2")
    with page.expect_navigation():
        page.click("button:has-text('Voir les dates')")
    assert "1er juin 2026" in page.locator("main").inner_text()
    assert_accessible(page, "committee-schedule")
    page.goto(f"{live_server.url}/comite/reunions/{meeting.pk}/")
    page.click("text=Convoquer (ordre du jour, dossier, invitations)")
    page.fill("#id_items", "Baromètre du trimestre")
    assert_accessible(page, "committee-convene")
    with page.expect_navigation():
        page.click("button[value=save]")
    assert "Baromètre du trimestre" in page.locator("main").inner_text()
    page.click("a:has-text('Consigner le compte rendu')")
    page.select_option(f"#id_attendance_{members['city'].pk}", "excused")
    page.select_option(f"#id_decision_{change.pk}", "approve")
    page.fill("#id_minutes", "Le comité approuve le transfert à la Ville.")
    page.fill("#id_campaigns", "Campagne « Signalez, on répare »")
    assert_accessible(page, "committee-minutes")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    text = page.locator("main").inner_text()
    assert "Excusé" in text and "Approuvée" in text and "Signalez, on répare" in text
    assert_accessible(page, "committee-meeting")
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.APPROVED and change.meeting == meeting
    assert current_version("VOI-NID").body.short_name == "Métropole"
    assert current_version("VOI-NID", at=change.draft.effective_from).body.short_name == "Ville"
    page.click(f"text={change}")
    assert "Approuvée" in page.locator("main").inner_text()
    assert_accessible(page, "committee-approved")


def test_pack_and_report_pages(page, live_server, users, members, catalogue_types, make_fiche):
    from agreements.models import Agreement

    make_fiche("VOI-NID", created_at=timezone.now() - timedelta(days=100))
    log_in(page, live_server, "comite")
    page.goto(f"{live_server.url}/comite/dossiers/")
    assert_accessible(page, "committee-packs")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.wait_for_selector("text=Télécharger le PDF", timeout=60_000)
    assert_accessible(page, "committee-pack")
    page.goto(f"{live_server.url}/comite/rapports/")
    agreement = Agreement.objects.get()
    page.select_option("#id_convention_year", f"{agreement.pk}-1")
    assert_accessible(page, "committee-reports")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.fill("#id_introduction", "Une première année.")
    with page.expect_navigation():
        page.click("button[value=generate]")
    page.wait_for_selector("text=Télécharger le PDF", timeout=60_000)
    assert "1er mars 2025" in page.locator("main").inner_text()
    assert_accessible(page, "committee-report")
