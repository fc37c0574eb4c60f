"""Duplicates by place: open fiches of the same family within the family's distance and time window."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalogue.models import Family
from catalogue.services import TypeData, publish_version
from fiches.selectors import address_key, nearby_open_fiches, neighbours
from organisations.models import Directorate
from places.geo import offset

LAT, LON = 43.30158, 5.38708  # 14 boulevard Longchamp


@pytest.fixture
def lighting(catalogue_types):
    family = Family.objects.get(code="eclairage")
    family.duplicate_radius_m = 50
    family.duplicate_window_days = 30
    family.save()
    publish_version(
        TypeData(
            code="ECL-CLIGNO",
            family=family,
            label="Lampadaire qui clignote",
            kind="anomaly",
            directorate=Directorate.objects.select_related("cell", "body").get(code="vdm-eclairage"),
            deadline_amount=10,
            deadline_unit="working_days",
        ),
        reason="test",
    )
    return family


def at(north: float, east: float = 0.0) -> dict:
    lat, lon = offset(LAT, LON, north, east)
    return {"latitude": lat, "longitude": lon, "street_number": "", "street_name": "", "postal_code": ""}


def found(user, code="ECL-LAMP", **point) -> list[tuple[str, int | None]]:
    point = point or {"latitude": LAT, "longitude": LON}
    return [(f.reference, f.distance_m) for f in nearby_open_fiches(user, type_code=code, **point)]


def test_fiches_of_the_family_within_its_distance_nearest_first(users, make_fiche, lighting):
    far = make_fiche("ECL-LAMP", **at(45))
    near = make_fiche("ECL-CLIGNO", **at(0, 20))
    make_fiche("ECL-LAMP", **at(60))  # outside the 50 m of lighting
    assert found(users["agent"]) == [(near.reference, 20), (far.reference, 45)]


def test_each_family_has_its_own_distance(users, make_fiche, lighting):
    waste = Family.objects.get(code="nettoiement")
    waste.duplicate_radius_m = 150
    waste.save()
    bulky = make_fiche("PRO-DEPOT", **at(120))
    make_fiche("ECL-LAMP", **at(120))
    assert found(users["agent"], "PRO-DEPOT") == [(bulky.reference, 120)]
    assert found(users["agent"], "ECL-LAMP") == []


def test_other_families_closed_fiches_and_old_fiches_are_left_out(users, make_fiche, lighting, committed):
    make_fiche("VOI-NID", **at(5))
    old = make_fiche("ECL-LAMP", **at(10), created_at=timezone.now() - timedelta(days=31))
    recent = make_fiche("ECL-LAMP", **at(10), created_at=timezone.now() - timedelta(days=29))
    assert found(users["agent"]) == [(recent.reference, 10)]
    lighting.duplicate_window_days = 40
    lighting.save()
    assert {ref for ref, _ in found(users["agent"])} == {recent.reference, old.reference}
    recent.status = "closed"
    recent.save(update_fields=["status"])
    assert found(users["agent"]) == [(old.reference, 10)]


def test_the_same_address_without_coordinates_still_counts(users, make_fiche, lighting):
    typed = make_fiche("ECL-LAMP", street_number="14", street_name="bd Longchamp", postal_code="13001")
    key = address_key("14", "bd Longchamp", "13001")
    assert found(users["agent"], address=key) == [(typed.reference, None)]
    point = make_fiche("ECL-LAMP", **at(30))
    assert found(users["agent"], address=key, latitude=LAT, longitude=LON) == [
        (point.reference, 30),
        (typed.reference, None),
    ]


def test_a_metropole_cell_never_sees_city_fiches_nearby(users, make_fiche, lighting):
    make_fiche("ECL-LAMP", **at(10))
    assert found(users["cellule-voirie"]) == []
    assert len(found(users["cellule-eclairage"])) == 1


def test_nor_city_fiches_at_the_same_address(users, make_fiche, lighting):
    """The address is matched among all open fiches first (by its index), the scope after."""
    typed = make_fiche("ECL-LAMP", street_number="14", street_name="bd Longchamp", postal_code="13001")
    key = address_key("14", "bd Longchamp", "13001")
    assert found(users["cellule-voirie"], address=key) == []
    assert found(users["cellule-eclairage"], address=key) == [(typed.reference, None)]


def test_neighbours_of_a_fiche_leave_it_out(users, make_fiche, lighting):
    fiche = make_fiche("ECL-LAMP", **at(0))
    other = make_fiche("ECL-CLIGNO", **at(40))
    assert [(f.reference, f.distance_m) for f in neighbours(fiche, users["agent"])] == [(other.reference, 40)]


def test_neighbours_are_read_with_the_fields_the_pages_show_only(users, make_fiche, lighting):
    """fiches.selectors.NEIGHBOUR_FIELDS: the rest of each row is left in the database (the
    fiche page's query test shows a neighbour: a field it shows left out would cost a query)."""
    fiche = make_fiche("ECL-LAMP", **at(0))
    make_fiche("ECL-CLIGNO", **at(40))
    (found_one,) = neighbours(fiche, users["agent"])
    deferred = found_one.get_deferred_fields()
    assert {"description", "answers", "requester_id", "outcome"} <= deferred
    assert not {"reference", "status", "created_at", "latitude", "longitude"} & deferred
    assert not {"label"} & found_one.request_type.get_deferred_fields()


def test_neighbours_take_the_family_the_fiche_holds(users, make_fiche, lighting, django_assert_num_queries):
    from fiches.models import Fiche

    fiche = make_fiche("ECL-LAMP", **at(0))
    make_fiche("ECL-CLIGNO", **at(40))
    fiche = Fiche.objects.select_related("request_type__request_type__family").get(pk=fiche.pk)
    agent = type(users["agent"]).objects.get(pk=users["agent"].pk)
    neighbours(fiche, agent)  # the user's scope, read once per user
    with django_assert_num_queries(1):  # the fiches around it: no look-up of the family
        assert len(neighbours(fiche, agent)) == 1


def test_the_search_is_two_queries(users, make_fiche, lighting, django_assert_max_num_queries):
    for metres in (5, 15, 25):
        make_fiche("ECL-LAMP", **at(metres))
    agent = users["agent"]
    agent = type(agent).objects.get(pk=agent.pk)
    found(agent)
    with django_assert_max_num_queries(3):
        assert len(found(agent)) == 3


# --- maps of the lists: clustered points of the filtered, scoped fiches ---


def map_points_of(response) -> list[str]:
    return [point["label"].split(" · ")[0] for point in response.context["points"]]


def test_the_fiche_list_map_keeps_the_filters_and_the_scope(client, users, make_fiche, lighting):
    city = make_fiche("ECL-LAMP", **at(0))
    metro = make_fiche("VOI-NID", **at(10))
    make_fiche("ECL-LAMP")  # no coordinates: in the list, not on the map
    client.force_login(users["superviseur"])
    response = client.get(reverse("fiches:list"), {"vue": "carte"})
    assert sorted(map_points_of(response)) == sorted([city.reference, metro.reference])
    page = response.content.decode()
    assert 'id="list-map"' in page and "leaflet.markercluster.js" in page
    assert 'name="vue" value="carte"' in page  # the filter form keeps the map
    response = client.get(reverse("fiches:list"), {"vue": "carte", "q": city.reference})
    assert map_points_of(response) == [city.reference]
    assert "vue=carte" not in response.context["query"]
    assert "list-map" not in client.get(reverse("fiches:list")).content.decode()
    client.force_login(users["cellule-voirie"])
    assert map_points_of(client.get(reverse("fiches:list"), {"vue": "carte"})) == [metro.reference]


def test_the_queue_map_shows_only_the_cell_fiches(client, users, make_fiche, lighting):
    make_fiche("ECL-LAMP", **at(0))
    road = make_fiche("VOI-NID", **at(10))
    client.force_login(users["cellule-voirie"])
    response = client.get(reverse("followup:queue"), {"vue": "carte"})
    assert map_points_of(response) == [road.reference]
    assert response.context["points"][0]["url"] == reverse("followup:work", args=[road.reference])


def test_a_list_map_is_one_query_whatever_the_number_of_fiches(client, users, make_fiche, lighting):
    client.force_login(users["superviseur"])

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("fiches:list"), {"vue": "carte"})
        return len(captured)

    make_fiche("ECL-LAMP", **at(0))
    queries()  # filter choices cached
    few = queries()
    for metres in range(5, 50, 5):
        make_fiche("ECL-LAMP", **at(metres))
    assert queries() == few
