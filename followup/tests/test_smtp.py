"""A sweep's e-mail really travels over SMTP to a local server (aiosmtpd)."""

from __future__ import annotations

import email
import socket
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from fiches.services import transition
from followup.sweep import run_sweep
from followup.tests.conftest import paris


class Collector:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook name
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield collector
    controller.stop()


@pytest.mark.django_db
def test_overdue_alert_arrives_over_smtp_in_french_with_the_link(
    smtp_server, make_fiche, users, travel, settings
):
    settings.SITE_URL = "https://allo.example.org"
    travel(paris(2026, 3, 2, 9))
    fiche = make_fiche("VOI-NID")
    transition(fiche, "acknowledge", users["cellule-voirie"])
    travel(paris(2026, 3, 10, 9))
    result = run_sweep()
    assert result.total == 1
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["Subject"].strip() == (
        "[Allô Mairie] 1 fiche en retard · Cellule Allô Mairie · Direction de la Voirie"
    )
    assert "allomairie-voirie@ampmetropole.fr" in message["To"]
    body = message.get_content()
    assert "Bonjour," in body
    assert "ont dépassé leur échéance" in body
    assert f"https://allo.example.org/fiches/{fiche.reference}/" in body
    assert "9 mars 2026 23:59" in body
    run_sweep()
    assert len(smtp_server.messages) == 1  # never twice
