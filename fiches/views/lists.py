"""Fiche lists: search with filters, keyset pagination, CSV/XLSX export of the current filter."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import csv_response, xlsx_response
from core.urls import fixed_url, url_base
from fiches.forms import FicheFilterForm
from fiches.models import Fiche, is_overdue
from fiches.selectors import (
    MAP_LIMIT,
    Found,
    find_fiches,
    keyset_page,
    located_points,
    visible_fiches,
)
from organisations.access import scope_for

EXPORT_HEADER = [
    _("Reference"),
    _("Created at"),
    _("Channel"),
    _("Kind"),
    _("Type code"),
    _("Type"),
    _("Family"),
    _("Body"),
    _("Directorate"),
    _("Status"),
    _("Priority"),
    _("Due"),
    _("Resolved at"),
    _("Late"),
    _("Street"),
    _("Postal code"),
    _("Arrondissement"),
    _("Sector"),
]


def _filtered(request: HttpRequest) -> tuple[FicheFilterForm, Found]:
    scope = scope_for(request.user)
    if not scope.sees_fiches:
        raise PermissionDenied
    form = FicheFilterForm(request.GET or None)
    filters = {}
    if form.is_bound:
        form.full_clean()
        # the valid filters apply; a refused one (a date that does not exist) says why by its
        # field: ignoring them all listed every fiche under "N fiches match the filters"
        filters = form.cleaned_data
    return form, find_fiches(scope, filters)


@login_required
def fiche_list(request: HttpRequest) -> HttpResponse:
    form, found = _filtered(request)
    queryset = found.fiches
    sort = (form.cleaned_data.get("sort") if form.is_bound else "") or "newest"
    page = keyset_page(queryset, request.GET.get("after"), sort=sort, rows=True)
    query = request.GET.copy()
    query.pop("after", None)
    on_map = query.pop("vue", None) == ["carte"]
    total, more = found.capped_count()
    return render(
        request,
        "fiches/list.html",
        {
            "form": form,
            "page": page,
            "total": total,
            "more": more,
            "query": query.urlencode(),
            "now": timezone.now(),
            "on_map": on_map,
            "points": located_points(queryset, url_base("fiches:detail")) if on_map else [],
            "map_limit": MAP_LIMIT,
            "export_csv": fixed_url("fiches:export", ("csv",)),
            "export_xlsx": fixed_url("fiches:export", ("xlsx",)),
        },
    )


def _labels(field: str) -> dict:
    """A choice field's labels, each translated once per export: the export reads plain
    values, not fiches, so it has no ``get_FOO_display`` to call (core.choices)."""
    return {value: str(label) for value, label in Fiche._meta.get_field(field).flatchoices}


EXPORT_COLUMNS = (
    "reference", "created_at", "channel", "kind", "request_type__request_type__code",
    "request_type__label", "request_type__request_type__family__label", "body__short_name",
    "directorate__name", "status", "priority", "due_at", "resolved_at", "was_late",
    "street_number", "street_name", "postal_code", "arrondissement", "sector",
)  # fmt: skip


def _export_rows(queryset):
    """The rows read as plain values (no model instance per fiche and its relations): the
    "late" column is Fiche.is_overdue's rule (``fiches.models.is_overdue``)."""
    channels, kinds, statuses, priorities = map(_labels, ("channel", "kind", "status", "priority"))
    yes, no = _("yes"), _("no")
    now = timezone.now()
    rows = queryset.order_by("-created_at", "-id").values(*EXPORT_COLUMNS).iterator(chunk_size=2000)
    for f in rows:
        status, due_at = f["status"], f["due_at"]
        late = is_overdue(status, due_at, f["was_late"], now)
        yield [
            f["reference"],
            f["created_at"],
            channels.get(f["channel"], f["channel"]),
            kinds.get(f["kind"], f["kind"]),
            f["request_type__request_type__code"],
            f["request_type__label"],
            f["request_type__request_type__family__label"],
            f["body__short_name"],
            f["directorate__name"],
            statuses.get(status, status),
            priorities.get(f["priority"], f["priority"]),
            due_at,
            f["resolved_at"],
            yes if late else no,
            f"{f['street_number']} {f['street_name']}".strip(),
            f["postal_code"],
            f["arrondissement"],
            f["sector"],
        ]


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The current filter as a spreadsheet. No personal data of requesters is exported."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _form, found = _filtered(request)
    queryset = found.fiches
    name = f"fiches-{timezone.localdate():%Y%m%d}"
    if fmt == "xlsx":
        return xlsx_response(name, EXPORT_HEADER, _export_rows(queryset))
    return csv_response(name, EXPORT_HEADER, _export_rows(queryset))


@login_required
def lookup(request: HttpRequest) -> HttpResponse:
    """Jump to a fiche by its reference (the search box in the header)."""
    reference = request.GET.get("reference", "").strip().upper().replace(" ", "")
    if reference and visible_fiches(request.user).filter(reference=reference).exists():
        return redirect("fiches:detail", reference=reference)
    if reference:
        messages.warning(request, _("No fiche %(ref)s among those you can see.") % {"ref": reference})
    return redirect(f"{reverse('fiches:list')}?{urlencode({'q': reference})}")
