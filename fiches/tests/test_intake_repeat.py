"""Intake is idempotent: the same form sent twice (in a row or at once) makes one fiche."""

from __future__ import annotations

import re
import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse

from core.testing import run_at_once
from correspondence.models import Message
from fiches.models import Event, Fiche, Requester
from fiches.tests.test_views import INTAKE

pytestmark = pytest.mark.django_db


def shown_token(client) -> str:
    page = client.get(reverse("fiches:intake")).content.decode()
    return re.search(r'name="submission_token"[^>]* value="([0-9a-f]{32})"', page)[1]


def test_the_same_form_sent_twice_in_a_row_makes_one_fiche(client, users, catalogue_types, committed):
    client.force_login(users["agent"])
    data = {**INTAKE, "email": "alice.durand@example.org", "submission_token": shown_token(client)}
    with committed():
        first = client.post(reverse("fiches:intake"), data)
    with committed():
        again = client.post(reverse("fiches:intake"), data)
    fiche = Fiche.objects.get()
    created = reverse("fiches:created", args=[fiche.reference])
    assert first.url == again.url == created
    repeat = f"Cet appel est déjà enregistré dans la fiche {fiche.reference}\u202f: il n'a pas été enregistré"
    assert [str(m) for m in get_messages(again.wsgi_request)] == [f"{repeat} deux fois."]
    assert Requester.objects.count() == 1
    assert Event.objects.filter(kind=Event.Kind.CREATED).count() == 1
    assert Message.objects.filter(fiche=fiche).count() == 1
    assert shown_token(client) != data["submission_token"]  # the next call gets a new form


def test_a_corrected_form_keeps_its_token(client, users, catalogue_types):
    client.force_login(users["agent"])
    token = shown_token(client)
    wrong = client.post(
        reverse("fiches:intake"), {**INTAKE, "postal_code": "75001", "submission_token": token}
    )
    assert f'value="{token}"' in wrong.content.decode()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_twice_at_once_makes_one_fiche(users, catalogue_types):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is exercised on PostgreSQL")
    data = {**INTAKE, "email": "alice.durand@example.org", "submission_token": "a" * 32}
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(users["agent"])
    answers = run_at_once(*(lambda c=c: c.post(reverse("fiches:intake"), data) for c in clients))
    fiche = Fiche.objects.get()
    assert [a.status_code for a in answers] == [302, 302]
    assert {a.url for a in answers} == {reverse("fiches:created", args=[fiche.reference])}
    assert Requester.objects.count() == 1
    assert Message.objects.filter(fiche=fiche).count() == 1
    assert fiche.reference.endswith("-000001")  # the loser's number was rolled back: no gap


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_repeat_that_missed_the_first_fiche_finds_it_after_the_unique_conflict(users, catalogue_types):
    """The second request checked before the first committed: the unique token catches it."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    from django.db import connections, transaction

    from catalogue.services import current_version
    from fiches.services import AlreadySubmitted, FicheInput, create_fiche

    data = FicheInput(
        request_type=current_version("HYG-ANIMAL"),
        channel="phone",
        street_name="rue X",
        submission_token="b" * 32,
    )
    first_saved, may_commit, outcome = threading.Event(), threading.Event(), {}

    def first() -> None:
        try:
            with transaction.atomic():
                outcome["first"] = create_fiche(data, users["agent"])
                first_saved.set()
                may_commit.wait()
        except Exception as exc:  # noqa: BLE001 - reported below
            outcome["error"] = exc
        finally:
            connections.close_all()

    def second() -> None:
        try:
            create_fiche(data, users["agent"])  # blocks on the reference counter the first holds
        except AlreadySubmitted as repeat:
            outcome["second"] = repeat.fiche
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert first_saved.wait(60), outcome
    threads[1].start()
    with connection.cursor() as cursor:
        blocked = 0
        while (
            not blocked and threads[1].is_alive()
        ):  # until the second request is waiting for the first's lock
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            blocked = cursor.fetchone()[0]
    may_commit.set()
    for t in threads:
        t.join()
    assert outcome["second"].pk == outcome["first"].pk
    assert Fiche.objects.count() == 1
