import os
from pathlib import Path

import pytest

from core.testing import assert_accessible
from fiches.services import add_note, transition
from portal.models import SurveyAnswer


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_citizen_follows_fiche_and_answers_survey(page, live_server, make_fiche, users, settings, tmp_path):
    shots = Path(os.environ.get("SCREENSHOTS", tmp_path))
    settings.SITE_URL = live_server.url
    fiche = make_fiche("ECL-LAMP")
    add_note(fiche, users["cellule-eclairage"], "Note interne à ne pas montrer", public=False)
    add_note(fiche, users["cellule-eclairage"], "Nacelle réservée pour jeudi.", public=True)
    transition(fiche, "resolve", users["cellule-eclairage"], outcome="L'ampoule a été remplacée.")

    page.goto(f"{live_server.url}/suivre/")
    assert_accessible(page)
    page.get_by_label("Référence de votre demande").fill(fiche.reference)
    page.get_by_label("Adresse électronique ou numéro de téléphone").fill("06 12 34 56 78")
    page.get_by_role("button", name="Afficher ma demande").click()
    page.wait_for_selector("h1")
    assert fiche.reference in page.inner_text("h1")
    body = page.inner_text("main")
    assert "Nacelle réservée pour jeudi." in body and "L'ampoule a été remplacée." in body
    assert "Note interne" not in body
    page.screenshot(path=str(shots / "portal-status.png"), full_page=True)
    assert_accessible(page)

    page.get_by_role("link", name="Donner mon avis").click()
    page.get_by_label("4 – Satisfait", exact=True).check()
    page.get_by_label("Commentaire (facultatif)").fill("Merci pour la rapidité.")
    page.screenshot(path=str(shots / "portal-survey.png"), full_page=True)
    assert_accessible(page)
    page.get_by_role("button", name="Envoyer mon avis").click()
    page.wait_for_selector("text=Merci")
    assert_accessible(page)
    assert SurveyAnswer.objects.get(fiche=fiche).score == 4

    page.goto(f"{live_server.url}/suivre/")
    page.get_by_label("Référence de votre demande").fill("AM-2026-999999")
    page.get_by_label("Adresse électronique ou numéro de téléphone").fill("x@example.org")
    page.get_by_role("button", name="Afficher ma demande").click()
    page.wait_for_selector("#track-error")
    page.screenshot(path=str(shots / "portal-error.png"), full_page=True)
    assert_accessible(page)
