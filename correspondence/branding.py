"""Article 4 of the convention: who signs a letter, in one place."""

from __future__ import annotations

import base64
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
    logo: str  # a data: URI (see logo_uri)
    signatory_name: str
    signatory_title: str

    @property
    def delegation_lines(self) -> tuple[str, str]:
        """The signature block, one form for every body: « Pour le Maire et par délégation, »
        then the signatory's office (« l'Adjoint délégué à la relation citoyenne »)."""
        return delegation_lines(self.signatory_title)


def delegation_lines(title: str) -> tuple[str, str]:
    title = " ".join(title.split())
    if not title.lower().startswith("pour ") or "," not in title:
        return title, ""
    authority, office = (part.strip() for part in title.split(",", 1))
    if "délégation" not in authority:
        authority += " et par délégation"
    return f"{authority},", office


def partner_convention_in_force(body: Body, on: date) -> bool:
    """Whether ``body`` acts under a partnership convention in force on ``on`` (article 4:
    both logos on letters about the partner's competences). After the effective end of a
    convention (notice, or no renewal) its letters carry the operator's logo alone."""
    return body.kind == Body.Kind.PARTNER and convention_in_force(body, on)


LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}


def data_uri(name: str, data: bytes) -> str:
    content_type = LOGO_TYPES.get(Path(name).suffix.lower())
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}" if content_type else ""


def logo_uri(body: Body) -> str:
    """The body's uploaded logo, or the sober wordmark shipped for the demo bodies, inlined as a
    data: URI. The letter's HTML is kept for the post room's batch, which may be built on
    another server or after an upgrade: it must not point to one server's files. The upload is
    read through the storage (local disk or an object store shared by every server)."""
    if body.logo:
        try:
            with body.logo.open("rb") as handle:
                uploaded = data_uri(body.logo.name, handle.read())
        except OSError:
            uploaded = ""
        if uploaded:
            return uploaded
    for name in (slugify(body.short_name), "default"):
        found = finders.find(f"{DEFAULT_LOGO_DIR}/{name}.svg")
        if found:
            return data_uri(found, Path(found).read_bytes())
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
