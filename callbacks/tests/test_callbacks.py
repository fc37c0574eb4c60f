"""The callback queue: a notice for a citizen who wants a phone reply is a callback, due,
retried, closed; counted on the supervisor's board; only the call centre works it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from callbacks.models import Callback, Outcome
from callbacks.selectors import counts
from correspondence.models import Message
from fiches.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone_fiche(make_fiche, requester_factory, committed, settings):
    settings.CALLBACK_DUE_HOURS = 4

    def make(code="VOI-NID"):
        with committed():
            return make_fiche(code, requester=requester_factory("phone", email=""))

    return make


def test_a_phone_reply_opens_a_callback_due_after_the_notice(phone_fiche):
    fiche = phone_fiche()
    callback = Callback.objects.get(fiche=fiche)
    assert callback.outcome == Outcome.PENDING and callback.attempts == 0
    assert callback.message.channel == "phone" and callback.message.moment == "acknowledgement"
    assert callback.due_at == callback.message.created_at + timedelta(hours=4)


def test_other_channels_open_no_callback(make_fiche, requester_factory, committed):
    with committed():
        make_fiche(requester=requester_factory("email"))
    assert Message.objects.exists() and not Callback.objects.exists()


def test_the_queue_lists_pending_callbacks_soonest_first(client, users, phone_fiche):
    first, second = phone_fiche(), phone_fiche()
    Callback.objects.filter(fiche=first).update(due_at=timezone.now() - timedelta(hours=1))
    client.force_login(users["agent"])
    page = client.get(reverse("callbacks:queue")).content.decode()
    assert page.index(first.reference) < page.index(second.reference)
    assert "en retard" in page and "2 rappels" in page


def test_no_answer_retries_later_then_gives_up(client, users, phone_fiche, settings):
    settings.CALLBACK_MAX_ATTEMPTS = 2
    settings.CALLBACK_RETRY_HOURS = 2
    fiche = phone_fiche()
    callback = Callback.objects.get(fiche=fiche)
    client.force_login(users["agent"])
    url = reverse("callbacks:attempt", args=[callback.pk])
    assert client.post(url, {"result": "no_answer", "note": "messagerie"}).status_code == 302
    callback.refresh_from_db()
    assert callback.outcome == Outcome.PENDING and callback.attempts == 1
    assert callback.due_at > timezone.now() + timedelta(hours=1, minutes=59)
    note = Event.objects.filter(fiche=fiche, kind=Event.Kind.NOTE).get()
    assert not note.public and "tentative 1" in note.comment and "messagerie" in note.comment
    client.post(url, {"result": "no_answer"})
    callback.refresh_from_db()
    assert callback.outcome == Outcome.UNREACHABLE and callback.attempts == 2
    assert callback.message.state == Message.State.FAILED
    client.post(url, {"result": "reached"})  # over: nothing changes
    callback.refresh_from_db()
    assert callback.attempts == 2


def test_reaching_the_citizen_closes_the_callback_and_its_notice(client, users, phone_fiche):
    callback = Callback.objects.get(fiche=phone_fiche())
    client.force_login(users["agent"])
    client.post(reverse("callbacks:attempt", args=[callback.pk]), {"result": "reached"})
    callback.refresh_from_db()
    assert callback.outcome == Outcome.REACHED and callback.message.state == Message.State.SENT
    row = f'id="callback-{callback.pk}"'
    assert row not in client.get(reverse("callbacks:queue")).content.decode()
    done = client.get(reverse("callbacks:queue"), {"outcome": "reached"}).content.decode()
    assert row in done and "Usager joint" in done


def test_the_supervisor_board_counts_callbacks(client, users, phone_fiche):
    late = phone_fiche()
    phone_fiche()
    Callback.objects.filter(fiche=late).update(due_at=timezone.now() - timedelta(minutes=5))
    assert counts(users["superviseur"]) == {"pending": 2, "overdue": 1}
    client.force_login(users["superviseur"])
    page = client.get(reverse("followup:board")).content.decode()
    assert 'id="board-callbacks"' in page and "rappels à faire" in page and "1 en retard" in page


@pytest.mark.parametrize("username", ["cellule-voirie", "cellule-eclairage", "direction-voirie", "comite"])
def test_only_the_call_centre_works_the_queue(client, users, phone_fiche, username):
    callback = Callback.objects.get(fiche=phone_fiche())
    client.force_login(users[username])
    assert client.get(reverse("callbacks:queue")).status_code == 403
    assert (
        client.post(reverse("callbacks:attempt", args=[callback.pk]), {"result": "reached"}).status_code
        == 403
    )
    callback.refresh_from_db()
    assert callback.attempts == 0
    assert counts(users["cellule-eclairage"])["pending"] == 0  # a City cell never counts Métropole fiches


def test_the_queue_page_has_a_constant_query_count(client, users, phone_fiche, django_assert_max_num_queries):
    for _ in range(3):
        phone_fiche()
    client.force_login(users["agent"])
    client.get(reverse("callbacks:queue"))
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("callbacks:queue"))
    for _ in range(5):
        phone_fiche()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("callbacks:queue"))


def test_the_queue_pages_by_due_date(client, users, phone_fiche, monkeypatch):
    from callbacks import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    fiches = [phone_fiche() for _ in range(3)]
    client.force_login(users["agent"])
    response = client.get(reverse("callbacks:queue"))
    assert fiches[2].reference not in response.content.decode()
    second = client.get(reverse("callbacks:queue") + response.context["next_url"]).content.decode()
    assert fiches[2].reference in second and fiches[0].reference not in second
