"""Done means (issue 11): a committee member opens the barometer, filters a quarter, follows
the arrondissement view, opens a change request with its impact and, as the committee
secretary, records a meeting that approves it; the version is published at its date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.testing import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_committee_secretary_approves_a_change(
    page, live_server, users, catalogue_types, meeting, make_fiche
):
    from catalogue.services import current_version
    from committee.models import ChangeRequest
    from committee.services import propose_change
    from committee.tests.test_changes import road_to_city

    make_fiche("VOI-NID", created_at=timezone.now() - timedelta(days=30))
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
    page.click("nav >> text=Comité")
    assert_accessible(page, "committee-index")
    page.click("text=Modification d'un type de demande · VOI-NID")
    assert "Impact sur les 12 derniers mois" in page.locator("main").inner_text()
    assert_accessible(page, "committee-change")
    page.check("input[name=outcome][value=approve]")
    page.select_option("#id_meeting", str(meeting.pk))
    page.fill("#id_note", "Approuvé à l'unanimité")
    with page.expect_navigation():
        page.click("button:has-text('Consigner la décision')")
    assert "Approuvée" in page.locator("main").inner_text()
    assert_accessible(page, "committee-approved")
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.APPROVED
    assert current_version("VOI-NID").body.short_name == "Métropole"
    assert current_version("VOI-NID", at=change.draft.effective_from).body.short_name == "Ville"
    page.click(f"text={meeting}")
    assert_accessible(page, "committee-meeting")
