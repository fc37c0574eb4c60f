"""An agent finds the address, moves the point with the keyboard, finds the duplicate nearby and
adds the caller to it (system Chromium, no map tiles: tests never reach the internet)."""

from __future__ import annotations

import io
import re
import time

import pytest
from django.core.management import call_command

from catalogue.models import Family
from core.testing import assert_accessible, log_in
from fiches.models import Fiche
from places.geo import distance_m, offset
from places.tests.test_places import FIXTURE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAT, LON = 43.30158, 5.38708  # 14 boulevard Longchamp in the fixture


def test_address_map_and_duplicate_nearby(page, live_server, make_fiche):
    call_command("import_addresses", str(FIXTURE), stdout=io.StringIO(), stderr=io.StringIO())
    Family.objects.filter(code="eclairage").update(duplicate_radius_m=50)
    north_lat, north_lon = offset(LAT, LON, 40, 0)
    existing = make_fiche(
        "ECL-LAMP", street_number="", street_name="", postal_code="", latitude=north_lat, longitude=north_lon
    )
    make_fiche("VOI-NID", street_number="", street_name="", postal_code="", latitude=LAT, longitude=LON)
    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/fiches/nouvelle/")
    page.locator("#intake-map.leaflet-container").wait_for()
    page.focus("#id_type_query")
    page.keyboard.type("lampadaire")
    page.locator('#type-options [data-query="lampadaire"] #type-ECL-LAMP').wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    page.locator("#type-info").get_by_text("Éclairage public").first.wait_for()
    # the address: typed as agents type it, chosen with the arrow keys
    page.focus("#address-query")
    page.keyboard.type("14 bd Longchamp")
    page.locator("#address-options [role=option]").first.wait_for()
    page.locator("#address-query[aria-expanded=true]").wait_for()
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#address-query", "aria-activedescendant") == "address-option-1"
    page.keyboard.press("Enter")
    assert page.input_value("#id_street_number") == "14"
    assert page.input_value("#id_street_name") == "Boulevard Longchamp"
    assert page.input_value("#id_postal_code") == "13001"
    assert (page.input_value("#id_latitude"), page.input_value("#id_longitude")) == ("43.30158", "5.38708")
    assert page.get_attribute("#address-query", "aria-expanded") == "false"
    # the point on the map, and the duplicate of the same family 40 m away (not the road one)
    marker = page.locator("#intake-map .leaflet-marker-icon")
    marker.wait_for()
    # polled from here: wait_for_function evaluates a string, which the page's CSP forbids
    deadline = time.monotonic() + 5
    while not marker.evaluate("img => img.complete && img.naturalWidth > 0"):
        assert time.monotonic() < deadline, "the marker's icon never loaded"
        page.wait_for_timeout(50)
    duplicates = page.locator("#duplicates li")
    duplicates.filter(has_text="40 m").wait_for()
    assert duplicates.count() == 1 and existing.reference in duplicates.inner_text()
    page.locator("#intake-map path.places-neighbour").wait_for()
    assert page.locator("#intake-map path.places-neighbour").count() == 1
    assert_accessible(page, "intake-address-map")
    # move the point 10 m north with the keyboard
    marker.focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    moved = float(page.input_value("#id_latitude")), float(page.input_value("#id_longitude"))
    assert round(distance_m(LAT, LON, *moved)) == 10 and moved[0] > LAT
    page.locator("#intake-map-status").get_by_text("Point déplacé").wait_for(state="attached")
    duplicates.filter(has_text="30 m").wait_for()
    # the nearest known address to the moved point (14 bis is 2 m east of the point 10 m north)
    page.locator("#intake-map-reverse").get_by_text("14 bis Boulevard Longchamp").wait_for()
    # the caller follows the existing fiche instead of opening a new one
    page.fill("#id_last_name", "Nicolas")
    page.fill("#id_phone", "06 22 33 44 55")
    page.select_option("#id_preferred_channel", "phone")  # a reply channel the caller can be reached on
    duplicates.get_by_role("button").click()
    page.wait_for_url(re.compile(rf"/fiches/{existing.reference}/"))
    assert Fiche.objects.count() == 2
    assert [r.last_name for r in existing.followers.all()] == ["Nicolas"]
    # the existing fiche's page: its point on the map (the road fiche nearby is of another family)
    page.goto(f"{live_server.url}/fiches/{existing.reference}/")
    page.locator("#fiche-map.leaflet-container").wait_for()
    assert page.locator("#fiche-map .leaflet-marker-icon").count() == 1
    assert_accessible(page, "fiche-map")


def test_queue_map_clusters_and_keeps_the_filters(page, live_server, make_fiche):
    for metres in (0, 5, 10):
        make_fiche("VOI-NID", street_number="", street_name="", postal_code="", **dict(zip(
            ("latitude", "longitude"), offset(LAT, LON, metres, 0), strict=True
        )))  # fmt: skip
    make_fiche("ECL-LAMP", street_number="", street_name="", postal_code="", latitude=LAT, longitude=LON)
    log_in(page, live_server, "cellule-voirie")
    page.goto(f"{live_server.url}/suivi/?status=unacknowledged")
    page.get_by_role("link", name="Afficher sur une carte").click()
    page.locator("#list-map.leaflet-container").wait_for()
    assert "status=unacknowledged" in page.url and "vue=carte" in page.url
    cluster = page.locator("#list-map .marker-cluster")
    cluster.first.wait_for()
    assert cluster.first.inner_text() == "3"  # the three road fiches; the City's lamp is not there
    assert_accessible(page, "queue-map")
