"""Building the French e-mails of the follow-up: alerts and the cells' daily digest."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from core.plaintext import render_text
from organisations.models import Role

MAX_LINES = 50


def fiche_url(reference: str) -> str:
    """Absolute link to a fiche's page (SITE_URL + the fiche detail path)."""
    try:
        path = reverse("fiches:detail", args=[reference])
    except NoReverseMatch:
        path = f"/fiches/{reference}/"
    return settings.SITE_URL.rstrip("/") + path


def absolute(name: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name)


def emails_of(role: str, **membership) -> list[str]:
    """Active staff e-mails holding ``role`` (optionally within a directorate or body)."""
    filters = {f"memberships__{key}": value for key, value in membership.items()}
    return sorted(
        set(
            get_user_model()
            .objects.filter(is_active=True, memberships__role=role, **filters)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def supervisor_emails() -> list[str]:
    return emails_of(Role.SUPERVISOR, body__kind="operator")


def manager_emails(directorate_id: int) -> list[str]:
    return emails_of(Role.MANAGER, directorate_id=directorate_id)


def send(subject_template: str, body_template: str, context: dict, to: Iterable[str]) -> int:
    """Render and send one message in French; returns the number of messages sent."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return 0
    with translation.override("fr"):
        subject = " ".join(render_text(subject_template, context).split())
        body = render_text(body_template, context)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return message.send()
