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


def test_the_count_stops_at_the_cap(client, users, make_fiche, monkeypatch):
    """Counting stays bounded however many years are kept: past the cap, "more than"."""
    monkeypatch.setattr("fiches.selectors.COUNT_CAP", 2)
    for _ in range(3):
        make_fiche("VOI-NID")
    client.force_login(users["agent"])
    assert "Plus de 2 fiches correspondent aux filtres" in client.get(reverse("fiches:list")).content.decode()
    filtered = client.get(reverse("fiches:list"), {"type": "ECL-LAMP"}).content.decode()
    assert "0 fiche correspond aux filtres" in filtered or "0 fiches correspondent" in filtered
    make_fiche("ECL-LAMP")
    make_fiche("ECL-LAMP")
    assert (
        "2 fiches correspondent aux filtres"
        in client.get(reverse("fiches:list"), {"type": "ECL-LAMP"}).content.decode()
    )


def test_a_metropole_cell_counts_only_its_fiches(client, users, make_fiche):
    make_fiche("VOI-NID")
    make_fiche("ECL-LAMP")
    client.force_login(users["cellule-voirie"])
    assert "1 fiche correspond aux filtres" in client.get(reverse("fiches:list")).content.decode()


@pytest.mark.parametrize("sort", ["newest", "oldest", "due", "status"])
def test_every_sort_pages_through_every_fiche_once(client, users, make_fiche, sort, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from fiches.models import Fiche
    from fiches.selectors import keyset_page

    fiches = [make_fiche(code) for code in ("VOI-NID", "ECL-LAMP", "HYG-ANIMAL", "VOI-NID", "EV-BANC")]
    Fiche.objects.filter(pk=fiches[3].pk).update(due_at=None)
    Fiche.objects.filter(pk=fiches[0].pk).update(due_at=timezone.now() + timedelta(days=400))
    seen, cursor = [], None
    while True:
        page = keyset_page(Fiche.objects.all(), cursor, size=2, sort=sort)
        seen += page.items
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert sorted(f.pk for f in seen) == sorted(f.pk for f in fiches)
    everything = list(Fiche.objects.all())
    expected = {
        "newest": sorted(everything, key=lambda f: (f.created_at, f.pk), reverse=True),
        "oldest": sorted(everything, key=lambda f: (f.created_at, f.pk)),
        "due": sorted(everything, key=lambda f: (f.due_at is None, f.due_at or f.created_at, f.pk)),
        "status": sorted(
            sorted(everything, key=lambda f: (f.created_at, f.pk), reverse=True), key=lambda f: f.status
        ),
    }[sort]
    assert [f.pk for f in seen] == [f.pk for f in expected]
    client.force_login(users["agent"])
    assert client.get(reverse("fiches:list"), {"sort": sort, "after": cursor or ""}).status_code == 200


def test_a_hostile_sort_or_cursor_is_ignored(client, users, make_fiche):
    make_fiche()
    client.force_login(users["agent"])
    for params in ({"sort": "drop"}, {"sort": "due", "after": "x_y"}, {"sort": "status", "after": "zz_1_2"}):
        assert client.get(reverse("fiches:list"), params).status_code == 200


@pytest.mark.parametrize("sort", ["newest", "oldest", "due", "status"])
def test_an_empty_page_reads_nothing(users, sort, django_assert_num_queries):
    """A queryset that can match nothing (a word found nowhere) gives an empty page without a
    query; a cursor still offers the way back to the first page."""
    from fiches.models import Fiche
    from fiches.selectors import keyset_page

    cursor = {"newest": "1_1", "oldest": "1_1", "due": "n_1", "status": "new_1_1"}[sort]
    with django_assert_num_queries(0):
        first = keyset_page(Fiche.objects.none(), None, sort=sort)
        later = keyset_page(Fiche.objects.none(), cursor, sort=sort)
    assert (first.items, first.next_cursor, first.has_previous) == ([], None, False)
    assert (later.items, later.next_cursor, later.has_previous) == ([], None, True)


def test_an_empty_result_is_counted_without_building_its_count(db):
    """The count of a word found nowhere: nothing built (Django built and compiled the capped
    count's subquery to find that it could match nothing)."""
    from unittest import mock

    from django.db.models import QuerySet

    from fiches.models import Fiche
    from fiches.selectors import capped_count

    with mock.patch.object(QuerySet, "count", side_effect=AssertionError("counted")):
        assert capped_count(Fiche.objects.none()) == (0, False)
    assert capped_count(Fiche.objects.all()) == (0, False)
