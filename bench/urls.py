"""The project's URLs plus the bare baseline views the benchmarks compare against: each
does the page's essential work as one SQL query (two for the detail: fiche and timeline)."""

import csv
import io
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.utils import timezone

from fiches.models import OPEN_STATUSES, Event, Fiche, Status
from followup.sweep import CELL_STATUSES


def bare_list(request: HttpRequest) -> JsonResponse:
    """The minimal equivalent of the list page: one SQL query for the same 50 rows."""
    qs = Fiche.objects.select_related("request_type__request_type__family", "body", "directorate", "cell")
    if request.GET.get("cell"):
        qs = qs.filter(cell_id=request.GET["cell"])
    if request.GET.get("status"):
        qs = qs.filter(status=request.GET["status"], arrondissement=request.GET.get("arrondissement"))
    rows = [
        (f.reference, f.request_type.label, f.body.short_name, f.status)
        for f in qs.order_by("-created_at", "-id")[:51]
    ]
    return JsonResponse({"rows": rows})


SEARCH_ROWS = (
    "SELECT f.reference, v.label, b.short_name, f.status FROM fiches_fiche f "
    "JOIN catalogue_requesttypeversion v ON v.id = f.request_type_id "
    "JOIN organisations_body b ON b.id = f.body_id WHERE {where} "
    "ORDER BY f.created_at DESC, f.id DESC LIMIT 51"
)


def bare_search(request: HttpRequest) -> JsonResponse:
    """The list searched by a word of the address (of a cell's fiches if one is named): the
    keys holding it and their fiches' number in the scope read from the counts
    (fiches.address_index), then the 51 newest rows at those keys (a few; on SQLite ``+``
    keeping the cell a filter) or by the ``LIKE`` (more; on PostgreSQL, more than a few keys:
    its trigram index on the fiches serves it), in raw SQL. The benchmark's words hold no ``%``
    nor ``_``."""
    from django.db.models import Q

    from catalogue.models import normalise
    from fiches import address_index, selectors

    text = normalise(request.GET["q"])
    cell = int(request.GET["cell"]) if request.GET.get("cell") else None
    scope = None if cell is None else Q(cell_id__in=[cell])
    matches = address_index.matches(text, scope, selectors.ADDRESS_SHARE, selectors.FEW_ADDRESS_FICHES)
    if not matches.in_scope:
        return JsonResponse({"rows": [], "count": 0})
    where, params, cell_column = "f.address_key LIKE %s", ["%" + text + "%"], "f.cell_id"
    sqlite = connection.vendor == "sqlite"
    if matches.keys is not None and (sqlite or len(matches.keys) <= selectors.PG_FEW_ADDRESS_KEYS):
        marks = ", ".join(["%s"] * len(matches.keys))
        where, params = f"f.address_key IN ({marks})", matches.keys
        cell_column = "+f.cell_id" if sqlite else "f.cell_id"
    if cell is not None:
        where, params = f"{cell_column} = %s AND {where}", [cell, *params]
    with connection.cursor() as cursor:
        cursor.execute(SEARCH_ROWS.format(where=where), params)
        rows = cursor.fetchall()
    return JsonResponse({"rows": rows, "count": matches.in_scope})


def bare_address_search(request: HttpRequest) -> JsonResponse:
    """The type-ahead's bare indexed SQL: addresses with the number on streets having a word
    starting with each query word (the `street_word` and `address_street_number` indexes)."""
    from places.text import WORD_LENGTH, parse_query

    query = parse_query(request.GET.get("address_query", ""))
    words = " ".join(
        "AND a.street_id IN (SELECT street_id FROM places_streetword WHERE word >= %s AND word <= %s)"
        for _ in query.words
    )
    params: list = [query.number]
    for word in query.words:
        params += [word, word + "Z" * (WORD_LENGTH - len(word))]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.id, a.number, a.repetition, a.latitude, a.longitude, s.name, s.postal_code "  # noqa: S608
            f"FROM places_address a JOIN places_street s ON s.id = a.street_id WHERE a.number = %s {words} "
            "ORDER BY s.word_count, s.name, a.id LIMIT 8",
            params,
        )
        return JsonResponse({"rows": cursor.fetchall()})


def bare_duplicates(request: HttpRequest) -> JsonResponse:
    """Duplicates by place in bare SQL: open fiches of the family in the bounding box."""
    from catalogue.models import Family
    from fiches.models import OPEN_STATUSES
    from places.geo import bounding_box

    lat, lon = float(request.GET["latitude"]), float(request.GET["longitude"])
    family = Family.objects.get(types__code=request.GET["request_type"])
    south, north, west, east = bounding_box(lat, lon, family.duplicate_radius_m)
    since = timezone.now() - timedelta(days=family.duplicate_window_days)
    statuses = ", ".join(["%s"] * len(OPEN_STATUSES))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT f.reference, f.latitude, f.longitude, f.status, v.label FROM fiches_fiche f "  # noqa: S608
            "JOIN catalogue_requesttypeversion v ON v.id = f.request_type_id "
            "JOIN catalogue_requesttype t ON t.id = v.request_type_id "
            f"WHERE f.status IN ({statuses}) AND t.family_id = %s AND f.created_at >= %s "
            "AND f.latitude BETWEEN %s AND %s AND f.longitude BETWEEN %s AND %s LIMIT 500",
            [*OPEN_STATUSES, family.pk, since, south, north, west, east],
        )
        return JsonResponse({"rows": cursor.fetchall()})


def bare_detail(request: HttpRequest) -> JsonResponse:
    """The fiche with its type and body, and its timeline."""
    fiche = Fiche.objects.select_related("request_type", "body", "requester").get(
        reference=request.GET["ref"]
    )
    events = [(e.at.isoformat(), e.kind, e.to_status) for e in Event.objects.filter(fiche=fiche)]
    return JsonResponse(
        {"fiche": [fiche.reference, fiche.request_type.label, fiche.status], "events": events}
    )


def scope(request: HttpRequest) -> Q:
    """The fiches of the cell or directorate the query names (all fiches otherwise)."""
    for name in ("cell", "directorate"):
        if request.GET.get(name):
            return Q(**{f"{name}_id": request.GET[name]})
    return Q()


def bare_queue(request: HttpRequest) -> JsonResponse:
    """A cell's or a directorate's first 50 open fiches by due date."""
    rows = [
        (f.reference, f.request_type.label, f.status, f.due_at.isoformat())
        for f in Fiche.objects.select_related("request_type")
        .filter(scope(request), status__in=CELL_STATUSES)
        .order_by("due_at", "id")[:51]
    ]
    return JsonResponse({"rows": rows})


def bare_board(request: HttpRequest) -> JsonResponse:
    """Open and waiting fiches per cell (of a directorate): one grouped count over the open
    fiches."""
    rows = list(
        Fiche.objects.filter(scope(request), status__in=OPEN_STATUSES)
        .order_by()
        .values("cell_id")
        .annotate(open=Count("id"), waiting=Count("id", filter=Q(status=Status.WAITING)))
    )
    return JsonResponse({"rows": rows})


def bare_home(request: HttpRequest) -> JsonResponse:
    """The home page's counters: open fiches, one count."""
    return JsonResponse({"open": Fiche.objects.filter(status__in=OPEN_STATUSES).count()})


def bare_reroute(request: HttpRequest) -> JsonResponse:
    """The fiches sent back to the supervisor: their number, and the first page of them,
    least recently changed first."""
    waiting = Fiche.objects.filter(status=Status.REROUTED)
    rows = [
        (f.reference, f.request_type.label, f.body.short_name)
        for f in waiting.select_related("request_type", "body").order_by("updated_at", "id")[:51]
    ]
    return JsonResponse({"waiting": waiting.count(), "rows": rows})


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
    path("bench/bare-search/", bare_search),
    path("bench/bare-address-search/", bare_address_search),
    path("bench/bare-duplicates/", bare_duplicates),
    path("bench/bare-detail/", bare_detail),
    path("bench/bare-queue/", bare_queue),
    path("bench/bare-board/", bare_board),
    path("bench/bare-reroute/", bare_reroute),
    path("bench/bare-home/", bare_home),
    path("bench/bare-tracking/", bare_tracking),
    path("bench/bare-export/", bare_export),
    path("", include("allo_mairie.urls")),
]
