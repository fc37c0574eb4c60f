"""Webhooks: signed, scoped like the API, retried with backoff, in order per fiche, kept in the
outbox while the partner is down (a local HTTP server that fails, then recovers)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from fiches.services import add_note, transition
from partners import crypto
from partners.models import WebhookDelivery, WebhookEndpoint
from partners.webhooks import drain, sweep


def test_signature_round_trip_and_replay_window():
    body = b'{"id":"x"}'
    header = crypto.sign("whsec_s", 1_800_000_000, body)
    assert header.startswith("t=1800000000,v1=")
    assert crypto.verify("whsec_s", header, body, now=1_800_000_100)
    assert not crypto.verify("whsec_s", header, body + b" ", now=1_800_000_100)
    assert not crypto.verify("whsec_other", header, body, now=1_800_000_100)
    assert not crypto.verify("whsec_s", header, body, now=1_800_000_000 + 301)  # replayed later
    assert not crypto.verify("whsec_s", "v1=abc", body, now=1_800_000_000)
    assert not crypto.verify("whsec_s", "t=²,v1=abc", body, now=1_800_000_000)


def test_backoff_doubles_up_to_the_cap():
    assert [crypto.backoff_seconds(n, 30, 3600) for n in (1, 2, 3, 4, 8, 20)] == [
        30,
        60,
        120,
        240,
        3600,
        3600,
    ]


def test_tokens_are_stored_as_digests():
    token, prefix, digest = crypto.new_token()
    assert crypto.token_prefix(token) == prefix and crypto.token_matches(token, digest)
    assert token not in digest and not crypto.token_matches(token + "x", digest)
    assert crypto.token_prefix("am_short_x") is None and crypto.token_prefix("nope") is None


@pytest.fixture
def endpoint_for(partner_factory):
    def make(body_key: str, url: str, **fields) -> WebhookEndpoint:
        partner, _token = partner_factory(body_key, **fields)
        return WebhookEndpoint.objects.create(partner=partner, url=url)

    return make


@pytest.mark.django_db
def test_changes_are_signed_and_scoped(receiver, endpoint_for, make_fiche, users, committed):
    endpoint = endpoint_for("metro", receiver.url)
    with committed():
        road = make_fiche("VOI-NID")
        light = make_fiche("ECL-LAMP")  # a City fiche: never sent to the Métropole
    with committed():
        transition(road, "acknowledge", users["cellule-voirie"])
        transition(light, "acknowledge", users["cellule-eclairage"])
    references = {r["json"]["fiche"]["reference"] for r in receiver.received}
    assert references == {road.reference}
    actions = [r["json"]["action"] for r in receiver.received]
    assert actions == ["create", "transmit", "acknowledge"]
    for message in receiver.received:
        header = message["headers"]["Allo-Signature"]
        assert crypto.verify(endpoint.secret, header, message["raw"], now=time.time())
        assert message["headers"]["Allo-Webhook-Id"] == message["json"]["id"]
    last = receiver.received[-1]["json"]
    assert last["fiche"]["status"] == "acknowledged" and last["event"]["from_status"] == "transmitted"
    assert "Durand" not in str(receiver.received)  # no personal data in the payloads
    assert WebhookDelivery.objects.filter(status="delivered").count() == 3
    assert not WebhookDelivery.objects.filter(fiche=light).exists()


@pytest.mark.django_db
def test_a_partner_down_for_a_day_gets_every_change_in_order(
    receiver, endpoint_for, make_fiche, users, committed
):
    endpoint = endpoint_for("metro", receiver.url)
    receiver.server.shutdown()  # the partner is down: connections refused
    receiver.server.server_close()
    cell = users["cellule-voirie"]
    start = timezone.now()
    with committed():
        first, second = make_fiche("VOI-NID"), make_fiche("VOI-NID")
    with committed():
        transition(first, "acknowledge", cell)
        add_note(second, cell, "Vu", public=False)
        transition(first, "start", cell)
    pending = WebhookDelivery.objects.filter(endpoint=endpoint, status="pending")
    assert pending.count() == 7
    head = pending.order_by("id").first()
    assert head.attempts == 1 and head.log.get().error and head.next_attempt_at > start
    assert pending.filter(attempts=0).count() == 6  # held back behind it, not hammered
    # a day of retries with exponential backoff, then the partner comes back
    from partners.tests.conftest import Receiver

    for hours in (1, 6, 12, 24):
        with time_machine.travel(start + timedelta(hours=hours), tick=True):
            drain(endpoint.pk)
    assert head.log.count() == 5 and not head.log.filter(status_code__isnull=False).exists()
    assert WebhookDelivery.objects.filter(status="pending").count() == 7
    back = Receiver()
    endpoint.url = back.url
    endpoint.save()
    back.failures = 2  # recovers after two more errors
    for hours in (25, 26, 27):
        with time_machine.travel(start + timedelta(hours=hours), tick=True):
            drain(endpoint.pk)
    back.close()
    assert WebhookDelivery.objects.filter(status="pending").count() == 0
    by_fiche: dict[str, list[str]] = {}
    for message in back.received:
        by_fiche.setdefault(message["json"]["fiche"]["reference"], []).append(message["json"]["action"])
    assert by_fiche == {
        first.reference: ["create", "transmit", "acknowledge", "start"],
        second.reference: ["create", "transmit", "note"],
    }
    versions = [
        m["json"]["fiche"]["version"]
        for m in back.received
        if m["json"]["fiche"]["reference"] == first.reference
    ]
    assert versions == sorted(versions)
    head.refresh_from_db()
    assert head.status == "delivered" and [a.status_code for a in head.log.all()][-3:] == [503, 503, 200]
    endpoint.refresh_from_db()
    assert endpoint.paused_until is None


@pytest.mark.django_db
def test_a_refused_change_holds_back_only_its_fiche(receiver, endpoint_for, make_fiche, users, committed):
    endpoint = endpoint_for("metro", receiver.url)
    receiver.failures, receiver.failure_status = 1, 422  # the first message is refused
    with committed():
        first = make_fiche("VOI-NID")
    with committed():
        second = make_fiche("VOI-NID")
    # the first fiche's changes wait for its retry; the second's were not blocked by them
    assert [m["json"]["fiche"]["reference"] for m in receiver.received] == [second.reference] * 2
    assert WebhookDelivery.objects.filter(fiche=first, status="pending").count() == 2
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=True):
        assert drain(endpoint.pk) == 2
    assert [m["json"]["action"] for m in receiver.received[2:]] == ["create", "transmit"]


@pytest.mark.django_db
def test_give_up_after_the_limit_then_redeliver_from_the_admin(
    receiver, endpoint_for, make_fiche, users, committed, client, settings
):
    settings.PARTNER_WEBHOOK_GIVE_UP_AFTER = 3600
    endpoint = endpoint_for("metro", receiver.url)
    receiver.failures = 10**6
    with committed():
        fiche = make_fiche("VOI-NID")
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=True):
        drain(endpoint.pk)
    given_up = WebhookDelivery.objects.filter(status="failed")
    assert given_up.count() == 1
    receiver.failures = 0
    client.force_login(users["admin"])
    changelist = reverse("admin:partners_webhookdelivery_changelist")
    ids = list(WebhookDelivery.objects.filter(fiche=fiche).values_list("pk", flat=True))
    answer = client.post(changelist, {"action": "redeliver", "_selected_action": ids}, follow=True)
    assert answer.status_code == 200
    assert WebhookDelivery.objects.filter(fiche=fiche, status="delivered").count() == 2
    assert [m["json"]["action"] for m in receiver.received] == ["create", "transmit"]
    detail = client.get(reverse("admin:partners_webhookdelivery_change", args=[min(ids)]))
    assert detail.status_code == 200 and "503" in detail.content.decode()


@pytest.mark.django_db
def test_the_sweep_wakes_endpoints_with_due_deliveries(receiver, endpoint_for, make_fiche, committed):
    endpoint = endpoint_for("metro", receiver.url)
    receiver.failures = 1
    with committed():
        make_fiche("VOI-NID")
    assert receiver.received == []
    assert sweep() == 0  # not due yet
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=True):
        assert sweep() == 1
    assert len(receiver.received) == 2
    assert sweep() == 0
    endpoint.refresh_from_db()
    assert endpoint.lease_until is None and endpoint.drain_queued is False


@pytest.mark.django_db
def test_one_drainer_at_a_time(receiver, endpoint_for, make_fiche):
    endpoint = endpoint_for("metro", receiver.url)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(lease_until=timezone.now() + timedelta(seconds=30))
    assert drain(endpoint.pk) == -1


@pytest.mark.django_db
def test_endpoints_must_be_https(settings, partner_factory):
    from django.core.exceptions import ValidationError

    partner, _token = partner_factory("metro")
    settings.PARTNER_WEBHOOK_ALLOW_HTTP = False
    with pytest.raises(ValidationError):
        WebhookEndpoint(partner=partner, url="http://sig.example.org/hook").full_clean()
    WebhookEndpoint(partner=partner, url="https://sig.example.org/hook").full_clean()


@pytest.mark.django_db
def test_admin_issues_and_revokes_tokens(client, users, bodies):
    from partners.models import ApiToken, PartnerSystem

    client.force_login(users["admin"])
    add = reverse("admin:partners_partnersystem_add")
    answer = client.post(add, {"name": "SIG Voirie", "body": bodies["metro"].pk, "active": "on"}, follow=True)
    assert answer.status_code == 200
    partner = PartnerSystem.objects.get()
    assert partner.user.memberships.get().body == bodies["metro"] and not partner.user.has_usable_password()
    changelist = reverse("admin:partners_partnersystem_changelist")
    answer = client.post(changelist, {"action": "issue_token", "_selected_action": [partner.pk]}, follow=True)
    shown = [str(m) for m in answer.context["messages"]][0]
    token = shown.rsplit(" ", 1)[1]
    assert ApiToken.objects.get().digest == crypto.token_digest(token)
    api = client_with(token)
    assert api.get(reverse("partners:fiches")).status_code == 200
    tokens = reverse("admin:partners_apitoken_changelist")
    client.post(tokens, {"action": "revoke", "_selected_action": [ApiToken.objects.get().pk]})
    assert api.get(reverse("partners:fiches")).status_code == 401


def client_with(token: str):
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


@pytest.mark.django_db
def test_a_file_added_is_a_change_too(receiver, endpoint_for, make_fiche, users, committed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fiches.services import attach

    endpoint_for("metro", receiver.url)
    fiche = make_fiche("VOI-NID")
    with committed():
        attach(fiche, SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + bytes(32)), users["cellule-voirie"])
    # the fiche's creation, whose post-commit wake-up never ran here (as after a crash right
    # after its commit), was in the outbox all the same: it goes first
    assert [m["json"]["action"] for m in receiver.received][-1] == "attach"
    assert receiver.received[-1]["json"]["event"]["kind"] == "attachment"
    assert receiver.received[0]["json"]["action"] == "create"


@pytest.mark.django_db
def test_the_outbox_commits_with_the_change(endpoint_for, make_fiche, users):
    """Written in the change's transaction: a crash after the commit (the wake-up never runs)
    loses nothing; a change rolled back leaves no webhook."""
    from django.db import transaction

    from fiches.services import transition
    from partners.models import WebhookDelivery

    endpoint_for("metro", "https://partner.example/hook")
    fiche = make_fiche("VOI-NID")  # committed, its on-commit callbacks never run
    assert (
        list(
            WebhookDelivery.objects.filter(fiche_id=fiche.pk).order_by("id").values_list("action", flat=True)
        )[0]
        == "create"
    )
    before = WebhookDelivery.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        transition(fiche, "acknowledge", users["cellule-voirie"])
        raise RuntimeError
    assert WebhookDelivery.objects.count() == before


def test_each_fiche_s_changes_go_in_event_order():
    from partners.webhooks import in_change_order

    rows = [WebhookDelivery(pk=pk, fiche_id=fiche, event_id=event) for pk, fiche, event in
            [(1, 7, 10), (2, 8, 30), (3, 7, 12), (4, 7, 11), (5, 8, 20)]]  # fmt: skip
    assert [(d.fiche_id, d.event_id) for d in in_change_order(rows)] == [
        (7, 10),
        (8, 20),
        (7, 11),
        (7, 12),
        (8, 30),
    ]
