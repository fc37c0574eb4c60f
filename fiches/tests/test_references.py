"""References never collide (a counter behind the table catches up), widen past 999,999
fiches a year, and the intake save stays within its query budget."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.services import current_version
from fiches.demo import generate_fiches
from fiches.models import Event, Fiche, ReferenceCounter, Status
from fiches.services import (
    AlreadySubmitted,
    FicheInput,
    catch_up_counter,
    create_fiche,
    highest_number,
)
from fiches.tests.test_views import INTAKE
from worktime.calendar import PARIS

pytestmark = pytest.mark.django_db
TRANSACTION_CONTROL = {"BEGIN", "BEGIN IMMEDIATE", "COMMIT"}
MARCH = datetime(2026, 3, 2, 10, tzinfo=PARIS)


def plant(make_fiche, reference: str, **fields) -> Fiche:
    """A fiche whose reference was given behind the counter's back (import, restore)."""
    fiche = make_fiche(**fields)
    Fiche.objects.filter(pk=fiche.pk).update(reference=reference)
    return fiche


def test_intake_catches_up_when_a_fiche_is_ahead_of_the_counter(make_fiche):
    make_fiche(created_at=MARCH)
    plant(make_fiche, "AM-2026-000007", created_at=MARCH)  # takes AM-2026-000002, then renamed
    ReferenceCounter.objects.filter(year=2026).update(last=6)  # behind the planted fiche
    fiche = make_fiche(created_at=MARCH)
    assert fiche.reference == "AM-2026-000008"
    assert ReferenceCounter.objects.get(year=2026).last == 8
    assert list(fiche.events.values_list("kind", flat=True)) == ["created", "transition"]
    assert make_fiche(created_at=MARCH).reference == "AM-2026-000009"


def test_a_counter_far_behind_is_caught_up_in_one_retry(make_fiche):
    for _ in range(3):
        make_fiche(created_at=MARCH)
    ReferenceCounter.objects.filter(year=2026).update(last=0)  # a restored backup's counter
    assert make_fiche(created_at=MARCH).reference == "AM-2026-000004"


def test_a_resent_form_is_not_mistaken_for_a_reference_collision(make_fiche, users):
    first = make_fiche(created_at=MARCH, submission_token="t" * 32)
    ReferenceCounter.objects.filter(year=2026).update(last=0)  # both unique values now clash
    data = FicheInput(
        request_type=current_version("VOI-NID"),
        requester=first.requester,
        channel="phone",
        street_name="rue Paradis",
        postal_code="13001",
        created_at=MARCH,
        submission_token="t" * 32,
    )
    with pytest.raises(AlreadySubmitted) as repeat:
        create_fiche(data, users["agent"])
    assert repeat.value.fiche == first
    assert Fiche.objects.count() == 1
    assert ReferenceCounter.objects.get(year=2026).last == 0  # the failed insert took no number


def test_references_widen_past_999999_and_stay_findable(make_fiche, client, users):
    ReferenceCounter.objects.create(year=2026, last=999_998)
    last_narrow = make_fiche(created_at=MARCH)
    wide = make_fiche(created_at=MARCH + timedelta(hours=1))
    assert (last_narrow.reference, wide.reference) == ("AM-2026-999999", "AM-2026-1000000")
    assert wide.reference_spoken == "AM · 2026 · 1 000 000"
    assert last_narrow.reference_spoken == "AM · 2026 · 999 999"
    assert highest_number(2026) == 1_000_000  # the widest, not the alphabetically last
    client.force_login(users["agent"])
    page = client.get(reverse("fiches:list")).content.decode()
    assert page.index("AM-2026-1000000") < page.index("AM-2026-999999")  # newest first
    found = client.get(reverse("fiches:list"), {"q": "am-2026-1000000"}).content.decode()
    assert "AM-2026-1000000" in found and "AM-2026-999999" not in found
    both = client.get(reverse("fiches:list"), {"q": "AM-2026-"}).content.decode()
    assert "AM-2026-1000000" in both and "AM-2026-999999" in both
    started = client.get(reverse("fiches:list"), {"q": "am-2026-99"}).content.decode()
    assert "AM-2026-1000000" not in started and "AM-2026-999999" in started
    assert client.get(reverse("fiches:lookup"), {"reference": "AM-2026-1000000"}).url == reverse(
        "fiches:detail", args=["AM-2026-1000000"]
    )
    ReferenceCounter.objects.filter(year=2026).update(last=999_999)  # behind the wide one
    assert make_fiche(created_at=MARCH).reference == "AM-2026-1000001"


def test_catch_up_never_lowers_a_counter(make_fiche):
    make_fiche(created_at=MARCH)
    ReferenceCounter.objects.filter(year=2026).update(last=40)
    assert catch_up_counter(2026) == 40
    assert catch_up_counter(2031) == 0 and highest_number(2031) == 0


def test_topping_up_generated_fiches_keeps_counters_at_the_highest_number(users, catalogue_types, make_fiche):
    now = datetime(2026, 6, 30, 12, tzinfo=PARIS)
    agents = [users["agent"]]
    first = generate_fiches(300, days=400, seed=1, agents=agents, now=now, with_events=False)
    ReferenceCounter.objects.filter(year=2026).update(last=1)  # a counter left behind
    second = generate_fiches(200, days=400, seed=2, agents=agents, now=now, with_events=False)
    assert Fiche.objects.count() == first + second
    for year in (2025, 2026):
        assert ReferenceCounter.objects.get(year=year).last == highest_number(year)
        numbers = [int(r[8:]) for r in Fiche.objects.filter(reference__startswith=f"AM-{year}-")
                   .values_list("reference", flat=True)]  # fmt: skip
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
    fiche = make_fiche(created_at=now)
    assert fiche.reference == f"AM-2026-{highest_number(2026):06d}"


@pytest.mark.django_db(transaction=True)
def test_intake_save_stays_within_15_queries(client, users, catalogue_types, settings):
    """The whole POST as in production: session, user, scope, type, requester, calendar,
    counter, fiche, events, the acknowledgement's message and its queued delivery (SQLite's
    BEGIN IMMEDIATE / COMMIT, which PostgreSQL's driver sends unseen, are not counted)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(users["agent"])
    data = {**INTAKE, "email": "alice.durand@example.org", "submission_token": "a" * 32}
    client.post(reverse("fiches:intake"), data)  # the year's counter exists from now on
    with CaptureQueriesContext(connection) as saved:
        response = client.post(reverse("fiches:intake"), {**data, "submission_token": "b" * 32})
    assert response.status_code == 302
    statements = [q["sql"] for q in saved.captured_queries if q["sql"] not in TRANSACTION_CONTROL]
    assert len(statements) <= 15, "\n".join(sql[:120] for sql in statements)  # 26 before issue 17
    fiche = Fiche.objects.order_by("-id").first()
    assert fiche.status == Status.TRANSMITTED and fiche.lock_version == 1
    assert list(Event.objects.filter(fiche=fiche).values_list("kind", "action")) == [
        ("created", ""),
        ("transition", "transmit"),
    ]
    assert fiche.notices.get().moment == "acknowledgement"
