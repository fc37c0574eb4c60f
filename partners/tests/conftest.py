from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def partner_factory(bodies):
    from partners.models import PartnerSystem
    from partners.services import issue_token, save_partner

    def make(body_key: str = "metro", name: str | None = None, **fields):
        partner = save_partner(PartnerSystem(name=name or f"SIG {body_key}", body=bodies[body_key], **fields))
        _token, clear = issue_token(partner, "test")
        return partner, clear

    return make


@pytest.fixture
def api(partner_factory):
    """api("metro") -> an API client authenticated with a new token of that body's system."""

    def make(body_key: str = "metro", **fields) -> APIClient:
        partner, token = partner_factory(body_key, **fields)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        client.partner = partner
        return client

    return make


class Receiver:
    """A local HTTP server standing for the partner: answers ``failures`` errors (or refuses
    connections while ``down``), then 200; keeps what it received."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.failures = 0
        self.failure_status = 503
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    failing = receiver.failures > 0
                    if failing:
                        receiver.failures -= 1
                    else:
                        receiver.received.append(
                            {"headers": dict(self.headers), "raw": body, "json": json.loads(body)}
                        )
                self.send_response(receiver.failure_status if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/allo"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.PARTNER_WEBHOOK_ALLOW_HTTP = True
    settings.PARTNER_WEBHOOK_TIMEOUT = 2.0
    server = Receiver()
    yield server
    server.close()
