"""The address reference's live helpers: type-ahead options and the nearest address to a point."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.parsing import parse_float
from organisations.access import scope_for
from places import selectors


def staff_only(user) -> None:
    scope = scope_for(user)
    if not (scope.is_call_centre or scope.sees_fiches):
        raise PermissionDenied


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    staff_only(request.user)
    query = request.GET.get("address_query", "")[:200]
    return render(request, "places/_options.html", {"hits": selectors.search(query, 8), "query": query})


@login_required
@require_GET
def reverse(request: HttpRequest) -> HttpResponse:
    staff_only(request.user)
    lat = parse_float(request.GET.get("lat"), minimum=42.0, maximum=45.0)
    lon = parse_float(request.GET.get("lon"), minimum=3.0, maximum=8.0)
    hit = selectors.reverse(lat, lon) if lat is not None and lon is not None else None
    return render(request, "places/_reverse.html", {"hit": hit})
