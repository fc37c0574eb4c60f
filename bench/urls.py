"""The project's URLs plus the bare baseline views the benchmarks compare against."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path

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


urlpatterns = [path("bench/bare-list/", bare_list), path("", include("allo_mairie.urls"))]
