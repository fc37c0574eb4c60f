"""What Open311 shows: the public services and requests, with nothing personal.

A request is listed when its type version is open to the public channel. Its description
and photos appear only when the type is publishable and someone checked the fiche
(``Fiche.publishable``); status notes come from public events only; the requester never."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from catalogue.models import RequestTypeVersion
from catalogue.selectors import public_versions
from fiches.models import OPEN_STATUSES, Attachment, Event, Fiche, Status

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS = ["text/xml", "application/json"]
PUBLIC_IMAGE_TYPES = ("image/jpeg", "image/png")
CLOSED_STATUSES = [s for s in Status.values if s not in OPEN_STATUSES]


def jurisdiction() -> str:
    return getattr(settings, "OPEN311_JURISDICTION", "marseille.fr")


def public_version(code: str) -> RequestTypeVersion | None:
    return public_versions().filter(request_type__code=code).first()


def changeset() -> datetime | None:
    """When the public service list last changed (a new version took effect)."""
    return public_versions().aggregate(at=Max("effective_from"))["at"]


def keywords_of(version: RequestTypeVersion) -> str:
    """The type's keywords as one comma-separated string (the spec's form)."""
    text = version.keywords or ""
    parts = text.split(",") if "," in text else text.split()
    return ",".join(p.strip() for p in parts if p.strip())


def service_row(version: RequestTypeVersion) -> dict[str, Any]:
    return {
        "service_code": version.request_type.code,
        "service_name": version.label,
        "description": version.label,
        "metadata": bool(version.questions),
        "type": "realtime",
        "keywords": keywords_of(version),
        "group": version.request_type.family.label,
    }


def service_definition(version: RequestTypeVersion) -> dict[str, Any]:
    """The type's extra questions as attributes: free text on one line, in their order."""
    return {
        "service_code": version.request_type.code,
        "attributes": [
            {
                "variable": True,
                "code": question["key"],
                "datatype": "string",
                "required": bool(question.get("required")),
                "datatype_description": _("Free text on one line."),
                "order": order,
                "description": question["label"],
            }
            for order, question in enumerate(version.questions, start=1)
        ],
    }


def public_fiches() -> QuerySet[Fiche]:
    """Every fiche Open311 may show: its type version is open to the public channel."""
    return Fiche.objects.filter(request_type__public_channel=True)


def with_request_columns(fiches: QuerySet[Fiche]) -> QuerySet[Fiche]:
    """Only the columns a public request shows, and two subqueries: the last public note,
    the first photo (read only when the fiche may show it)."""
    last_note = (
        Event.objects.filter(fiche=OuterRef("pk"), public=True)
        .exclude(comment="")
        .order_by("-at", "-id")
        .values("comment")[:1]
    )
    first_photo = (
        Attachment.objects.filter(fiche=OuterRef("pk"), content_type__in=PUBLIC_IMAGE_TYPES)
        .order_by("id")
        .values("id")[:1]
    )
    return (
        fiches.select_related("request_type__request_type", "body", "open311")
        .only(
            "reference",
            "status",
            "description",
            "publishable",
            "created_at",
            "updated_at",
            "due_at",
            "street_number",
            "street_name",
            "postal_code",
            "latitude",
            "longitude",
            "request_type__label",
            "request_type__publishable",
            "request_type__request_type__code",
            "body__name",
            "open311__media_urls",
        )
        .annotate(public_note=Subquery(last_note), photo_id=Subquery(first_photo))
    )


def shows_content(fiche: Fiche) -> bool:
    """The description and photos are public: publishable type, and checked on this fiche."""
    return bool(fiche.request_type.publishable and fiche.publishable)


def request_row(fiche: Fiche, media_url: Callable[[Fiche, int], str]) -> dict[str, Any]:
    content = shows_content(fiche)
    media = None
    if content:
        if fiche.photo_id:
            media = media_url(fiche, fiche.photo_id)
        else:
            submission = getattr(fiche, "open311", None)
            media = submission.media_urls[0] if submission and submission.media_urls else None
    return {
        "service_request_id": fiche.reference,
        "status": "open" if fiche.status in OPEN_STATUSES else "closed",
        "status_notes": fiche.public_note or None,
        "service_name": fiche.request_type.label,
        "service_code": fiche.request_type.request_type.code,
        "description": (fiche.description or None) if content else None,
        "agency_responsible": fiche.body.name,
        "service_notice": None,
        "requested_datetime": fiche.created_at,
        "updated_datetime": fiche.updated_at,
        "expected_datetime": fiche.due_at if fiche.status in OPEN_STATUSES else None,
        "address": fiche.address_display or None,
        "address_id": None,
        "zipcode": fiche.postal_code or None,
        "lat": fiche.latitude,
        "long": fiche.longitude,
        "media_url": media,
    }


def request_rows(fiches: Iterable[Fiche], media_url: Callable[[Fiche, int], str]) -> list[dict[str, Any]]:
    return [request_row(fiche, media_url) for fiche in fiches]


def status_filter(statuses: list[str]) -> Q:
    condition = Q(pk__in=[])
    if "open" in statuses:
        condition |= Q(status__in=sorted(OPEN_STATUSES))
    if "closed" in statuses:
        condition |= Q(status__in=CLOSED_STATUSES)
    return condition
