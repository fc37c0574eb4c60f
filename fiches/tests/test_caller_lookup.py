"""Finding a caller: any word order, exact names first, enough to tell homonyms apart."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fiches.models import Requester
from fiches.selectors import find_requesters

pytestmark = pytest.mark.django_db


def person(last: str, first: str, **fields) -> Requester:
    return Requester.objects.create(last_name=last, first_name=first, **fields)


@pytest.mark.parametrize(
    "query", ["Sylvie Nicolas", "nicolas sylvie", "NICOLAS", "sylv", "Nicolas Sylvie", "sylvie nico"]
)
def test_the_caller_is_found_in_any_word_order(query):
    sylvie = person("Nicolas", "Sylvie")
    person("Martin", "Paul")
    assert find_requesters(query) == [sylvie]


def test_accents_do_not_matter():
    helene = person("Lefèvre", "Hélène")
    assert find_requesters("helene lefevre") == [helene]


def test_exact_names_come_first_then_whole_words_then_prefixes():
    exact = person("Nicolas", "Sylvie")
    words = person("Nicolas", "Sylvie Anne")
    prefix = person("Nicolasson", "Sylviane")  # the newest, yet last
    assert find_requesters("sylvie nicolas") == [exact, words]
    assert find_requesters("nicolas") == [words, exact, prefix]
    assert find_requesters("Sylvie Anne Nicolas") == [words]


def test_homonyms_show_district_and_last_fiche(make_fiche):
    north = person("Nicolas", "Sylvie", postal_code="13015", city="Marseille")
    south = person("Nicolas", "Sylvie", postal_code="13008", city="Marseille")
    older = make_fiche(requester=north)
    newer = make_fiche(requester=north)
    found = {p.pk: p for p in find_requesters("Sylvie Nicolas")}
    assert found[north.pk].district == "15e" and found[south.pk].district == "8e"
    assert found[north.pk].fiche_count == 2 and found[north.pk].last_reference == newer.reference
    assert older.reference != newer.reference
    assert found[south.pk].last_reference is None


def test_the_caller_list_shows_district_and_last_fiche(client, users, make_fiche):
    north = person("Nicolas", "Sylvie", postal_code="13015", city="Marseille")
    fiche = make_fiche(requester=north)
    client.force_login(users["agent"])
    page = client.post(reverse("fiches:intake_callers"), {"caller_query": "Sylvie Nicolas"}).content.decode()
    assert "NICOLAS" in page and "15e" in page and fiche.reference in page


def test_phone_look_up_still_works():
    sylvie = person("Nicolas", "Sylvie", phone="06 12 34 56 78")
    assert find_requesters("+33 6 12 34") == [sylvie]


def test_fiche_and_work_pages_show_the_questions_labels_not_their_keys(client, users, make_fiche):
    fiche = make_fiche("ECL-LAMP", answers={"lamp": "L-4521"})
    client.force_login(users["agent"])
    detail = client.get(reverse("fiches:detail", args=[fiche.reference])).content.decode()
    assert "Numéro du lampadaire" in detail and "L-4521" in detail
    assert ">lamp<" not in detail
    client.force_login(users["cellule-eclairage"])
    work = client.get(reverse("followup:work", args=[fiche.reference])).content.decode()
    assert "Numéro du lampadaire" in work and "L-4521" in work
