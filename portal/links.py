"""Links to the public tracking page and the survey, carried by every message.

A signed token (Django signing, salted per use, timestamped) opens a fiche's tracking page
or its survey without typing the reference and contact again."""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings
from django.core import signing
from django.urls import reverse

TRACK_SALT = "portal.track"
CODE_SALT = "portal.code"
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


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read from paper, typed by hand


def tracking_code(reference: str) -> str:
    """The code printed on a fiche's letters (``K7QM-2XHD``): with the reference it opens the
    tracking page for a citizen who gave neither an e-mail address nor a phone number.
    Derived from the reference with the site's secret key: nothing stored, nothing guessable."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{CODE_SALT}:{reference}".encode(), hashlib.sha256
    ).digest()
    letters = "".join(CODE_ALPHABET[byte % len(CODE_ALPHABET)] for byte in digest[:8])
    return f"{letters[:4]}-{letters[4:]}"


CODE_SHAPE = re.compile(r"[A-Z0-9]{4}[- ]?[A-Z0-9]{4}")


def is_tracking_code(text: str) -> bool:
    """Shaped like a tracking code (``K7QM-2XHD``, ``k7qm 2xhd``): never an e-mail or phone."""
    shaped = CODE_SHAPE.fullmatch((text or "").strip().upper())
    return bool(shaped) and all(c in CODE_ALPHABET for c in normalise_code(text))


def normalise_code(text: str) -> str:
    return "".join(c for c in (text or "").upper() if c.isalnum())


def tracking_code_matches(reference: str, text: str) -> bool:
    return hmac.compare_digest(normalise_code(tracking_code(reference)), normalise_code(text))


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
