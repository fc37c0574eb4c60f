"""Links to the public tracking page and the survey, carried by every message.

A signed token (Django signing, salted per use, timestamped) opens a fiche's tracking page
or its survey without typing the reference and contact again."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

TRACK_SALT = "portal.track"
SURVEY_SALT = "portal.survey"
TRACK_MAX_AGE = 400 * 24 * 3600  # a year and a month: citizens come back from old e-mails
SURVEY_MAX_AGE = 120 * 24 * 3600


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def track_token(fiche_pk: int) -> str:
    return signing.dumps(fiche_pk, salt=TRACK_SALT, compress=True)


def survey_token(fiche_pk: int) -> str:
    return signing.dumps(fiche_pk, salt=SURVEY_SALT, compress=True)


def read_token(token: str, *, salt: str, max_age: int) -> int | None:
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def tracking_home_url() -> str:
    """The short address printed on letters: the citizen types the reference there."""
    return absolute(reverse("portal:track"))


def tracking_prefilled_url(reference: str) -> str:
    """Short link for SMS: opens the form with the reference filled in."""
    return absolute(reverse("portal:track_reference", args=[reference]))


def tracking_signed_url(fiche_pk: int) -> str:
    return absolute(reverse("portal:status", args=[track_token(fiche_pk)]))


def survey_signed_url(fiche_pk: int) -> str:
    return absolute(reverse("portal:survey", args=[survey_token(fiche_pk)]))
