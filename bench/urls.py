"""The project's URLs plus the bare baseline views the benchmarks compare against."""

from datetime import timedelta

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.utils import timezone

from fiches.models import Fiche


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


urlpatterns = [
    path("bench/bare-list/", bare_list),
    path("bench/bare-address-search/", bare_address_search),
    path("bench/bare-duplicates/", bare_duplicates),
    path("", include("allo_mairie.urls")),
]
