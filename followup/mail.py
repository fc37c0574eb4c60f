"""What the follow-up's e-mails (alerts, the cells' daily digest) link to and whom they go to;
they are sent by ``core.mail.send``."""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from organisations.access import emails_of
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


def supervisor_emails() -> list[str]:
    return emails_of(Role.SUPERVISOR, body__kind="operator")


def manager_emails(directorate_id: int) -> list[str]:
    return emails_of(Role.MANAGER, directorate_id=directorate_id)
