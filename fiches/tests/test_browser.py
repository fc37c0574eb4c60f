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


def test_agent_records_a_call_with_the_keyboard(page, live_server, users, catalogue_types):
    login(page, live_server, "agent")
    page.goto(f"{live_server.url}/fiches/nouvelle/")
    assert_accessible(page)
    # the type field has the focus: type a few letters, without accents
    page.keyboard.type("nid de poule")
    option = page.locator("#type-VOI-NID")
    option.wait_for()
    option.focus()
    page.keyboard.press("Space")
    page.locator("#type-info").get_by_text("Direction de la Voirie").wait_for()
    page.focus("#id_last_name")
    page.keyboard.type("Lambert")
    page.focus("#id_phone")
    page.keyboard.type("06 98 76 54 32")
    page.focus("#id_street_number")
    page.keyboard.type("10")
    page.keyboard.press("Tab")
    page.keyboard.type("boulevard Longchamp")
    page.keyboard.press("Tab")
    page.keyboard.type("13001")
    page.focus("#id_description")
    page.keyboard.type("Trou dangereux pour les deux-roues")
    page.get_by_role("button", name=re.compile("fiche", re.I)).last.press("Enter")
    page.wait_for_url(re.compile(r"/fiches/AM-\d{4}-\d{6}/enregistree/"))
    reference = page.locator("#reference").inner_text()
    assert re.fullmatch(r"AM-\d{4}-\d{6}", reference)
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("fiche", re.I)).last.click()
    assert page.get_by_text("Lambert".upper()).count() >= 1
    assert_accessible(page)


def test_list_and_cell_views_are_accessible(page, live_server, make_fiche):
    make_fiche("VOI-NID")
    login(page, live_server, "cellule-voirie")
    page.goto(f"{live_server.url}/fiches/")
    assert page.locator("tbody tr").count() == 1
    assert_accessible(page)
