"""Webhooks through an outbox. Every change of a fiche (``fiche_changing``) writes, in the
change's own transaction, one ``WebhookDelivery`` row per endpoint whose partner system sees
the fiche (the same scope gate as the API): the rows commit with the change or not at all, so
a crash right after the commit loses no webhook (the sweep wakes the endpoints). Once the
change is committed the endpoints are woken, and the task worker drains each endpoint's
outbox in ``id`` order. A failed delivery is retried with exponential backoff and holds back
the later changes of the same fiche, so a partner receives each fiche's changes in order,
even after a day offline."""

from __future__ import annotations

import http.client
import json
import logging
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fiches.selectors import visible_fiches
from partners.crypto import SIGNATURE_HEADER, backoff_seconds, sign
from partners.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)
BATCH = 500
USER_AGENT = "AlloMairie-Webhooks/1"


def payload_for(delivery_uuid: str, fiche, event, action: str, partner_user_id: int) -> dict:
    """What the partner receives: which fiche changed, how, and its new version. No personal
    data: the partner reads the fiche through the API if it needs more."""
    return {
        "id": delivery_uuid,
        "type": "fiche.changed",
        "action": action,
        "occurred_at": event.at.isoformat() if event else timezone.now().isoformat(),
        "by_you": bool(event and event.actor_id == partner_user_id),
        "fiche": {
            "reference": fiche.reference,
            "status": fiche.status,
            "version": fiche.lock_version,
            "updated_at": fiche.updated_at.isoformat(),
        },
        "event": {
            "id": event.pk,
            "kind": event.kind,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "public": event.public,
        }
        if event
        else None,
    }


def on_fiche_changing(sender, fiche, event, action, **kwargs) -> None:
    """Receiver of ``fiche_changing``: write the outbox rows in the change's transaction, then
    wake the worker once it is committed. No active endpoint (the usual case): no query."""
    if not active_endpoint_ids():
        return
    try:
        with transaction.atomic():  # a savepoint: a failure here never undoes the change
            endpoints = record_change(fiche, event, action)
    except Exception as exc:  # noqa: BLE001 - a webhook must never undo or hide the change
        logger.error("webhooks: change of fiche %s not recorded (%s)", fiche.pk, type(exc).__name__)
        return
    if endpoints:
        transaction.on_commit(lambda: [wake(endpoint_id) for endpoint_id in endpoints])


# The ids of the active endpoints, in the shared cache: most changes happen where no partner
# listens, and then they cost no query. Saving or deleting an endpoint or a partner system
# forgets it (partners.apps); the second query below still checks each one is active.
ENDPOINTS_KEY = "partners:active-endpoints"
ENDPOINTS_TTL = 300


def active_endpoint_ids() -> list[int]:
    ids = cache.get(ENDPOINTS_KEY)
    if ids is None:
        ids = list(
            WebhookEndpoint.objects.filter(active=True, partner__active=True).values_list("pk", flat=True)
        )
        cache.set(ENDPOINTS_KEY, ids, ENDPOINTS_TTL)
    return ids


def forget_endpoints(**kwargs) -> None:
    cache.delete(ENDPOINTS_KEY)


def record_change(fiche, event, action: str) -> list[int]:
    """One outbox row per active endpoint whose partner sees the fiche now."""
    ids = active_endpoint_ids()
    if not ids:
        return []
    endpoints = list(
        WebhookEndpoint.objects.filter(pk__in=ids, active=True, partner__active=True).select_related(
            "partner__user"
        )
    )
    rows = []
    for endpoint in endpoints:
        if not visible_fiches(endpoint.partner.user).filter(pk=fiche.pk).exists():
            continue
        delivery = WebhookDelivery(
            endpoint=endpoint, fiche_id=fiche.pk, action=action, event_id=event.pk if event else None
        )
        delivery.payload = payload_for(str(delivery.uuid), fiche, event, action, endpoint.partner.user_id)
        rows.append(delivery)
    WebhookDelivery.objects.bulk_create(rows)
    return sorted({row.endpoint_id for row in rows})


def wake(endpoint_id: int) -> None:
    """Queue one drain of the endpoint unless one is already queued."""
    if WebhookEndpoint.objects.filter(pk=endpoint_id, drain_queued=False).update(drain_queued=True):
        from partners.tasks import drain_endpoint

        try:
            drain_endpoint.enqueue(endpoint_id)
        except Exception as exc:  # noqa: BLE001 - the sweep command catches up
            WebhookEndpoint.objects.filter(pk=endpoint_id).update(drain_queued=False)
            logger.error("webhooks: drain of endpoint %s not queued (%s)", endpoint_id, type(exc).__name__)


class Sender:
    """One kept-alive HTTP(S) connection to an endpoint for a drain."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.https = parts.scheme == "https"
        self.host = parts.hostname or ""
        self.port = parts.port
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.connection: http.client.HTTPConnection | None = None

    def post(self, body: bytes, headers: dict[str, str]) -> int:
        timeout = settings.PARTNER_WEBHOOK_TIMEOUT
        for retry in (False, True):
            if self.connection is None:
                kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
                self.connection = kind(self.host, self.port, timeout=timeout)
            try:
                self.connection.request("POST", self.path, body=body, headers=headers)
                response = self.connection.getresponse()
                response.read(65536)
                if response.will_close:
                    self.close()
                return response.status
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()  # a kept-alive connection the server closed: once more, fresh
                if retry:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _claim(endpoint_id: int, now) -> bool:
    lease = now + timedelta(seconds=settings.PARTNER_WEBHOOK_LEASE)
    return bool(
        WebhookEndpoint.objects.filter(pk=endpoint_id)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=lease)
    )


def drain(endpoint_id: int) -> int:
    """Send the endpoint's due deliveries in order; return how many were delivered.

    Returns -1 when another drainer holds the endpoint's lease."""
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(drain_queued=False)
    if not _claim(endpoint_id, timezone.now()):
        return -1
    delivered = 0
    try:
        endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
        if not endpoint.active or (endpoint.paused_until and endpoint.paused_until > timezone.now()):
            return 0
        sender = Sender(endpoint.url)
        try:
            delivered = _drain(endpoint, sender)
        finally:
            sender.close()
    finally:
        WebhookEndpoint.objects.filter(pk=endpoint_id).update(lease_until=None)
    return delivered


def _drain(endpoint: WebhookEndpoint, sender: Sender) -> int:
    delivered = 0
    after = 0
    held: set[int] = set()  # fiches whose earlier change is not delivered yet
    while True:
        batch = list(
            WebhookDelivery.objects.filter(
                endpoint=endpoint, status=WebhookDelivery.Status.PENDING, id__gt=after
            ).order_by("id")[:BATCH]
        )
        if not batch:
            return delivered
        for delivery in in_change_order(batch):
            after = delivery.pk
            now = timezone.now()
            if delivery.fiche_id in held or delivery.next_attempt_at > now:
                held.add(delivery.fiche_id)
                continue
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
                lease_until=now + timedelta(seconds=settings.PARTNER_WEBHOOK_LEASE)
            )
            outcome = send(endpoint, delivery, sender)
            if outcome == "delivered":
                delivered += 1
                if endpoint.paused_until:
                    endpoint.paused_until = None
                    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(paused_until=None)
            else:
                held.add(delivery.fiche_id)
                if outcome == "down":  # unreachable or failing: nothing more until the retry
                    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
                        paused_until=delivery.next_attempt_at
                    )
                    return delivered


def in_change_order(batch: list[WebhookDelivery]) -> list[WebhookDelivery]:
    """The batch (in ``id`` order), each fiche's deliveries sorted by their event."""
    by_fiche: dict[int, list[WebhookDelivery]] = {}
    for delivery in batch:
        by_fiche.setdefault(delivery.fiche_id, []).append(delivery)
    ordered = []
    for deliveries in by_fiche.values():
        deliveries.sort(key=lambda d: (d.event_id is None, d.event_id or 0, d.pk))
    cursor = {fiche_id: iter(deliveries) for fiche_id, deliveries in by_fiche.items()}
    for delivery in batch:
        ordered.append(next(cursor[delivery.fiche_id]))
    return ordered


def send(endpoint: WebhookEndpoint, delivery: WebhookDelivery, sender: Sender) -> str:
    """One try: "delivered", "refused" (the partner answered 4xx) or "down"."""
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Allo-Webhook-Id": str(delivery.uuid),
        SIGNATURE_HEADER: sign(endpoint.secret, timestamp, body),
    }
    started = time.perf_counter()
    status_code, error = None, ""
    try:
        status_code = sender.post(body, headers)
    except (OSError, http.client.HTTPException) as exc:
        error = type(exc).__name__
    now = timezone.now()
    elapsed = int((time.perf_counter() - started) * 1000)
    WebhookAttempt.objects.create(
        delivery=delivery, at=now, status_code=status_code, error=error, duration_ms=elapsed
    )
    delivery.attempts += 1
    delivery.last_status_code, delivery.last_error = status_code, error
    if status_code is not None and 200 <= status_code < 300:
        delivery.status, delivery.delivered_at = WebhookDelivery.Status.DELIVERED, now
        outcome = "delivered"
    else:
        wait = backoff_seconds(
            delivery.attempts, settings.PARTNER_WEBHOOK_BACKOFF_BASE, settings.PARTNER_WEBHOOK_BACKOFF_CAP
        )
        delivery.next_attempt_at = now + timedelta(seconds=wait)
        if now - delivery.pending_since > timedelta(seconds=settings.PARTNER_WEBHOOK_GIVE_UP_AFTER):
            delivery.status = WebhookDelivery.Status.FAILED
        refused = status_code is not None and 400 <= status_code < 500 and status_code not in (408, 429)
        outcome = "refused" if refused else "down"
        _schedule(endpoint.pk, delivery.next_attempt_at)
    delivery.save(
        update_fields=[
            "attempts",
            "last_status_code",
            "last_error",
            "status",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    return outcome


def _schedule(endpoint_id: int, when) -> None:
    """A drain at the retry time, if the task backend can defer (else the sweep does it)."""
    from django_tasks import task_backends

    from partners.tasks import drain_endpoint

    if task_backends[drain_endpoint.backend].supports_defer:
        try:
            drain_endpoint.using(run_after=when).enqueue(endpoint_id)
        except Exception as exc:  # noqa: BLE001 - the sweep command catches up
            logger.error("webhooks: retry of endpoint %s not queued (%s)", endpoint_id, type(exc).__name__)


def redeliver(deliveries) -> int:
    """Send these deliveries again (the admin's button), in their original order."""
    now = timezone.now()
    ids = list(deliveries.values_list("pk", flat=True))
    WebhookDelivery.objects.filter(pk__in=ids).update(
        status=WebhookDelivery.Status.PENDING, next_attempt_at=now, pending_since=now, delivered_at=None
    )
    endpoints = set(WebhookDelivery.objects.filter(pk__in=ids).values_list("endpoint_id", flat=True))
    WebhookEndpoint.objects.filter(pk__in=endpoints).update(paused_until=None)
    for endpoint_id in sorted(endpoints):
        wake(endpoint_id)
    return len(ids)


def sweep() -> int:
    """Wake every endpoint with a due delivery (cron: ``manage.py webhooks_sweep``)."""
    now = timezone.now()
    due = (
        WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(endpoint__paused_until__isnull=True) | Q(endpoint__paused_until__lte=now))
        .values_list("endpoint_id", flat=True)
        .distinct()
    )
    endpoints = sorted(set(due))
    for endpoint_id in endpoints:
        WebhookEndpoint.objects.filter(pk=endpoint_id).update(drain_queued=False)
        wake(endpoint_id)
    return len(endpoints)
