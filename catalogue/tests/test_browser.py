from __future__ import annotations

import pytest

from catalogue.demo import load_demo_nomenclature
from core.testing import assert_accessible, log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_list_search_and_detail_pages(page, live_server, users):
    load_demo_nomenclature(users["admin"])
    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/nomenclature/")
    assert page.locator("tbody tr").count() == 50
    assert_accessible(page, "list")
    page.get_by_label("Rechercher").fill("lampadaire eteint")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("tbody tr").count() == 1
    with page.expect_navigation():
        page.get_by_role("link", name="ECL-LAMP").click()
    assert "Historique des versions" in page.content()
    assert_accessible(page, "detail")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_pages_are_accessible(page, live_server, users):
    load_demo_nomenclature(users["admin"])
    log_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/nomenclature/type/VOI-NID/nouvelle-version/")
    page.fill("#id_deadline_amount", "3")
    with page.expect_navigation():  # no reason: the form comes back with the typed value
        page.click("main button[type=submit]")
    assert page.input_value("#id_deadline_amount") == "3"
    assert_accessible(page, "publish-error")
    page.fill("#id_reason", "Engagement renforcé")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "Engagement renforcé" in page.content()
    assert_accessible(page, "detail-v2")
    page.goto(f"{live_server.url}/nomenclature/import/")
    assert_accessible(page, "import")
