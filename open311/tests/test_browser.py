"""The cell checks a fiche for publication on the fiche page; Open311 then shows it."""

from __future__ import annotations

import pytest

from core.testing import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_cell_checks_a_fiche_for_publication(page, live_server, make_fiche, public_types):
    fiche = make_fiche("PRO-DEPOT", description="Gravats sur le trottoir")
    log_in(page, live_server, "cellule-proprete")
    page.goto(f"{live_server.url}/fiches/{fiche.reference}/")
    box = page.get_by_role("region", name="Publication")
    assert "ne sont pas publiques" in box.inner_text()
    assert_accessible(page, "open311-publication-before")
    with page.expect_navigation():
        box.get_by_role("button", name="Vérifiée : publiable").click()
    assert "peuvent désormais être publiées" in page.content()
    assert page.get_by_role("button", name="Retirer de la publication").is_visible()
    assert_accessible(page, "open311-publication-after")
    (row,) = page.request.get(f"{live_server.url}/open311/v2/requests/{fiche.reference}.json").json()
    assert row["description"] == "Gravats sur le trottoir"
