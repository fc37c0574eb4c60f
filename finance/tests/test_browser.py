"""A finance officer's year in the system Chromium: expenses, schedule, key, Q4 revenue order."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from agreements.models import Agreement
from core.testing import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_officer_settles_a_year(page, live_server, users, make_fiche, tmp_path):
    paris = ZoneInfo("Europe/Paris")
    for day in (2, 3, 4):
        make_fiche("VOI-NID", created_at=datetime(2025, 4, day, 10, tzinfo=paris))
    make_fiche("ECL-LAMP", created_at=datetime(2025, 5, 2, 10, tzinfo=paris))
    agreement = Agreement.objects.get(reference="CONV-ALLO-MAIRIE-2025")
    log_in(page, live_server, "finances")
    assert page.locator("#due-title").count() == 1  # home page: what is due next
    assert_accessible(page, "finance-home")
    page.click("nav >> text=Participation financière")
    assert_accessible(page, "finance-index")
    page.click(f"text={agreement.reference}")
    assert_accessible(page, "finance-agreement")
    page.click("text=Année 1\u202f: du 1er mars 2025 au 28 février 2026")
    page.click("text=Saisir les dépenses")
    page.select_option("#id_lines-0-category", label="Personnel")
    page.fill("#id_lines-0-amount", "612 345,00")
    page.select_option("#id_lines-1-category", label="Téléphonie et télécommunications")
    page.fill("#id_lines-1-amount", "375 309,33")
    page.fill("#id_forecast", "1 000 000")
    assert_accessible(page, "finance-sheet")
    page.click("text=Enregistrer la fiche financière")
    assert "987\u202f654,33\u00a0€" in page.locator("#sheet-total").inner_text()
    assert "111\u202f111,11\u00a0€" in page.locator("#schedule").inner_text()
    assert "clé à valider" in page.locator("#schedule").inner_text()
    page.click("text=Calculer la clé à partir des fiches")
    assert "3 fiches du partenaire sur 4" in page.locator("#key-figures").inner_text()
    page.click("text=Valider la clé")
    # Q4 = 987 654,33 × 3/4 − 3 × 111 111,11 = 740 740,75 − 333 333,33
    assert "407\u202f407,42\u00a0€" in page.locator("#schedule").inner_text()
    assert "740\u202f740,75\u00a0€" in page.locator("#schedule-total").inner_text()
    assert_accessible(page, "finance-year")
    page.click("text=Émettre le titre de recettes du T4")
    link = page.locator("#schedule a", has_text="(PDF)")
    assert link.count() == 1
    with page.expect_download() as download_info:
        link.click()
    target = Path(os.environ.get("SCREENSHOTS") or tmp_path) / "finance-revenue-order.pdf"
    download_info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    page.click("nav >> text=Titres de recettes")
    assert page.locator("tbody tr").count() == 1
    assert_accessible(page, "finance-register")
