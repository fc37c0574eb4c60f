"""The project's URLs plus the bare baseline of Open311 GET requests."""

from datetime import timedelta

from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from fiches.models import Fiche


def bare_requests(request: HttpRequest) -> JsonResponse:
    """The minimal equivalent of GET requests: one SQL query for the same 100 rows."""
    qs = Fiche.objects.select_related("request_type__request_type", "body")
    if request.GET.get("service_code"):
        qs = qs.filter(
            request_type__request_type__code=request.GET["service_code"],
            created_at__gte=parse_datetime(request.GET["start_date"]),
            created_at__lte=parse_datetime(request.GET["end_date"]),
        )
    else:
        qs = qs.filter(created_at__gte=timezone.now() - timedelta(days=90))
    rows = [
        (f.reference, f.status, f.request_type.request_type.code, f.body.name, f.created_at.isoformat())
        for f in qs.order_by("-created_at", "-id")[:100]
    ]
    return JsonResponse({"rows": rows})


urlpatterns = [path("bench/bare-requests/", bare_requests), path("", include("allo_mairie.urls"))]
