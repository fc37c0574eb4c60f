"""Article 4 of the convention: who signs a letter, in one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.contrib.staticfiles import finders
from django.utils import timezone
from django.utils.text import slugify

from agreements.selectors import convention_in_force
from fiches.models import Fiche
from organisations.models import Body

DEFAULT_LOGO_DIR = "correspondence/logos"


@dataclass(frozen=True)
class Signer:
    body: Body
    logo: str  # a file:// URI WeasyPrint can read
    signatory_name: str
    signatory_title: str


def partner_convention_in_force(body: Body, on: date) -> bool:
    """Whether ``body`` acts under a partnership convention in force on ``on`` (article 4:
    both logos on letters about the partner's competences). After the effective end of a
    convention (notice, or no renewal) its letters carry the operator's logo alone."""
    return body.kind == Body.Kind.PARTNER and convention_in_force(body, on)


def logo_uri(body: Body) -> str:
    """The body's uploaded logo, or the sober wordmark shipped for the demo bodies."""
    if body.logo:
        try:
            return Path(body.logo.path).resolve().as_uri()
        except (NotImplementedError, ValueError):
            pass
    for name in (slugify(body.short_name), "default"):
        found = finders.find(f"{DEFAULT_LOGO_DIR}/{name}.svg")
        if found:
            return Path(found).resolve().as_uri()
    return ""


def signer(body: Body) -> Signer:
    return Signer(body, logo_uri(body), body.signatory_name, body.signatory_title)


def letterhead_for(fiche: Fiche) -> list[Signer]:
    """The bodies whose logo and signature a letter about ``fiche`` carries, operator first.

    Co-branded (operator + partner) when the fiche's *current* competent body is a partner
    under a convention in force on the letter's day; otherwise the operator alone. Follows
    re-routing: a letter written after a re-routing uses the new competent body.
    """
    operator = Body.objects.get(kind=Body.Kind.OPERATOR)
    competent = fiche.body
    if competent.pk != operator.pk and partner_convention_in_force(competent, timezone.localdate()):
        return [signer(operator), signer(competent)]
    return [signer(operator)]
