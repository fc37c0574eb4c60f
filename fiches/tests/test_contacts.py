"""Callers whose stored contact no longer validates (legacy data) never block a call."""

from __future__ import annotations

import random

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from correspondence.models import Channel, Message
from fiches.demo import _requesters
from fiches.models import Fiche, Requester
from fiches.tests.test_views import INTAKE

pytestmark = pytest.mark.django_db

LEGACY = "céline.lambert@example.org"


def test_demo_callers_have_ascii_e_mail_addresses():
    people = _requesters(random.Random(7), 400)
    emails = [p.email for p in people if p.email]
    assert emails and all(p.has_valid_email for p in people if p.email)
    assert any(e.startswith(("celine.", "helene.", "lea.", "chloe.", "ines.", "anais.")) for e in emails)


def known_caller() -> Requester:
    return Requester.objects.create(
        civility="Mme",
        last_name="Lambert",
        first_name="Céline",
        phone="04 91 00 00 00",
        email=LEGACY,
        address="3 rue Paradis",
        postal_code="13001",
        city="Marseille",
        preferred_channel="email",
    )


def as_picked(caller: Requester) -> dict[str, str]:
    """What the intake form holds once the agent picked the known caller."""
    return {
        **INTAKE,
        "requester_id": caller.pk,
        "civility": caller.civility,
        "last_name": caller.last_name,
        "first_name": caller.first_name,
        "phone": caller.phone,
        "email": caller.email,
        "address": caller.address,
        "requester_postal_code": caller.postal_code,
        "city": caller.city,
        "preferred_channel": caller.preferred_channel,
    }


def test_a_known_caller_with_an_invalid_stored_e_mail_can_be_used(client, users, catalogue_types, committed):
    caller = known_caller()
    client.force_login(users["agent"])
    picked = client.get(reverse("fiches:intake_caller", args=[caller.pk])).content.decode()
    assert 'id="invalid-email"' in picked and "n'est pas valide" in picked
    with committed():
        response = client.post(reverse("fiches:intake"), as_picked(caller))
    fiche = Fiche.objects.get()
    assert response.status_code == 302 and fiche.requester == caller
    warning = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(warning) == 1 and LEGACY in warning[0] and "aucun e-mail" in warning[0]
    caller.refresh_from_db()
    assert caller.email == LEGACY  # kept as it was, for the agent to correct
    assert Message.objects.get(fiche=fiche).channel == Channel.LETTER  # never e-mailed


def test_the_agent_can_correct_the_invalid_stored_e_mail(client, users, catalogue_types):
    caller = known_caller()
    client.force_login(users["agent"])
    response = client.post(
        reverse("fiches:intake"), {**as_picked(caller), "email": "celine.lambert@example.org"}
    )
    assert response.status_code == 302
    caller.refresh_from_db()
    assert caller.email == "celine.lambert@example.org" and caller.has_valid_email


def test_a_newly_typed_invalid_e_mail_is_refused_and_kept(client, users, catalogue_types):
    client.force_login(users["agent"])
    for data in ({**INTAKE, "email": LEGACY}, {**as_picked(known_caller()), "email": "lambert@@example"}):
        response = client.post(reverse("fiches:intake"), data)
        assert response.status_code == 200 and not Fiche.objects.exists()
        assert response.context["form"].errors["email"] == ["Saisissez une adresse de courriel valide."]
        assert f'value="{data["email"]}"' in response.content.decode()
