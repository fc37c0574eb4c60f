"""The preferred reply channel must reach the caller; French numbers are normalised."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fiches.contacts import is_french_mobile, normalise_phone, postal_address_complete
from fiches.models import Fiche, Requester
from fiches.tests.test_views import INTAKE


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0612345678", "06 12 34 56 78"),
        ("06.12.34.56.78", "06 12 34 56 78"),
        ("+33 6 12 34 56 78", "06 12 34 56 78"),
        ("+33 (0)6 12 34 56 78", "06 12 34 56 78"),
        ("0033 7 12 34 56 78", "07 12 34 56 78"),
        ("04-91-55-11-11", "04 91 55 11 11"),
        ("+44 20 7946 0958", "+442079460958"),
        ("", ""),
        ("12345", None),
        ("06 12 34 56", None),
        ("+33 6 12", None),
        ("abc", None),
    ],
)
def test_phone_numbers_are_normalised(typed, stored):
    assert normalise_phone(typed) == stored


def test_only_french_mobiles_take_sms():
    assert is_french_mobile("+33 7 00 00 00 00") and is_french_mobile("06 12 34 56 78")
    assert not is_french_mobile("04 91 00 00 00")
    assert not is_french_mobile("+44 7700 900123")
    assert not is_french_mobile("")


def test_a_postal_address_is_complete_with_street_postcode_and_town():
    assert postal_address_complete("12 rue Paradis", "13001", "Marseille")
    assert not postal_address_complete("", "13001", "Marseille")
    assert not postal_address_complete("12 rue Paradis", "1300", "Marseille")
    assert not postal_address_complete("12 rue Paradis", "13001", " ")


CALLER = {**INTAKE, "email": "", "phone": "", "address": "", "requester_postal_code": "", "city": ""}


def post(client, users, **fields):
    client.force_login(users["agent"])
    return client.post(reverse("fiches:intake"), {**CALLER, **fields})


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"preferred_channel": "email"}, "email", "adresse e-mail"),
        ({"preferred_channel": "sms"}, "phone", "mobile"),
        ({"preferred_channel": "sms", "phone": "04 91 00 00 00"}, "phone", "mobile"),
        ({"preferred_channel": "phone"}, "phone", "numéro de téléphone"),
        ({"preferred_channel": "letter", "address": "3 rue Paradis"}, "address", "adresse postale"),
        (
            {"preferred_channel": "letter", "requester_postal_code": "13001", "city": "Marseille"},
            "address",
            "adresse postale",
        ),
        ({"preferred_channel": "email", "phone": "12 34"}, "phone", "10 chiffres"),
    ],
)
def test_an_unreachable_reply_channel_is_refused_and_what_was_typed_kept(
    client, users, catalogue_types, fields, field, message
):
    response = post(client, users, **fields)
    assert response.status_code == 200 and not Fiche.objects.exists()
    form = response.context["form"]
    assert field in form.errors and message in " ".join(form.errors[field])
    page = response.content.decode()
    assert "Un trou profond" in page
    for value in fields.values():
        assert value in page


@pytest.mark.parametrize(
    "fields",
    [
        {"preferred_channel": "email", "email": "alice@example.org"},
        {"preferred_channel": "sms", "phone": "+33 6 12 34 56 78"},
        {"preferred_channel": "phone", "phone": "04 91 00 00 00"},
        {
            "preferred_channel": "letter",
            "address": "3 rue Paradis",
            "requester_postal_code": "13001",
            "city": "Marseille",
        },
    ],
)
def test_a_reachable_reply_channel_saves_the_call(client, users, catalogue_types, fields):
    response = post(client, users, **fields)
    assert response.status_code == 302, response.context["form"].errors
    assert Fiche.objects.get().requester.preferred_channel == fields["preferred_channel"]


def test_the_phone_is_stored_normalised(client, users, catalogue_types):
    post(client, users, preferred_channel="sms", phone="+33 (0)6.12.34.56.78")
    requester = Requester.objects.get()
    assert requester.phone == "06 12 34 56 78" and requester.phone_digits == "0612345678"


def test_an_anonymous_request_needs_no_reply_channel(client, users, catalogue_types):
    response = post(
        client, users, anonymous="on", last_name="", preferred_channel="sms", request_type="PRO-DEPOT"
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Fiche.objects.get().requester is None
