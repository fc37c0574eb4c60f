"""Webhook fan-out: 10,000 fiche changes through the outbox to a local receiver.

Measures, in the same run, (1) recording the changes in the outbox (one row per endpoint
whose partner sees the fiche, through the scope gate) against a bare insert of the same rows,
and (2) delivering them, signed, in order per fiche, to a local HTTP receiver (another
process) against bare signed POSTs of the same bodies on one kept-alive connection, and prints
deliveries per second.

    .venv/bin/python bench/partners_bench.py [--changes 10000] [--fiches 2000]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from common import record, setup_django, top_up_fiches


def serve(port_queue) -> None:
    """The partner's receiver: checks each signature, answers 200."""
    from partners.crypto import verify

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            good = verify("whsec_bench", self.headers.get("Allo-Signature", ""), body, now=time.time())
            self.send_response(200 if good else 400)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_queue.put(server.server_port)
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--fiches", type=int, default=2_000)
    args = parser.parse_args()
    setup_django("sqlite:////tmp/allo-mairie-bench-partners.sqlite3")

    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from catalogue.demo import load_demo_nomenclature
    from fiches.models import Event, Fiche
    from organisations.demo import create_organisations, create_users
    from partners.crypto import sign
    from partners.models import PartnerSystem, WebhookDelivery, WebhookEndpoint
    from partners.services import save_partner
    from partners.webhooks import drain, record_change

    settings.PARTNER_WEBHOOK_ALLOW_HTTP = True
    bodies = create_organisations()
    create_users(bodies)
    load_demo_nomenclature()
    top_up_fiches(args.fiches)
    WebhookDelivery.objects.all().delete()
    WebhookEndpoint.objects.all().delete()

    queue = multiprocessing.Queue()
    receiver = multiprocessing.Process(target=serve, args=(queue,), daemon=True)
    receiver.start()
    port = queue.get(timeout=10)
    url = f"http://127.0.0.1:{port}/hooks"
    endpoints = []
    for key in ("metro", "city"):
        partner = PartnerSystem.objects.filter(name=f"bench {key}").first() or PartnerSystem(
            name=f"bench {key}", body=bodies[key]
        )
        partner = save_partner(partner)
        endpoints.append(WebhookEndpoint.objects.create(partner=partner, url=url, secret="whsec_bench"))

    fiches = list(Fiche.objects.order_by("?")[: args.fiches])
    now = timezone.now()
    events = Event.objects.bulk_create(
        Event(fiche=fiches[n % len(fiches)], at=now, kind=Event.Kind.NOTE, comment="bench", public=False)
        for n in range(args.changes)
    )
    print(
        f"database: {connection.vendor}, {Fiche.objects.count()} fiches, {len(events)} changes, 2 endpoints"
    )

    started = time.perf_counter()
    for event in events:
        record_change(event.fiche, event, "note")
    fan_out = time.perf_counter() - started
    made = WebhookDelivery.objects.count()
    rows = [WebhookDelivery(endpoint=d.endpoint, fiche=d.fiche, action=d.action, payload=d.payload)
            for d in WebhookDelivery.objects.all()]  # fmt: skip
    started = time.perf_counter()
    for row in rows:
        WebhookDelivery.objects.bulk_create([row])
    bare_insert = time.perf_counter() - started
    WebhookDelivery.objects.filter(pk__in=[r.pk for r in rows]).delete()
    per_change, per_insert = fan_out * 1000 / len(events), bare_insert * 1000 / max(made, 1)
    ratio = record("outbox fan-out, per change", per_change, per_insert, float("inf"))
    print(f"fan-out: {made} deliveries for {len(events)} changes in {fan_out:.1f} s "
          f"({per_change:.2f} ms a change; bare insert {per_insert:.2f} ms; {ratio:.1f}×)")  # fmt: skip

    started = time.perf_counter()
    delivered = sum(max(drain(endpoint.pk), 0) for endpoint in endpoints)
    elapsed = time.perf_counter() - started
    pending = WebhookDelivery.objects.exclude(status="delivered").count()

    bodies_sent = [
        json.dumps(p, separators=(",", ":"), sort_keys=True).encode()
        for p in WebhookDelivery.objects.values_list("payload", flat=True)[:2000]
    ]
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    started = time.perf_counter()
    for body in bodies_sent:
        headers = {
            "Content-Type": "application/json",
            "Allo-Signature": sign("whsec_bench", int(time.time()), body),
        }
        connection_.request("POST", "/hooks", body=body, headers=headers)
        connection_.getresponse().read()
    bare = (time.perf_counter() - started) / len(bodies_sent)
    connection_.close()
    receiver.terminate()

    per_delivery = elapsed * 1000 / max(delivered, 1)
    ratio = record("webhook delivery, per delivery", per_delivery, bare * 1000, float("inf"))
    rate = delivered / elapsed
    print(f"delivered {delivered} (left pending: {pending}) in {elapsed:.1f} s: {rate:.0f} deliveries/s; "
          f"bare signed POST {1 / bare:.0f}/s; {ratio:.1f}×")  # fmt: skip
    record("webhook deliveries per second", rate, 1 / bare, float("inf"), unit="/s")


if __name__ == "__main__":
    main()
