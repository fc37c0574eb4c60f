"""The partner API: scope isolation, the lifecycle through the single door, optimistic
concurrency, idempotent retries, RFC 7807 errors, pagination, rate limits, the schema."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from fiches.models import Event, Fiche, Status

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def url(name: str, *args) -> str:
    return reverse(f"partners:{name}", args=args)


def act(client, fiche, action: str, version=None, **fields):
    data = {
        "action": action,
        "expected_version": fiche.lock_version if version is None else version,
        **fields,
    }
    return client.post(url("action", fiche.reference), data, format="json")


@pytest.mark.django_db
def test_a_metropole_token_reaches_nothing_of_a_city_fiche(api, make_fiche):
    metro = api("metro")
    road, light = make_fiche("VOI-NID"), make_fiche("ECL-LAMP")  # Métropole, City
    listed = metro.get(url("fiches")).json()["results"]
    assert [f["reference"] for f in listed] == [road.reference]
    assert metro.get(url("fiches"), {"type": "ECL-LAMP"}).json()["results"] == []
    upload = SimpleUploadedFile("p.png", PNG, content_type="image/png")
    light.attachments.create(file="x.png", original_name="x.png", content_type="image/png", size=3)
    attachment = light.attachments.get()
    answers = [
        metro.get(url("fiche", light.reference)),
        act(metro, light, "acknowledge"),
        metro.post(
            url("note", light.reference),
            {"text": "vu", "expected_version": light.lock_version},
            format="json",
        ),
        metro.post(url("attachments", light.reference), {"file": upload}, format="multipart"),
        metro.get(url("attachment", light.reference, attachment.pk)),
        # a City fiche named as the original of a duplicate is not found either
        act(metro, road, "mark_duplicate", original=light.reference),
    ]
    assert [a.status_code for a in answers] == [404] * 6
    assert all(a["Content-Type"] == "application/problem+json" for a in answers)
    light.refresh_from_db()
    assert (
        light.status == Status.TRANSMITTED
        and light.events.filter(actor__username__startswith="api-").count() == 0
    )
    # the City's own system sees it, not the Métropole's road
    city = api("city")
    assert [f["reference"] for f in city.get(url("fiches")).json()["results"]] == [light.reference]
    assert city.get(url("fiche", road.reference)).status_code == 404


@pytest.mark.django_db
def test_a_directorate_system_sees_its_directorate_only(api, make_fiche, bodies):
    from organisations.models import Directorate

    cleaning = api("metro", name="Propreté", directorate=Directorate.objects.get(code="amp-proprete"))
    road, dump = make_fiche("VOI-NID"), make_fiche("PRO-DEPOT")
    assert [f["reference"] for f in cleaning.get(url("fiches")).json()["results"]] == [dump.reference]
    assert cleaning.get(url("fiche", road.reference)).status_code == 404


@pytest.mark.django_db
def test_every_cell_action_of_the_lifecycle(api, make_fiche, committed):
    metro = api("metro")
    fiche = make_fiche("VOI-NID")
    steps = [
        ("acknowledge", {}, Status.ACKNOWLEDGED),
        ("start", {}, Status.IN_PROGRESS),
        ("wait", {"comment": "Attente d'une pièce"}, Status.WAITING),
        ("start", {}, Status.IN_PROGRESS),
        ("resolve", {"outcome": "Le trou est rebouché."}, Status.RESOLVED),
    ]
    for action, fields, status in steps:
        with committed():
            answer = act(metro, fiche, action, **fields)
        assert answer.status_code == 200, answer.json()
        fiche.refresh_from_db()
        assert fiche.status == status and answer.json()["status"] == status
        assert answer.json()["version"] == fiche.lock_version
    assert fiche.outcome == "Le trou est rebouché."
    last = fiche.events.filter(kind=Event.Kind.TRANSITION).last()
    assert last.actor == metro.partner.user and last.action == "resolve"

    other = make_fiche("VOI-NID")
    act(metro, other, "acknowledge")
    other.refresh_from_db()
    assert set(act(metro, other, "send_back").json()["errors"]) == {"comment"}
    answer = act(metro, other, "send_back", comment="Relève de l'éclairage public")
    assert answer.json()["status"] == Status.REROUTED
    third = make_fiche("VOI-NID")
    answer = act(metro, third, "reject", outcome="Pas de problème constaté", reason="not_actionable")
    assert answer.json()["status"] == Status.REJECTED


@pytest.mark.django_db
def test_notes_and_attachments(api, make_fiche):
    metro = api("metro")
    fiche = make_fiche("VOI-NID")
    answer = metro.post(
        url("note", fiche.reference),
        {"text": "Équipe passée", "public": True, "expected_version": fiche.lock_version},
        format="json",
    )
    assert answer.status_code == 201
    note = [e for e in answer.json()["events"] if e["kind"] == "note"]
    assert note[0]["comment"] == "Équipe passée" and note[0]["public"] is True
    upload = SimpleUploadedFile("avant.png", PNG, content_type="image/png")
    answer = metro.post(url("attachments", fiche.reference), {"file": upload}, format="multipart")
    assert answer.status_code == 201 and answer.json()["content_type"] == "image/png"
    download = metro.get(answer.json()["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    fake = SimpleUploadedFile("page.png", b"<html>", content_type="image/png")
    refused = metro.post(url("attachments", fiche.reference), {"file": fake}, format="multipart")
    assert refused.status_code == 400 and refused["Content-Type"] == "application/problem+json"
    detail = metro.get(url("fiche", fiche.reference)).json()
    assert [a["name"] for a in detail["attachments"]] == ["avant.png"]
    assert detail["requester"]["last_name"] == "Durand"  # the cell acting on it needs the contact


@pytest.mark.django_db
def test_a_stale_version_is_refused_with_409(api, make_fiche):
    metro = api("metro")
    fiche = make_fiche("VOI-NID")
    stale = fiche.lock_version
    assert act(metro, fiche, "acknowledge").status_code == 200
    answer = act(metro, fiche, "start", version=stale)
    assert answer.status_code == 409
    body = answer.json()
    assert body["type"] == "urn:allo-mairie:problem:stale-version" and body["status"] == 409
    note = metro.post(url("note", fiche.reference), {"text": "x", "expected_version": stale}, format="json")
    assert note.status_code == 409
    fiche.refresh_from_db()
    assert fiche.status == Status.ACKNOWLEDGED


@pytest.mark.django_db
def test_a_retried_post_does_nothing_twice(api, make_fiche):
    metro = api("metro")
    fiche = make_fiche("VOI-NID")
    key = str(uuid.uuid4())
    data = {"action": "acknowledge", "expected_version": fiche.lock_version}
    first = metro.post(url("action", fiche.reference), data, format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = metro.post(url("action", fiche.reference), data, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert fiche.events.filter(action="acknowledge").count() == 1
    # the same key for another request is refused; the fiche is unchanged
    other = metro.post(
        url("action", fiche.reference),
        {"action": "start", "expected_version": first.json()["version"]},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert other.status_code == 422 and other.json()["type"].endswith("idempotency-key-reused")
    # notes and files too: one note, one file, whatever the retries
    note_key, file_key = str(uuid.uuid4()), str(uuid.uuid4())
    note = {"text": "Passage prévu", "expected_version": first.json()["version"]}
    for _ in range(3):
        assert (
            metro.post(
                url("note", fiche.reference), note, format="json", HTTP_IDEMPOTENCY_KEY=note_key
            ).status_code
            == 201
        )
        upload = SimpleUploadedFile("a.png", PNG, content_type="image/png")
        assert (
            metro.post(
                url("attachments", fiche.reference), {"file": upload}, HTTP_IDEMPOTENCY_KEY=file_key
            ).status_code
            == 201
        )
    assert fiche.events.filter(kind=Event.Kind.NOTE).count() == 1 and fiche.attachments.count() == 1
    # a failed request keeps no record: fixed, it may be retried with its key
    bad_key = str(uuid.uuid4())
    wrong = {"action": "wait", "expected_version": 0}
    assert (
        metro.post(
            url("action", fiche.reference), wrong, format="json", HTTP_IDEMPOTENCY_KEY=bad_key
        ).status_code
        == 409
    )
    # keys belong to their caller: another system's same key is another request
    city = api("city")
    light = Fiche.objects.get(pk=make_fiche("ECL-LAMP").pk)
    city_answer = act_with_key(city, light, key)
    assert city_answer.status_code == 200


def act_with_key(client, fiche, key):
    data = {"action": "acknowledge", "expected_version": fiche.lock_version}
    return client.post(url("action", fiche.reference), data, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db
def test_errors_are_problem_json(api, make_fiche, partner_factory):
    fiche = make_fiche("VOI-NID")
    anonymous = APIClient().get(url("fiches"))
    assert anonymous.status_code == 401 and anonymous["Content-Type"] == "application/problem+json"
    assert anonymous["WWW-Authenticate"] == "Bearer"
    assert set(anonymous.json()) == {"type", "title", "status", "detail"}
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Bearer am_000000000000_nope")
    assert bad.get(url("fiches")).status_code == 401
    metro = api("metro")
    invalid = metro.get(url("fiches"), {"status": "nonsense", "cursor": "9" * 30, "page_size": "0"})
    assert invalid.status_code == 400
    assert set(invalid.json()["errors"]) == {"status", "cursor", "page_size"}
    unknown = act(metro, fiche, "close")  # not a cell action
    assert unknown.status_code == 400 and "action" in unknown.json()["errors"]
    assert metro.get(url("fiche", "AM-1999-000001")).json()["type"] == "urn:allo-mairie:problem:not-found"
    assert metro.delete(url("fiche", fiche.reference)).status_code == 405


@pytest.mark.django_db
def test_a_revoked_token_or_inactive_system_is_refused(partner_factory, make_fiche):
    from partners.models import ApiToken
    from partners.services import revoke_token, save_partner

    partner, token = partner_factory("metro")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get(url("fiches")).status_code == 200
    stored = ApiToken.objects.get(partner=partner)
    assert token not in (stored.digest, stored.prefix) and stored.last_used_at is not None
    revoke_token(stored)
    assert client.get(url("fiches")).status_code == 401
    partner2, token2 = partner_factory("metro", name="Autre")
    partner2.active = False
    save_partner(partner2)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token2}")
    assert client.get(url("fiches")).status_code == 401


@pytest.mark.django_db
def test_cursor_pages_cost_the_same_queries(api, make_fiche, django_assert_max_num_queries):
    metro = api("metro")
    made = [make_fiche("PRO-DEPOT", requester=None) if n % 2 else make_fiche("VOI-NID") for n in range(7)]
    seen, next_url = [], url("fiches") + "?page_size=3"
    pages = 0
    while next_url:
        with django_assert_max_num_queries(5):
            page = metro.get(next_url).json()
        seen += [f["reference"] for f in page["results"]]
        next_url, pages = page["next"], pages + 1
    assert pages == 3 and seen == [f.reference for f in reversed(made)]
    with django_assert_max_num_queries(9):
        metro.get(url("fiche", made[0].reference))


@pytest.mark.django_db
@pytest.mark.uses_cache
def test_rate_limit_per_token(api, settings, make_fiche):
    settings.PARTNER_API_RATE = "3/min"
    first, second = api("metro"), api("metro", name="Autre")
    answers = [first.get(url("fiches")).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = first.get(url("fiches"))
    assert limited.json()["type"].endswith("too-many-requests") and int(limited["Retry-After"]) > 0
    assert second.get(url("fiches")).status_code == 200  # its own budget


@pytest.mark.django_db
def test_staff_session_uses_the_same_gate(client, users, make_fiche):
    road, light = make_fiche("VOI-NID"), make_fiche("ECL-LAMP")
    client.force_login(users["cellule-voirie"])
    listed = client.get(url("fiches")).json()["results"]
    assert [f["reference"] for f in listed] == [road.reference]
    assert client.get(url("fiche", light.reference)).status_code == 404


@pytest.mark.django_db
def test_schema_and_offline_docs(client, users):
    schema = client.get(url("schema"), HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/fiches/{reference}/actions/" in paths
    assert "partnerToken" in schema.json()["components"]["securitySchemes"]
    for name in ("swagger", "redoc"):
        page = client.get(url(name))
        assert page.status_code == 200
        html = page.content.decode()
        assert "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html


@pytest.mark.django_db
def test_a_bad_idempotency_key_is_refused(api, make_fiche):
    metro = api("metro")
    fiche = make_fiche("VOI-NID")
    data = {"action": "acknowledge", "expected_version": fiche.lock_version}
    for key in ("x" * 256, "a\tb", " "):
        answer = metro.post(url("action", fiche.reference), data, format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert answer.status_code == 400 and "Idempotency-Key" in answer.json()["errors"]
    fiche.refresh_from_db()
    assert fiche.status == Status.TRANSMITTED


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_key_sent_twice_at_once_acts_once(partner_factory, make_fiche):
    from django.db import connection

    from core.testing import run_at_once

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is exercised on PostgreSQL")
    _partner, token = partner_factory("metro")
    fiche = make_fiche("VOI-NID")
    data = {"action": "acknowledge", "expected_version": fiche.lock_version}

    def send():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client.post(url("action", fiche.reference), data, format="json", HTTP_IDEMPOTENCY_KEY="same")

    first, second = run_at_once(send, send)
    assert first.status_code == second.status_code == 200 and first.json() == second.json()
    assert fiche.events.filter(action="acknowledge").count() == 1


@pytest.mark.django_db
def test_old_idempotency_keys_are_forgotten_by_the_sweep(api, make_fiche):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from partners.models import IdempotencyRecord

    metro = api("metro")
    fiche = make_fiche("VOI-NID")
    assert act_with_key(metro, fiche, "old").status_code == 200
    assert act_with_key(metro, make_fiche("VOI-NID"), "recent").status_code == 200
    IdempotencyRecord.objects.filter(key="old").update(created_at=timezone.now() - timedelta(days=8))
    call_command("webhooks_sweep")
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]
