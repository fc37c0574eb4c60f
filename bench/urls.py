"""The project's URLs plus the bare baseline views the benchmarks compare against: each
does the page's essential work as one SQL query (two for the detail: fiche and timeline)."""

import csv
import io
from datetime import datetime

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.utils import timezone

from fiches.models import OPEN_STATUSES, Event, Fiche, Status
from followup.sweep import CELL_STATUSES


def bare_list(request: HttpRequest) -> JsonResponse:
    """The minimal equivalent of the list page: one SQL query for the same 50 rows."""
    qs = Fiche.objects.select_related("request_type__request_type__family", "body", "directorate", "cell")
    if request.GET.get("status"):
        qs = qs.filter(status=request.GET["status"], arrondissement=request.GET.get("arrondissement"))
    rows = [
        (f.reference, f.request_type.label, f.body.short_name, f.status)
        for f in qs.order_by("-created_at", "-id")[:51]
    ]
    return JsonResponse({"rows": rows})


def bare_detail(request: HttpRequest) -> JsonResponse:
    """The fiche with its type and body, and its timeline."""
    fiche = Fiche.objects.select_related("request_type", "body", "requester").get(
        reference=request.GET["ref"]
    )
    events = [(e.at.isoformat(), e.kind, e.to_status) for e in Event.objects.filter(fiche=fiche)]
    return JsonResponse(
        {"fiche": [fiche.reference, fiche.request_type.label, fiche.status], "events": events}
    )


def bare_queue(request: HttpRequest) -> JsonResponse:
    """The cell's first 50 open fiches by due date."""
    rows = [
        (f.reference, f.request_type.label, f.status, f.due_at.isoformat())
        for f in Fiche.objects.select_related("request_type")
        .filter(cell_id=request.GET["cell"], status__in=CELL_STATUSES)
        .order_by("due_at", "id")[:51]
    ]
    return JsonResponse({"rows": rows})


def bare_board(request: HttpRequest) -> JsonResponse:
    """Open and overdue fiches per cell: one grouped count over the open fiches."""
    rows = list(
        Fiche.objects.filter(status__in=OPEN_STATUSES)
        .order_by()
        .values("cell_id")
        .annotate(open=Count("id"), waiting=Count("id", filter=Q(status=Status.WAITING)))
    )
    return JsonResponse({"rows": rows})


def bare_reroute(request: HttpRequest) -> JsonResponse:
    """The fiches sent back to the supervisor, oldest first (200 at most)."""
    rows = [
        (f.reference, f.request_type.label, f.body.short_name)
        for f in Fiche.objects.select_related("request_type", "body")
        .filter(status=Status.REROUTED)
        .order_by("updated_at", "id")[:200]
    ]
    return JsonResponse({"rows": rows})


def bare_tracking(request: HttpRequest) -> JsonResponse:
    """What the citizen reads: the fiche and its public events."""
    fiche = Fiche.objects.select_related("request_type").get(reference=request.GET["ref"])
    events = [(e.at.isoformat(), e.to_status) for e in Event.objects.filter(fiche=fiche, public=True)]
    return JsonResponse(
        {"fiche": [fiche.reference, fiche.request_type.label, fiche.status], "events": events}
    )


def aware(day: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(day))


def bare_export(request: HttpRequest) -> HttpResponse:
    """The same rows as the CSV export of a period and an arrondissement, written by csv."""
    out = io.StringIO()
    writer = csv.writer(out)
    rows = (
        Fiche.objects.filter(
            arrondissement=request.GET["arrondissement"],
            created_at__gte=aware(request.GET["since"]),
            created_at__lt=aware(request.GET["until"]),
        )
        .order_by("-created_at", "-id")
        .values_list(
            "reference",
            "created_at",
            "request_type__label",
            "body__short_name",
            "status",
            "due_at",
            "street_name",
            "postal_code",
        )  # fmt: skip
    )
    for row in rows.iterator(chunk_size=2000):
        writer.writerow(row)
    return HttpResponse(out.getvalue(), content_type="text/csv")


urlpatterns = [
    path("bench/bare-list/", bare_list),
    path("bench/bare-detail/", bare_detail),
    path("bench/bare-queue/", bare_queue),
    path("bench/bare-board/", bare_board),
    path("bench/bare-reroute/", bare_reroute),
    path("bench/bare-tracking/", bare_tracking),
    path("bench/bare-export/", bare_export),
    path("", include("allo_mairie.urls")),
]
