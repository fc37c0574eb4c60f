"""An agent records a call in the real page (system Chromium) and reads out the reference."""

import re

import pytest

from core.testing import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_records_a_call_with_the_keyboard(page, live_server, make_fiche):
    earlier = make_fiche("ECL-LAMP")  # the caller, Alice Durand, called before
    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/fiches/nouvelle/")
    assert_accessible(page)
    # options arriving by htmx are wired as they land, so a key pressed at once is not lost
    assert page.evaluate("htmx.config.defaultSettleDelay") == 0
    # find the caller by phone number and choose them with the keyboard
    page.focus("#caller-query")
    page.keyboard.type("06 12 34")
    page.locator('#caller-results [data-query="06 12 34"] button').first.wait_for()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator("#requester-fields").get_by_text(earlier.reference).wait_for()
    assert page.evaluate("document.activeElement.id") == "id_phone"
    # pick the type by typing a few letters, without accents, then arrow down and space
    page.focus("#id_type_query")
    page.keyboard.type("nid de poule")
    # the list answering the whole query (one for the first letters may come before it)
    page.locator('#type-options [data-query="nid de poule"] #type-VOI-NID').wait_for()
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
    log_in(page, live_server, "cellule-voirie")
    page.goto(f"{live_server.url}/fiches/")
    assert page.locator("tbody tr").count() == 1
    assert_accessible(page)


def test_a_refused_or_lost_request_says_so_until_one_succeeds(page, live_server, users, catalogue_types):
    """htmx puts only successful answers in place: a refused answer or a lost connection
    would leave the page as it was, silently. The page says which, then no more once a
    request succeeds."""
    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/fiches/nouvelle/")
    alert = page.locator("#request-error")
    assert alert.is_hidden()
    types = "**/fiches/nouvelle/types/**"

    def search(words: str) -> None:
        page.fill("#id_type_query", "")
        page.focus("#id_type_query")
        page.keyboard.type(words)

    page.route(types, lambda route: route.fulfill(status=403, body="refusé"))
    search("nid")
    alert.get_by_text("Le serveur a refusé cette action").wait_for()
    assert alert.get_attribute("role") == "alert"  # only while shown: the page's alerts stay its own
    assert_accessible(page)
    page.unroute(types)
    page.route(types, lambda route: route.abort())
    search("lampadaire")
    alert.get_by_text("Le serveur ne répond pas").wait_for()
    page.unroute(types)
    search("nid de poule")
    page.locator('#type-options [data-query="nid de poule"] #type-VOI-NID').wait_for()
    alert.wait_for(state="hidden")
    assert alert.get_attribute("role") is None
