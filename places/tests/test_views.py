"""The address helpers behind intake: type-ahead options, nearest address, the verified flag."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from fiches.models import Fiche
from places.models import Address
from places.tests.test_places import FIXTURE


@pytest.fixture
def reference(db):
    call_command("import_addresses", str(FIXTURE), stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture
def as_user(client, users, catalogue_types, reference):
    def login(username):
        client.force_login(users[username])
        return client

    return login


def test_type_ahead_options_fill_the_address_fields(as_user):
    response = as_user("agent").get(reverse("places:search"), {"address_query": "14 bd longchamp"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('role="option"') == 2
    assert 'data-street="Boulevard Longchamp"' in page and 'data-postal-code="13001"' in page
    assert 'data-lat="43.30158" data-lon="5.38708"' in page
    assert "2 adresses trouvées" in page


def test_nearest_address_to_a_point(as_user):
    client = as_user("agent")
    page = client.get(reverse("places:reverse"), {"lat": "43.30160", "lon": "5.38709"}).content.decode()
    assert "14 Boulevard Longchamp, 13001 Marseille" in page
    page = client.get(reverse("places:reverse"), {"lat": "43.40", "lon": "5.20"}).content.decode()
    assert "Aucune adresse connue" in page


@pytest.mark.parametrize("username", ["comite", "finances"])
def test_roles_without_fiches_cannot_use_the_helpers(as_user, username):
    assert as_user(username).get(reverse("places:search"), {"address_query": "longchamp"}).status_code == 403


def test_anonymous_is_sent_to_log_in(client, reference):
    response = client.get(reverse("places:search"), {"address_query": "longchamp"})
    assert response.status_code == 302 and "/connexion/" in response.url


INTAKE = {
    "channel": "phone",
    "anonymous": "on",
    "preferred_channel": "phone",
    "request_type": "PRO-DEPOT",
    "type_query": "depot",
    "street_number": "14",
    "street_name": "Boulevard Longchamp",
    "postal_code": "13001",
    "latitude": "43.30158",
    "longitude": "5.38708",
    "description": "Trou",
}


def test_a_picked_address_is_verified_a_retyped_one_is_not(as_user):
    client = as_user("agent")
    picked = Address.objects.get(street__name="Boulevard Longchamp", number=14, repetition="")
    client.post(reverse("fiches:intake"), {**INTAKE, "address_id": picked.pk})
    client.post(reverse("fiches:intake"), {**INTAKE, "address_id": picked.pk, "street_number": "16"})
    client.post(reverse("fiches:intake"), INTAKE)
    verified = Fiche.objects.order_by("pk").values_list("address_verified", flat=True)
    assert list(verified) == [True, False, False]
