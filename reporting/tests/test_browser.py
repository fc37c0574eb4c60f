"""The service barometer in the system Chromium, with an axe-core accessibility check."""

from __future__ import annotations

import pytest

from core.testing import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_committee_member_reads_the_barometer(page, live_server, known_fiches):
    log_in(page, live_server, "comite")
    page.click("nav >> text=Baromètre du service")
    assert_accessible(page, "barometer-default")
    page.fill("#id_date_from", "2026-01-01")
    page.fill("#id_date_to", "2026-03-31")
    page.select_option("#id_by", "arrondissement")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator("svg.tile-map g.tile").count() == 16
    first = page.locator("#map-title ~ div table tbody tr").first
    assert first.locator("th").inner_text() == "1er" and first.locator("td").first.inner_text() == "5"
    assert page.locator("main a[href^='/fiches/']").count() == 0  # figures only, no fiche list
    assert_accessible(page, "barometer-arrondissements")
    page.select_option("#id_map", "compliance")
    page.select_option("#id_by", "month")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "50,0 %" in page.locator(".kpi-cards").inner_text()
    assert_accessible(page, "barometer-months")
    page.fill("#id_date_from", "9999-01-01")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "entre 2000 et 2099" in page.locator("main [role=alert]").inner_text()
    assert page.locator("#id_date_from").input_value() == "9999-01-01"
    assert_accessible(page, "barometer-error")


def test_a_supervisor_clicks_through_to_the_fiches(page, live_server, known_fiches):
    log_in(page, live_server, "superviseur")
    page.goto(f"{live_server.url}/barometre/?date_from=2026-01-01&date_to=2026-03-31&by=body")
    with page.expect_navigation():
        page.click("#table-title ~ div tbody tr:has-text('Ville') a")
    assert "/fiches/?" in page.url and page.locator("main").inner_text().count("AM-2026-") >= 3
