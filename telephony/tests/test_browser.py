"""The telephone statistics pages in the system Chromium, with an axe-core accessibility check."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.testing import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_telephony_pages_accessible(page, live_server, users):
    from telephony.demo import generate_demo_calls
    from telephony.models import QueuePassage

    generate_demo_calls(days=14, calls_per_year=40_000, end=date.today() - timedelta(days=1))
    log_in(page, live_server, "superviseur")
    page.goto(f"{live_server.url}/telephonie/")
    page.wait_for_selector("#volume-chart")
    assert page.locator("table.heatmap tbody tr").count() == 7
    assert_accessible(page)
    page.goto(f"{live_server.url}/telephonie/?interval=slot")
    page.wait_for_selector("#volume-chart")
    assert_accessible(page)
    page.goto(f"{live_server.url}/telephonie/effectifs/")
    assert_accessible(page)
    busiest = (
        QueuePassage.objects.values("local_date").order_by("local_date").values_list("local_date", flat=True)
    )
    days = sorted(set(busiest), key=lambda d: -QueuePassage.objects.filter(local_date=d).count())
    page.goto(f"{live_server.url}/telephonie/jour/{days[0].isoformat()}/")
    assert page.locator("a", has_text="Passages suivants").count() == 1  # a day of more than 50
    assert_accessible(page)
    page.goto(f"{live_server.url}/telephonie/import/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/telephonie/import/csv/")
    assert page.locator("input[name=queue]").input_value() == "queue"
    assert_accessible(page)


def test_stopping_an_import_from_the_list(page, live_server, users):
    from telephony.models import ImportRun

    run = ImportRun.objects.create(file_name="queue_log", stored_path="telephony/waiting")
    log_in(page, live_server, "superviseur")
    page.goto(f"{live_server.url}/telephonie/import/")
    stop = page.get_by_role("button", name="Arrêter l’import de queue_log")
    assert_accessible(page)
    with page.expect_navigation():
        stop.click()
    assert page.get_by_text("Arrêt en cours…").count() == 1
    assert page.get_by_role("button", name="Arrêter l’import").count() == 0
    assert_accessible(page)
    assert ImportRun.objects.get(pk=run.pk).stop_requested
