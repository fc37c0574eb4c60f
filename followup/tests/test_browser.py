"""A Métropole cell clears its queue, sends a misrouted fiche back; the supervisor re-routes
it to the City, whose cell then sees it with a new due date (system Chromium + axe-core)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from core.testing import log_in
from fiches.models import Fiche, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username):
    page.context.clear_cookies()
    log_in(page, live_server, username)  # with the second factor for the supervisor
    page.wait_for_url(f"{live_server.url}/")


def assert_accessible(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_cell_clears_its_queue_and_the_supervisor_reroutes(page, live_server, users, make_fiche):
    first, second, third = (make_fiche("VOI-NID", description=f"Trou n°{n}") for n in range(3))
    other_directorate = make_fiche("PRO-DEPOT")
    city = make_fiche("ECL-LAMP")

    login(page, live_server, "cellule-voirie")
    page.get_by_role("link", name="Ma file", exact=True).click()
    page.get_by_role("heading", name="Ma file de travail").wait_for()
    table = page.locator("table.queue-table").inner_text()
    for fiche in (first, second, third):
        assert fiche.reference in table
    assert other_directorate.reference not in table and city.reference not in table
    assert_accessible(page)

    # acknowledge the first from the queue
    page.get_by_role("button", name=f"Prendre en charge {first.reference}").click()
    page.get_by_text("Enregistré.").wait_for()
    # resolve the second
    page.get_by_role("link", name=f"Traiter {second.reference}").click()
    page.get_by_label("Résolu").check()
    page.get_by_label("Explication").fill("Nid-de-poule rebouché.")
    page.get_by_role("button", name="Enregistrer l'issue").click()
    page.get_by_text("Enregistré.").wait_for()
    # send the third back as misrouted
    page.goto(f"{live_server.url}/suivi/")
    page.get_by_role("link", name=f"Traiter {third.reference}").click()
    page.get_by_label("Hors de notre compétence").check()
    page.get_by_label("Explication").fill("C'est un lampadaire éteint, pas la chaussée.")
    page.get_by_role("button", name="Enregistrer l'issue").click()
    page.get_by_text("Enregistré.").wait_for()
    statuses = dict(Fiche.objects.values_list("reference", "status"))
    assert statuses[first.reference] == Status.ACKNOWLEDGED
    assert statuses[second.reference] == Status.RESOLVED
    assert statuses[third.reference] == Status.REROUTED

    login(page, live_server, "superviseur")
    page.get_by_role("link", name="Suivi").click()
    page.get_by_role("heading", name="Tableau de suivi").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="À réorienter").first.click()
    page.get_by_role("link", name=f"Réorienter {third.reference}").click()
    page.get_by_label("Rechercher un type de demande").fill("lampadaire")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_label("Nouveau type de demande").select_option(
        label="ECL-LAMP · Lampadaire éteint → Direction de l'Éclairage public (Ville)"
    )
    page.get_by_label("Motif de la réorientation").fill("Compétence de la Ville (éclairage).")
    assert_accessible(page)
    page.get_by_role("button", name="Réorienter la fiche").click()
    page.get_by_text("réorientée vers").wait_for()

    rerouted = Fiche.objects.get(pk=third.pk)
    assert rerouted.body.short_name == "Ville" and rerouted.due_at != third.due_at
    login(page, live_server, "cellule-eclairage")
    page.goto(f"{live_server.url}/suivi/")
    row = page.locator("tr", has_text=rerouted.reference)
    row.wait_for()
    assert timezone.localtime(rerouted.due_at).strftime("%d/%m/%Y %H:%M") in row.inner_text()
