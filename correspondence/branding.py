"""Article 4 of the convention: who signs a letter, in one place."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

from django.contrib.staticfiles import finders
from django.utils.text import slugify

from fiches.models import Fiche
from organisations.models import Body

DEFAULT_LOGO_DIR = "correspondence/logos"


@dataclass(frozen=True)
class Signer:
    body: Body
    logo: str  # a data: or file:// URI WeasyPrint can read
    signatory_name: str
    signatory_title: str


def partner_convention_in_force(body: Body, fiche: Fiche) -> bool:
    """Whether ``body`` acts for this fiche under a partnership convention in force.

    Today every partner body is taken to be under a convention in force. When the
    committee/finance work adds the ``Agreement`` model (convention: parties, dates,
    renewal, notice), this is the one place to ask it, e.g.
    ``Agreement.objects.in_force(at=fiche.created_at).filter(parties=body).exists()``.
    """
    return body.kind == Body.Kind.PARTNER


LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}


def uploaded_logo_uri(body: Body) -> str:
    """The uploaded logo inlined as a data: URI, read through the storage (local disk or an
    object store shared by every server): the letter's HTML, kept for the post room's batch,
    then renders on any server."""
    content_type = LOGO_TYPES.get(Path(body.logo.name).suffix.lower())
    if content_type is None:
        return ""
    try:
        with body.logo.open("rb") as handle:
            data = handle.read()
    except OSError:
        return ""
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def logo_uri(body: Body) -> str:
    """The body's uploaded logo, or the sober wordmark shipped for the demo bodies."""
    if body.logo:
        uploaded = uploaded_logo_uri(body)
        if uploaded:
            return uploaded
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
    under a convention in force; otherwise the operator alone. Follows re-routing: a letter
    written after a re-routing uses the new competent body.
    """
    operator = Body.objects.get(kind=Body.Kind.OPERATOR)
    competent = fiche.body
    if competent.pk != operator.pk and partner_convention_in_force(competent, fiche):
        return [signer(operator), signer(competent)]
    return [signer(operator)]
