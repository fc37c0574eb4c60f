from __future__ import annotations

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from catalogue.demo import load_demo_nomenclature
from organisations.demo import DEMO_PASSWORD

SCREENSHOTS = os.environ.get("CATALOGUE_SCREENSHOTS")  # a folder, to look at the pages


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def check_accessibility(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_list_search_and_detail_pages(page, live_server, users):
    load_demo_nomenclature(users["admin"])
    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/nomenclature/")
    assert page.locator("tbody tr").count() == 50
    check_accessibility(page, "list")
    page.get_by_label("Rechercher").fill("lampadaire eteint")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("tbody tr").count() == 1
    with page.expect_navigation():
        page.get_by_role("link", name="ECL-LAMP").click()
    assert "Historique des versions" in page.content()
    check_accessibility(page, "detail")


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
    check_accessibility(page, "publish-error")
    page.fill("#id_reason", "Engagement renforcé")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "Engagement renforcé" in page.content()
    check_accessibility(page, "detail-v2")
    page.goto(f"{live_server.url}/nomenclature/import/")
    check_accessibility(page, "import")
