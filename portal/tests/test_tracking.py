import pytest
from django.core import mail

from fiches.services import add_note, transition
from portal import links
from portal.models import SurveyAnswer
from portal.services import AlreadyAnswered, record_answer

pytestmark = [pytest.mark.django_db, pytest.mark.uses_cache]  # counters in the shared cache

SECRET = "NOTE-INTERNE-CONFIDENTIELLE"


def post(client, reference, contact, ip="10.0.0.1"):
    return client.post("/suivre/", {"reference": reference, "contact": contact}, REMOTE_ADDR=ip)


def test_track_by_email_or_phone_shows_public_timeline_only(client, make_fiche, users, committed):
    with committed():
        fiche = make_fiche("VOI-NID")
        add_note(fiche, users["cellule-voirie"], SECRET, public=False)
        add_note(fiche, users["cellule-voirie"], "Équipe prévue mardi.", public=True)
        transition(fiche, "acknowledge", users["cellule-voirie"])
        transition(fiche, "wait", users["cellule-voirie"], comment=SECRET, public=False)
    response = post(client, fiche.reference.lower().replace("-", " "), "ALICE.durand@example.org")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert fiche.reference in page and "Équipe prévue mardi." in page
    assert SECRET not in page
    for private in ("Durand", "DURAND", "06 12", "alice.durand", "Benali", "Roux", "Julien"):
        assert private not in page
    response = post(client, fiche.reference, "+33 6 12 34 56 78")
    assert response.status_code == 302


def test_wrong_reference_and_wrong_contact_get_identical_answer(client, make_fiche):
    fiche = make_fiche("VOI-NID")
    wrong_contact = post(client, fiche.reference, "someone@example.org", ip="10.0.0.2")
    wrong_reference = post(client, "AM-2026-999999", "alice.durand@example.org", ip="10.0.0.3")
    assert wrong_contact.status_code == wrong_reference.status_code == 200

    def strip(html: str) -> str:
        import re

        return (
            re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
            .replace(fiche.reference, "X")
            .replace("AM-2026-999999", "X")
            .replace("someone@example.org", "Y")
            .replace("alice.durand@example.org", "Y")
        )

    assert strip(wrong_contact.content.decode()) == strip(wrong_reference.content.decode())


def test_many_honest_citizens_behind_one_address_are_never_refused(client, make_fiche, settings):
    fiches = [make_fiche("VOI-NID") for _ in range(4)]
    typos = settings.PORTAL_RATE_FAILURES_PER_IP - 1
    for n in range(100):
        if n < typos:  # a citizen behind the same carrier address mistypes first
            assert post(client, fiches[n % 4].reference, f"alice{n}@exemple.org").status_code == 200
        response = post(client, fiches[n % 4].reference, "alice.durand@example.org")
        assert response.status_code == 302, n


def test_scan_of_references_from_one_address_is_stopped(client, make_fiche, settings):
    fiche = make_fiche("VOI-NID")
    for n in range(settings.PORTAL_RATE_FAILURES_PER_IP):
        assert post(client, f"AM-2026-{n + 500:06d}", "x@example.org", ip="10.2.0.1").status_code == 200
    stopped = post(client, fiche.reference, "alice.durand@example.org", ip="10.2.0.1")
    assert stopped.status_code == 429 and "Trop de tentatives" in stopped.content.decode()
    assert post(client, fiche.reference, "alice.durand@example.org", ip="10.2.0.2").status_code == 302


def test_strangers_cannot_lock_a_citizen_out(client, make_fiche, settings):
    fiche = make_fiche("VOI-NID")
    for n in range(3 * settings.PORTAL_RATE_FAILURES_PER_PAIR):
        assert post(client, fiche.reference, f"guess{n}@example.org", ip=f"10.1.0.{n}").status_code == 200
    assert post(client, fiche.reference, "Alice.Durand@example.org", ip="10.1.1.1").status_code == 302
    assert post(client, fiche.reference, "06 12 34 56 78", ip="10.1.1.1").status_code == 302


def test_one_guess_replayed_from_many_addresses_is_stopped(client, make_fiche, settings):
    fiche = make_fiche("VOI-NID")
    for n in range(settings.PORTAL_RATE_FAILURES_PER_PAIR):
        assert post(client, fiche.reference, "06 99 99 99 99", ip=f"10.3.0.{n}").status_code == 200
    assert post(client, fiche.reference, "+33 6 99 99 99 99", ip="10.3.1.1").status_code == 429
    assert post(client, fiche.reference, "06 12 34 56 78", ip="10.3.1.1").status_code == 302


def test_csrf_required(make_fiche):
    from django.test import Client

    fiche = make_fiche("VOI-NID")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/suivre/", {"reference": fiche.reference, "contact": "alice.durand@example.org"})
    assert response.status_code == 403


def test_signed_link_from_email_opens_status(client, make_fiche, committed):
    with committed():
        make_fiche("ECL-LAMP")
    link = next(line for line in mail.outbox[0].body.splitlines() if "/suivre/t/" in line).split(": ", 1)[1]
    path = link.removeprefix("https://allo.example.org")
    assert client.get(path).status_code == 200
    assert client.get(path[:-5] + "abcd/").status_code == 404


def test_survey_one_answer_per_fiche(client, make_fiche, users, committed):
    with committed():
        fiche = make_fiche("ECL-LAMP")
    url = f"/suivre/avis/{links.survey_token(fiche.pk)}/"
    assert (
        "once it is dealt with" in client.get(url).content.decode()
        or "traitée" in client.get(url).content.decode()
    )
    with committed():
        transition(fiche, "resolve", users["cellule-eclairage"], outcome="Réparé.")
    assert client.get(url).status_code == 200
    response = client.post(url, {"score": "4", "comment": "Rapide."})
    assert response.status_code == 200
    assert SurveyAnswer.objects.get(fiche=fiche).score == 4
    again = client.post(url, {"score": "1"})
    assert again.status_code == 200
    assert SurveyAnswer.objects.count() == 1 and SurveyAnswer.objects.get().score == 4
    with pytest.raises(AlreadyAnswered):
        record_answer(fiche, 2)


def test_satisfaction_page_for_supervisors(
    client, make_fiche, users, committed, django_assert_max_num_queries
):
    with committed():
        a = make_fiche("ECL-LAMP")
        b = make_fiche("VOI-NID")
        transition(a, "resolve", users["cellule-eclairage"], outcome="ok")
        transition(b, "resolve", users["cellule-voirie"], outcome="ok")
    record_answer(a, 5)
    record_answer(b, 2)
    client.force_login(users["superviseur"])
    with django_assert_max_num_queries(10):
        page = client.get("/suivre/satisfaction/")
    html = page.content.decode()
    assert page.status_code == 200 and "ECL-LAMP" in html and "Direction de la Voirie" in html
    assert "5,00" in html or "5.00" in html
    client.force_login(users["agent"])
    assert client.get("/suivre/satisfaction/").status_code == 403


def test_satisfaction_counts_the_last_twelve_months_unless_told(client, make_fiche, users, committed):
    from datetime import timedelta

    from django.utils import timezone

    with committed():
        a = make_fiche("ECL-LAMP")
        b = make_fiche("ECL-LAMP")
        for fiche in (a, b):
            transition(fiche, "resolve", users["cellule-eclairage"], outcome="ok")
    record_answer(a, 5)
    record_answer(b, 1)
    old = timezone.now() - timedelta(days=400)
    SurveyAnswer.objects.filter(fiche=b).update(answered_at=old)
    client.force_login(users["superviseur"])
    rows = client.get("/suivre/satisfaction/").context["tables"][0][2]
    assert [(r.answers, r.average) for r in rows] == [(1, 5.0)]
    since = (old - timedelta(days=1)).date().isoformat()
    rows = client.get("/suivre/satisfaction/", {"since": since}).context["tables"][0][2]
    assert [(r.answers, r.average) for r in rows] == [(2, 3.0)]


def test_satisfaction_refuses_a_period_upside_down_and_keeps_it(client, users):
    client.force_login(users["superviseur"])
    response = client.get("/suivre/satisfaction/", {"since": "2026-06-01", "until": "2026-01-01"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "La période commence après sa fin." in html and 'value="2026-06-01"' in html
    assert client.get("/suivre/satisfaction/", {"since": "9999-12-31"}).status_code == 400
