"""The elimination list as the archives service receives it: counts only, no personal data."""

from __future__ import annotations

from collections.abc import Iterator

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from correspondence.letters import html_to_pdf
from organisations.models import Body
from privacy.models import EliminationList


def header() -> list[str]:
    return [_("Period of closure"), _("Body"), _("Family"), _("Fiches")]


def rows(listing: EliminationList) -> Iterator[list]:
    yield from listing.counts


def pdf_bytes(listing: EliminationList) -> bytes:
    operator = Body.objects.filter(kind=Body.Kind.OPERATOR).first()
    html = render_to_string(
        "privacy/elimination_list.html",
        {"listing": listing, "header": header(), "rows": listing.counts, "operator": operator},
    )
    return html_to_pdf(html)
