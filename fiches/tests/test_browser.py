"""An agent records a call in the real page (system Chromium) and reads out the reference."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from organisations.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username):
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")


def assert_accessible(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_agent_records_a_call_with_the_keyboard(page, live_server, make_fiche):
    earlier = make_fiche("ECL-LAMP")  # the caller, Alice Durand, called before
    login(page, live_server, "agent")
    page.goto(f"{live_server.url}/fiches/nouvelle/")
    assert_accessible(page)
    # find the caller by phone number and choose them with the keyboard
    page.focus("#caller-query")
    page.keyboard.type("06 12 34")
    page.locator("#caller-results button").first.wait_for()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator("#requester-fields").get_by_text(earlier.reference).wait_for()
    assert page.evaluate("document.activeElement.id") == "id_phone"
    # pick the type by typing a few letters, without accents, then arrow down and space
    page.focus("#id_type_query")
    page.keyboard.type("nid de poule")
    page.locator("#type-VOI-NID").wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    page.locator("#type-info").get_by_text("Direction de la Voirie").wait_for()
    page.focus("#id_street_number")
    page.keyboard.type("10")
    page.keyboard.press("Tab")
    page.keyboard.type("boulevard Longchamp")
    page.keyboard.press("Tab")
    page.keyboard.type("13001")
    page.focus("#id_description")
    page.keyboard.type("Trou dangereux pour les deux-roues")
    page.get_by_role("button", name="Enregistrer la fiche").press("Enter")
    page.wait_for_url(re.compile(r"/fiches/AM-\d{4}-\d{6}/enregistree/"))
    reference = page.locator("#reference").inner_text()
    assert re.fullmatch(r"AM-\d{4}-\d{6}", reference) and reference != earlier.reference
    assert_accessible(page)
    page.get_by_role("link", name="Ouvrir la fiche").click()
    page.get_by_text("Nid-de-poule sur la chaussée").first.wait_for()
    assert page.get_by_text("DURAND").count() >= 1
    assert_accessible(page)


def test_list_and_cell_views_are_accessible(page, live_server, make_fiche):
    make_fiche("VOI-NID")
    login(page, live_server, "cellule-voirie")
    page.goto(f"{live_server.url}/fiches/")
    assert page.locator("tbody tr").count() == 1
    assert_accessible(page)
