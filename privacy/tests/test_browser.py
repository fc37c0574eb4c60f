"""A supervisor finds a caller, reads their fiches, downloads the access file and is told why
erasure must wait; the public notice. Accessible pages (axe-core)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.testing import assert_accessible, log_in
from privacy.models import RightsRequest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_supervisor_handles_a_citizens_request(page, live_server, live_fiche, person, users, tmp_path):
    shots = Path(os.environ.get("SCREENSHOTS", tmp_path))
    closed = live_fiche(person)
    still_open = live_fiche(person, close=False)

    log_in(page, live_server, "superviseur")
    page.goto(f"{live_server.url}/donnees-personnelles/personnes/")
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    page.get_by_label("Téléphone, adresse électronique ou nom de la personne").fill("06 98 76 54 32")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_label("Mme Zéphyrine QUINTAVALLE").check()
    page.screenshot(path=str(shots / "privacy-people.png"), full_page=True)
    assert_accessible(page)
    page.get_by_role("button", name="Ouvrir les appelants choisis").click()
    page.wait_for_selector("text=Ses fiches")
    body = page.inner_text("main")
    assert closed.reference in body and still_open.reference in body
    assert "L’effacement n’est pas encore possible" in body and "encore en cours de traitement" in body
    assert page.get_by_role("button", name="Effacer ses données").count() == 0
    page.screenshot(path=str(shots / "privacy-person.png"), full_page=True)
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Dossier d’accès (JSON)").click()
    assert "Quintavalle" in Path(download.value.path()).read_text(encoding="utf-8")
    assert RightsRequest.objects.get().kind == "access"

    page.locator("#id_last_name").fill("Quintavalle-Roux")
    page.get_by_role("button", name="Rectifier les coordonnées").click()
    page.wait_for_selector("text=Les coordonnées de la personne sont rectifiées.")
    person.refresh_from_db()
    assert person.last_name == "Quintavalle-Roux"

    page.get_by_role("link", name="Données personnelles").click()
    page.wait_for_selector("h1")
    assert "12 mois" in page.inner_text("main")
    page.screenshot(path=str(shots / "privacy-notice.png"), full_page=True)
    assert_accessible(page)
