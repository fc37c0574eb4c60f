"""An agent records a call whose citizen wants a phone reply; it appears in the callback
queue, where the agent records the call back (system Chromium + axe-core)."""

from __future__ import annotations

import os
import re

import pytest

from core.testing import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:
    if folder := os.environ.get("SCREENSHOTS"):
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_a_phone_reply_fiche_appears_in_the_callback_queue(page, live_server, users, catalogue_types):
    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/fiches/nouvelle/")
    page.fill("#id_last_name", "Nicolas")
    page.fill("#id_first_name", "Sylvie")
    page.select_option("#id_preferred_channel", "phone")
    page.fill("#id_type_query", "nid de poule")
    page.locator("#type-VOI-NID").check()
    page.fill("#id_street_name", "boulevard Longchamp")
    page.fill("#id_postal_code", "13001")
    page.get_by_role("button", name="Enregistrer la fiche").click()
    # no phone number: the phone reply cannot reach her, the form says so and keeps the rest
    page.locator("#id_phone_error").wait_for()
    assert page.input_value("#id_street_name") == "boulevard Longchamp"
    assert_accessible(page)
    shot(page, "intake-phone-refused")
    page.fill("#id_phone", "+33 4 91 55 11 11")
    page.get_by_role("button", name="Enregistrer la fiche").click()
    page.wait_for_url(re.compile(r"/fiches/AM-\d{4}-\d{6}/enregistree/"))
    reference = page.locator("#reference").inner_text()

    page.get_by_role("link", name="Rappels", exact=True).click()
    row = page.locator("#callback-table tbody tr", has_text=reference)
    row.wait_for()
    assert "04 91 55 11 11" in row.inner_text() and "Accusé de réception" in row.inner_text()
    assert_accessible(page)
    shot(page, "callback-queue")
    row.get_by_label("Résultat").select_option("no_answer")
    row.get_by_label("Note (interne)").fill("Messagerie pleine")
    row.get_by_role("button", name="Enregistrer").click()
    page.locator(".alert-success, .alert").first.wait_for()
    assert (
        "1" in page.locator("#callback-table tbody tr", has_text=reference).locator("td").nth(4).inner_text()
    )
    assert_accessible(page)

    log_in(page, live_server, "superviseur")
    page.goto(f"{live_server.url}/suivi/tableau/")
    assert "1" in page.locator("#board-callbacks").inner_text()
    assert_accessible(page)
    shot(page, "board")
