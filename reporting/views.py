"""The service barometer's page and exports (thin views: the form parses, selectors count)."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.exports import csv_response, xlsx_response
from organisations.access import Scope, scope_for
from reporting import charts, exports
from reporting.figures import Period, quarter_of
from reporting.forms import BarometerForm, last_quarter
from reporting.selectors import Barometer, barometer


def _scope(request: HttpRequest) -> Scope:
    scope = scope_for(request.user)
    if not scope.sees_service_figures:
        raise PermissionDenied
    return scope


@login_required
def page(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    form = BarometerForm(request.GET)
    if not form.is_valid():
        return render(request, "reporting/barometer.html", {"form": form}, status=400)
    result = barometer(scope, form.period, form.cleaned_data["by"])
    metric = form.cleaned_data["map"]
    links = _links(scope, result)
    chart_values = [row.counts["received"] for row in result.rows]
    map_values = {
        row.key: (row.counts["received"] if metric == "received" else row.figures["compliance"])
        for row in result.arrondissements
    }
    unit = "" if metric == "received" else " %"
    context = {
        "form": form,
        "result": result,
        "total": result.total,
        "query": urlencode(form.cleaned_data | {"date_from": form.period.start, "date_to": form.period.end}),
        "periods": _quick_periods(date.today(), form.cleaned_data["by"]),
        "rows": [(row, links.get(id(row))) for row in result.rows],
        "total_link": links.get(id(result.total)),
        "chart": mark_safe(  # noqa: S308 - drawn by reporting.charts, every text escaped there
            charts.bar_chart(
                _("Fiches received by %(dimension)s") % {"dimension": result.dimension.label},
                [row.label for row in result.rows],
                chart_values,
            )
        ),
        "map": mark_safe(  # noqa: S308 - drawn by reporting.charts, every text escaped there
            charts.arrondissement_map(
                _("Map of the 16 arrondissements; the figures are in the table beside it."), map_values, unit
            )
        ),
        "map_metric": dict(form.fields["map"].choices)[metric],
        "ageing": [
            (_("Less than 2 days"), result.total.backlog.get("age_0_2")),
            (_("2 to 7 days"), result.total.backlog.get("age_2_7")),
            (_("7 to 30 days"), result.total.backlog.get("age_7_30")),
            (_("More than 30 days"), result.total.backlog.get("age_30")),
        ],
    }
    return render(request, "reporting/barometer.html", context)


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    scope = _scope(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = BarometerForm(request.GET)
    if not form.is_valid():
        errors = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    result = barometer(scope, form.period, form.cleaned_data["by"])
    if request.GET.get("table") == "arrondissements":
        head = [_("Arrondissement"), *(str(title) for _, title, _ in exports.MAP_COLUMNS)]
        rows, name = exports.map_table(result), "barometre-arrondissements"
    else:
        head, rows, name = exports.header(result), exports.table(result), f"barometre-{result.dimension.key}"
    name = f"{name}-{form.period.start:%Y%m%d}-{form.period.end:%Y%m%d}"
    return (csv_response if fmt == "csv" else xlsx_response)(name, head, rows)


def _links(scope: Scope, result: Barometer) -> dict[int, str]:
    """The fiche list matching each row (by ``id`` of the row), for those who see fiches
    (the list applies their scope again); nobody else gets a link."""
    if not scope.sees_fiches:
        return {}
    base = reverse("fiches:list")
    dimension = result.dimension
    links = {}
    for row in [*result.rows, result.total]:
        period = row.period or result.period
        params: dict[str, object] = {"date_from": period.start, "date_to": period.end}
        if row is not result.total and not dimension.time_unit:
            if not dimension.list_filter or row.key in (None, ""):
                continue
            params[dimension.list_filter] = row.key
        links[id(row)] = f"{base}?{urlencode(params)}"
    return links


def _quick_periods(today: date, by: str) -> list[tuple[str, str]]:
    """The periods the committee looks at most: (label, query string)."""
    current = quarter_of(today)
    previous = last_quarter(today)
    year_start = date(today.year, 1, 1)
    last_year = Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    periods = [
        (_("This quarter"), current.start, today),
        (_("Last quarter"), previous.start, previous.end),
        (_("Since 1 January"), year_start, today),
        (_("Last year"), last_year.start, last_year.end),
        (_("Last 12 months"), today - timedelta(days=364), today),
    ]
    keep = by if by != "day" else "week"
    return [
        (label, urlencode({"date_from": start, "date_to": end, "by": keep})) for label, start, end in periods
    ]
