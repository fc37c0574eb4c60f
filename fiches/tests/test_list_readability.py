"""The fiche list: total count, references on one line, status as checkboxes, named empty
choices (never "---------"), the Métropole cell still seeing only its fiches."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_list_counts_what_matches_and_reads_well(client, users, make_fiche):
    make_fiche("VOI-NID")
    make_fiche("VOI-NID")
    city = make_fiche("ECL-LAMP")
    client.force_login(users["agent"])
    page = client.get(reverse("fiches:list")).content.decode()
    assert "3 fiches correspondent aux filtres" in page
    assert "---------" not in page and "Toutes les collectivités" in page and "Tous les canaux" in page
    assert 'type="checkbox" name="status" value="transmitted"' in page
    assert f'<td class="text-nowrap"><a href="/fiches/{city.reference}/">' in page
    filtered = client.get(reverse("fiches:list"), {"status": ["transmitted", "closed"], "type": "ECL-LAMP"})
    html = filtered.content.decode()
    assert "1 fiche correspond aux filtres" in html
    assert 'value="transmitted" class="form-check-input" id="id_status_1" checked' in html


def test_a_metropole_cell_counts_only_its_fiches(client, users, make_fiche):
    make_fiche("VOI-NID")
    make_fiche("ECL-LAMP")
    client.force_login(users["cellule-voirie"])
    assert "1 fiche correspond aux filtres" in client.get(reverse("fiches:list")).content.decode()
