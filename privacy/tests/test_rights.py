"""The citizen's rights: the access file holds all and only their data; erasure is refused
while a fiche is open and then leaves no trace; rectification; only the call centre's
supervisors reach the pages, and each production is recorded."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from audit.models import AccessRecord
from fiches.models import Fiche, Requester
from privacy import rights
from privacy.models import AnonymisedFiche, RightsRequest
from privacy.tests.conftest import TRACES

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_people(live_fiche, person, requester_factory):
    """Her closed fiche; a fiche of Bernardini that she follows; Bernardini's own letters."""
    other = requester_factory("email", last_name="Bernardini", first_name="Luc", phone="07 11 22 33 44",
                              email="luc.bernardini@example.org", address="3 rue Sainte")  # fmt: skip
    hers = live_fiche(person)
    his = live_fiche(other, follower=person)
    return person, other, hers, his


def test_search_by_phone_email_or_name(person, requester_factory):
    requester_factory(last_name="Martin", phone="06 00 00 00 01", email="m@example.org")
    for query in (
        "06 98 76 54 32",
        "+33 6 98 76 54 32",
        "ZEPHYRINE.quintavalle@example.net",
        "quintav",
        "zéphyrine",
    ):
        assert list(rights.find_people(query)) == [person], query
    assert not rights.find_people("") and not rights.find_people("Dupont").exists()


def test_access_file_holds_all_and_only_her_data(two_people):
    person, other, hers, his = two_people
    data = rights.access_data([person.pk])
    text = json.dumps(data, ensure_ascii=False)

    assert data["people"][0]["last_name"] == "Quintavalle" and data["people"][0]["email"] == person.email
    by_ref = {f["reference"]: f for f in data["fiches"]}
    assert (
        by_ref[hers.reference]["role"] == "requester"
        and "Quintavalle" in by_ref[hers.reference]["description"]
    )
    assert by_ref[hers.reference]["survey"]["comment"] == f"Merci, {person.email}"
    assert any(person.phone in e["comment"] for e in by_ref[hers.reference]["timeline"])
    assert by_ref[hers.reference]["cell_messages"] and by_ref[hers.reference]["outcome"]
    assert by_ref[his.reference] == {**by_ref[his.reference], "role": "follower"}
    assert {m["fiche"] for m in data["messages"]} == {hers.reference, his.reference}  # letters to her
    assert all(m["recipient"].endswith("QUINTAVALLE") for m in data["messages"])
    for trace in ("07 11 22 33 44", "luc.bernardini", "3 rue Sainte"):
        assert trace not in text, trace  # nothing about the other caller
    # his name only in the copies of what she was sent (the cell's texts on his fiche)
    assert "Bernardini" not in json.dumps([data["people"], data["fiches"]], ensure_ascii=False)
    assert not any("BERNARDINI" in m["recipient"] for m in data["messages"])
    assert "Nadia" not in text and "Benali" not in text  # nor the staff's names


def test_supervisor_downloads_the_access_file_and_it_is_recorded(client, users, two_people):
    person, *_ = two_people
    client.force_login(users["superviseur"])
    url = reverse("privacy:access_file", args=["json"]) + f"?ids={person.pk}"
    response = client.get(url)
    assert response.status_code == 200 and json.loads(response.content)["people"][0]["phone"] == person.phone
    pdf = client.get(reverse("privacy:access_file", args=["pdf"]) + f"?ids={person.pk}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    logged = list(RightsRequest.objects.values_list("kind", "by__username", "requester_ids", "detail"))
    assert logged == [
        ("access", "superviseur", [person.pk], "pdf"),
        ("access", "superviseur", [person.pk], "json"),
    ]
    files = AccessRecord.objects.filter(
        kind="citizen_file", object_pk=str(person.pk), user=users["superviseur"]
    )
    assert files.count() == 2 and not files.filter(label__icontains="Quintavalle").exists()
    client.get(reverse("privacy:person") + f"?ids={person.pk}")
    assert AccessRecord.objects.filter(kind="caller", object_pk=str(person.pk)).count() == 1


@pytest.mark.parametrize(
    "username", ["agent", "cellule-voirie", "cellule-eclairage", "direction-voirie", "comite", "finances"]
)
def test_only_the_call_centres_supervisors_reach_the_pages(client, users, person, username):
    client.force_login(users[username])
    for url in (
        reverse("privacy:people") + "?q=Quintavalle",
        reverse("privacy:person") + f"?ids={person.pk}",
        reverse("privacy:access_file", args=["json"]) + f"?ids={person.pk}",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("privacy:erase"), {"ids": person.pk, "confirm": "on"}).status_code == 403
    assert Requester.objects.filter(pk=person.pk).exists() and not RightsRequest.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_but_read_the_notice(client, person, settings):
    assert client.get(reverse("privacy:people")).status_code == 302
    page = client.get(reverse("privacy:notice"))
    assert page.status_code == 200 and settings.PRIVACY_CONTACT in page.content.decode()
    assert [row[2] for row in page.context["rules"] if row[0] == "fiche"] == [12]


def test_erasure_is_refused_while_a_fiche_is_open(client, users, live_fiche, person):
    open_fiche = live_fiche(person, close=False)
    client.force_login(users["superviseur"])
    page = client.get(reverse("privacy:person") + f"?ids={person.pk}")
    assert open_fiche.reference in page.content.decode() and "encore en cours de traitement" in str(
        page.context["refusals"][0].reason
    )
    response = client.post(reverse("privacy:erase"), {"ids": person.pk, "confirm": "on"}, follow=True)
    assert open_fiche.reference in response.content.decode() and response.context["refusals"]
    assert (
        Requester.objects.filter(pk=person.pk).exists()
        and "Quintavalle" in Fiche.objects.get(pk=open_fiche.pk).description
    )
    assert RightsRequest.objects.get().kind == "refused"


def test_erasure_without_confirmation_keeps_the_page(client, users, person):
    client.force_login(users["superviseur"])
    response = client.post(reverse("privacy:erase"), {"ids": person.pk})
    assert response.status_code == 400 and Requester.objects.filter(pk=person.pk).exists()


def test_erasure_anonymises_her_fiches_and_leaves_the_others_data(client, users, two_people, committed):
    person, other, hers, his = two_people
    client.force_login(users["superviseur"])
    with committed():
        response = client.post(reverse("privacy:erase"), {"ids": person.pk, "confirm": "on"})
    assert response.status_code == 302
    assert not Requester.objects.filter(pk=person.pk).exists()
    assert AnonymisedFiche.objects.get(fiche=hers).reason == "erasure"
    his.refresh_from_db()
    assert his.requester_id == other.pk and "Bernardini" in his.description and not his.followers.exists()
    assert not AnonymisedFiche.objects.filter(fiche=his).exists()
    everything = json.dumps(rights.access_data([other.pk]), ensure_ascii=False) + str(
        list(Fiche.objects.values_list("description", "outcome"))
    )
    for trace in TRACES:
        assert trace not in everything


def test_rectification_corrects_and_keeps_what_was_typed_on_error(client, users, person):
    client.force_login(users["superviseur"])
    url = reverse("privacy:rectify")
    fields = {
        "person": person.pk,
        "civility": "Mme",
        "last_name": "Quintavalle-Roux",
        "first_name": "Zéphyrine",
        "phone": "06 98 76 54 32",
        "email": "z.qr@example.net",
        "address": "",
        "postal_code": "13005",
        "city": "Marseille",
        "preferred_channel": "email",
    }
    bad = client.post(url, {**fields, "email": "pas-une-adresse"})
    assert bad.status_code == 400 and "Quintavalle-Roux" in bad.content.decode()
    assert client.post(url, fields).status_code == 302
    person.refresh_from_db()
    assert (person.last_name, person.email, person.phone_digits) == (
        "Quintavalle-Roux",
        "z.qr@example.net",
        "0698765432",
    )
    assert RightsRequest.objects.get().kind == "rectification"


@pytest.mark.parametrize("count", [3, 60])
def test_the_search_page_costs_the_same_whatever_it_finds(
    client, users, requester_factory, django_assert_max_num_queries, count
):
    for i in range(count):
        requester_factory(last_name=f"Martin{i:02d}", phone=f"06 00 00 00 {i:02d}")
    client.force_login(users["superviseur"])
    with django_assert_max_num_queries(12):
        page = client.get(reverse("privacy:people") + "?q=martin")
    assert len(page.context["found"]) == min(count, 50)
