"""The knowledge base: supervisors write answers; agents find them at intake like types,
the answer used is recorded on the fiche and can be sent by e-mail or SMS; supervisors see
usage and the searches that found nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalogue.models import RequestType
from correspondence.models import Message
from fiches.models import Fiche, Status
from fiches.tests.test_views import INTAKE
from knowledge.models import Answer, MissedSearch, Use
from knowledge.selectors import search_answers, usage
from knowledge.services import record_missed, save_answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def answers(users, catalogue_types):
    boss = users["superviseur"]
    etat_civil = RequestType.objects.filter(code="INF-ETATCIVIL")
    today = timezone.localdate()

    def make(title, text="Réponse.", keywords="", types=(), **dates):
        return save_answer(
            None, {"title": title, "text": text, "keywords": keywords, **dates}, list(types), boss
        )

    return {
        "passport": make(
            "Passeport : prendre rendez-vous",
            "Prenez rendez-vous en mairie de secteur ou sur le site de la Ville.",
            "carte identité CNI",
            etat_civil,
        ),
        "birth": make(
            "Acte de naissance", "Demandez-le en ligne sur service-public.fr.", "extrait état civil"
        ),
        "old": make(
            "Élections 2020", "Bureaux ouverts de 8 h à 18 h.", "vote", valid_until=today - timedelta(days=1)
        ),
        "later": make(
            "Fête de la musique", "Programme en juin.", "concert", valid_from=today + timedelta(days=5)
        ),
    }


def test_search_is_accent_and_case_insensitive_on_every_word(answers):
    assert search_answers("PASSEPORT") == [answers["passport"]]
    assert search_answers("carte identite") == [answers["passport"]]
    assert search_answers("état civil") == [answers["birth"], answers["passport"]]  # its type INF-ETATCIVIL
    assert search_answers("naiss acte") == [answers["birth"]]
    assert search_answers("passeport naissance") == []


def test_answers_out_of_their_validity_are_not_found(answers):
    assert search_answers("elections") == [] and search_answers("musique") == []
    assert search_answers("musique", day=timezone.localdate() + timedelta(days=6)) == [answers["later"]]


def test_answers_for_the_chosen_type_come_first_and_show_without_words(answers):
    assert search_answers("", "INF-ETATCIVIL") == [answers["passport"]]
    both = search_answers("civil", "INF-ETATCIVIL")
    assert both == [answers["passport"], answers["birth"]]  # type code is indexed too
    assert search_answers("civil") == [answers["birth"], answers["passport"]]  # title-word prefix first


def test_validity_dates_must_be_in_order(client, users):
    client.force_login(users["superviseur"])
    response = client.post(
        reverse("knowledge:new"),
        {
            "title": "Piscines",
            "text": "Horaires d'été.",
            "valid_from": "2026-09-01",
            "valid_until": "2026-06-01",
        },
    )
    assert response.status_code == 200 and not Answer.objects.exists()
    assert "Piscines" in response.content.decode()


def test_a_supervisor_writes_an_answer(client, users, catalogue_types):
    client.force_login(users["superviseur"])
    response = client.post(
        reverse("knowledge:new"),
        {
            "title": "Encombrants",
            "text": "Le ramassage se prend au 3013.",
            "keywords": "meubles matelas",
            "valid_from": "2026-01-01",
            "types": ["PRO-DEPOT"],
        },
    )
    assert response.status_code == 302
    answer = Answer.objects.get()
    assert answer.valid_from == date(2026, 1, 1) and [t.code for t in answer.request_types.all()] == [
        "PRO-DEPOT"
    ]
    assert search_answers("matelas", day=date(2026, 3, 1)) == [answer]


@pytest.mark.parametrize("username", ["agent", "cellule-voirie", "direction-voirie", "comite"])
def test_only_call_centre_supervisors_write_answers(client, users, username):
    client.force_login(users[username])
    assert client.get(reverse("knowledge:list")).status_code == 403
    assert client.post(reverse("knowledge:new"), {"title": "x", "text": "y"}).status_code == 403
    assert not Answer.objects.exists()


def test_cells_cannot_search_or_send(client, users, answers, make_fiche):
    fiche = make_fiche("VOI-NID")
    client.force_login(users["cellule-voirie"])
    assert client.get(reverse("knowledge:search"), {"knowledge_query": "passeport"}).status_code == 403
    assert client.get(reverse("knowledge:use", args=[answers["passport"].pk])).status_code == 403
    assert (
        client.post(reverse("knowledge:send", args=[fiche.reference]), {"channel": "email"}).status_code
        == 403
    )


def test_intake_search_lists_answers_and_use_fills_the_answer(client, users, answers):
    client.force_login(users["agent"])
    page = client.get(reverse("knowledge:search"), {"knowledge_query": "passeport"}).content.decode()
    assert "Passeport : prendre rendez-vous" in page and f'id="use-answer-{answers["passport"].pk}"' in page
    chosen = client.get(reverse("knowledge:use", args=[answers["passport"].pk])).content.decode()
    assert 'name="knowledge_answer"' in chosen and "Prenez rendez-vous en mairie" in chosen
    assert 'id="id_outcome"' in chosen
    assert client.get(reverse("knowledge:use", args=[answers["old"].pk])).status_code == 404


INFO_CALL = {
    **INTAKE,
    "request_type": "INF-ETATCIVIL",
    "type_query": "etat civil",
    "street_number": "",
    "street_name": "",
    "postal_code": "",
    "description": "",
}


def test_the_answer_used_is_recorded_on_the_fiche_and_closes_it(client, users, answers, committed):
    client.force_login(users["agent"])
    passport = answers["passport"]
    with committed():
        response = client.post(
            reverse("fiches:intake"),
            {
                **INFO_CALL,
                "knowledge_query": "passeport",
                "knowledge_answer": passport.pk,
                "outcome": passport.text,
            },
        )
    assert response.status_code == 302
    fiche = Fiche.objects.get()
    assert fiche.status == Status.CLOSED and fiche.outcome == passport.text
    use = Use.objects.get()
    assert use.fiche == fiche and use.answer == passport and use.used_by == users["agent"]
    assert not MissedSearch.objects.exists()
    detail = client.get(reverse("fiches:detail", args=[fiche.reference])).content.decode()
    assert "Passeport : prendre rendez-vous" in detail and "Envoyer par SMS" in detail
    assert usage()[0] == passport and usage()[0].use_count == 1


def test_the_answer_can_be_sent_by_e_mail_or_sms(client, users, answers, committed, mailoutbox):
    client.force_login(users["agent"])
    passport = answers["passport"]
    with committed():
        client.post(
            reverse("fiches:intake"),
            {
                **INFO_CALL,
                "preferred_channel": "phone",
                "knowledge_answer": passport.pk,
                "outcome": passport.text,
            },
        )
    fiche = Fiche.objects.get()
    use = Use.objects.get()
    assert not mailoutbox  # a phone reply: the answer was told on the call
    with committed():
        response = client.post(
            reverse("knowledge:send", args=[fiche.reference]), {"use": use.pk, "channel": "email"}
        )
    assert response.status_code == 302
    sent = Message.objects.get(fiche=fiche, channel="email")
    assert sent.moment == "answer" and passport.text in sent.text
    use.refresh_from_db()
    assert use.sent_by == "email" and use.sent_at is not None
    with committed():
        client.post(reverse("knowledge:send", args=[fiche.reference]), {"use": use.pk, "channel": "sms"})
    assert Message.objects.filter(fiche=fiche, channel="sms").exists()


def test_sending_to_an_unreachable_channel_prepares_nothing(client, users, answers, committed):
    client.force_login(users["agent"])
    passport = answers["passport"]
    with committed():
        client.post(
            reverse("fiches:intake"),
            {
                **INFO_CALL,
                "phone": "04 91 00 00 00",
                "knowledge_answer": passport.pk,
                "outcome": passport.text,
            },
        )
    fiche, use = Fiche.objects.get(), Use.objects.get()
    before = Message.objects.count()
    client.post(reverse("knowledge:send", args=[fiche.reference]), {"use": use.pk, "channel": "sms"})
    assert Message.objects.count() == before


def test_searches_that_found_nothing_are_counted_for_the_supervisor(client, users, answers):
    client.force_login(users["agent"])
    for query in ("Stationnement résidentiel", "stationnement  RESIDENTIEL"):
        response = client.post(
            reverse("fiches:intake"),
            {**INFO_CALL, "knowledge_query": query, "outcome": "Voir la Métropole."},
        )
        assert response.status_code == 302
    client.post(reverse("fiches:intake"), {**INFO_CALL, "knowledge_query": "passeport", "outcome": "RDV."})
    missed = MissedSearch.objects.get()
    assert missed.query == "stationnement residentiel" and missed.count == 2
    client.force_login(users["superviseur"])
    page = client.get(reverse("knowledge:list")).content.decode()
    assert "stationnement residentiel" in page and "Passeport" in page


def test_record_missed_ignores_one_letter():
    record_missed("a")
    assert not MissedSearch.objects.exists()
