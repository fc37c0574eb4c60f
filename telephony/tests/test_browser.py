"""The barometer in the system Chromium, with an axe-core accessibility check."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_accessible(page, live_server, users):
    from axe_playwright_python.sync_playwright import Axe

    from organisations.demo import DEMO_PASSWORD
    from telephony.demo import generate_demo_calls

    generate_demo_calls(days=14, calls_per_year=20_000, end=date.today() - timedelta(days=1))
    page.goto(f"{live_server.url}/connexion/")
    page.fill("input[name=username]", "superviseur")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/telephonie/")
    page.wait_for_selector("#volume-chart")
    assert page.locator("table.heatmap tbody tr").count() == 7
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.goto(f"{live_server.url}/telephonie/effectifs/")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    day = date.today() - timedelta(days=2)
    page.goto(f"{live_server.url}/telephonie/jour/{day.isoformat()}/")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.goto(f"{live_server.url}/telephonie/import/csv/")
    assert page.locator("input[name=queue]").input_value() == "queue"
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
