"""Telephone statistics pages: barometer, drill-down, staffing, import (thin views)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from functools import wraps
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from organisations.access import scope_for
from telephony import erlang, exports, selectors
from telephony.forms import FIRST_DAY, LAST_DAY, CsvImportForm, FilterForm, StaffingForm, UploadForm
from telephony.kpi import SL_FORMULAS
from telephony.models import ImportRun
from telephony.tasks import run_import

WEEKDAYS = [
    gettext_lazy(day)
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def statistics_access(*, supervisors_only: bool = False):
    """Supervisors/administrators; committee members too (figures only) unless excluded."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, *args, **kwargs):
            scope = scope_for(request.user)
            allowed = scope.is_supervisor if supervisors_only else scope.sees_telephone_figures
            if not allowed:
                raise PermissionDenied
            request.telephony_full = scope.is_supervisor  # may see agents and call ids
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _filters(request: HttpRequest) -> tuple[FilterForm, selectors.Filters, str]:
    form = FilterForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.Filters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            queue_ids=[data["queue"].pk] if data["queue"] else [],
            in_hours_only=data["hours"] == "open",
        )
        return form, filters, data["interval"]
    return form, selectors.Filters.default(), "day"


def _quick_periods(today: date, keep: dict[str, str]) -> list[tuple[str, str]]:
    """Links to the periods a supervisor looks at most, keeping the other filters in ``keep``:
    (label, query string)."""
    first_of_month = today.replace(day=1)
    last_month_end = first_of_month - timedelta(days=1)
    periods = [
        (_("Today"), today, today, "30"),
        (_("Last 7 days"), today - timedelta(days=6), today, "day"),
        (_("Last 4 weeks"), today - timedelta(days=27), today, "day"),
        (_("Last month"), last_month_end.replace(day=1), last_month_end, "day"),
        (_("Last 12 months"), (first_of_month - timedelta(days=335)).replace(day=1), today, "month"),
    ]
    return [
        (
            label,
            urlencode(
                {**keep, "date_from": start.isoformat(), "date_to": end.isoformat(), "interval": interval}
            ),
        )
        for label, start, end, interval in periods
    ]


def _label(row: dict, interval: str, *, with_day: bool = True) -> str:
    if interval == "slot":
        m = row["minute"]
        return f"{WEEKDAYS[row['weekday']]} {m // 60:02d}:{m % 60:02d}"
    if "minute" in row and row.get("minute") is not None:
        m = row["minute"]
        prefix = f"{row['day']:%d/%m} " if with_day and row.get("day") else ""
        return f"{prefix}{m // 60:02d}:{m % 60:02d}"
    if interval == "month":
        return f"{row['day']:%m/%Y}"
    return f"{row['day']:%d/%m/%Y}"


def _sl_context(filters: selectors.Filters) -> dict:
    return {
        "sl_formula": filters.formula,
        "sl_formula_text": SL_FORMULAS[filters.formula],
        "sl_threshold": filters.threshold,
        "short_threshold": filters.short_threshold,
    }


@statistics_access()
def dashboard(request: HttpRequest) -> HttpResponse:
    form, filters, interval = _filters(request)
    rows = selectors.kpi_rows(filters, interval)
    for row in rows:
        row["label"] = _label(row, interval)
    chart = {
        "labels": [r["label"] for r in rows],
        "offered": [r["offered"] for r in rows],
        "answered": [r["answered"] for r in rows],
        "abandoned": [r["abandoned"] for r in rows],
        "service_level": [
            round(100 * r["service_level"], 1) if r["service_level"] is not None else None for r in rows
        ],
        "i18n": {
            "offered": _("Offered"),
            "answered": _("Answered"),
            "abandoned": _("Abandoned"),
            "service_level": _("Service level %(formula)s (%%)") % {"formula": filters.formula},
        },
    }
    heat = selectors.heatmap(filters)
    for row in heat["rows"]:
        row["label"] = str(WEEKDAYS[row["weekday"]])
    before_filters = filters.previous()
    before = selectors.totals(before_filters)
    context = {
        "form": form,
        "filters": filters,
        "interval": interval,
        "rows": rows,
        "totals": selectors.totals(filters, rows),
        "out_of_hours": selectors.out_of_hours(filters),
        "before": before,
        "before_filters": before_filters,
        "periods": _quick_periods(
            date.today(), {k: v for k, v in request.GET.items() if k in ("queue", "hours")}
        ),
        "calls": selectors.call_totals(filters),
        "chart": chart,
        "heat": heat,
        "agents": selectors.agent_rows(filters) if request.telephony_full else None,
        "query": request.GET.urlencode(),
        **_sl_context(filters),
    }
    return render(request, "telephony/dashboard.html", context)


@statistics_access()
def day_detail(request: HttpRequest, day: str) -> HttpResponse:
    try:
        the_day = date.fromisoformat(day)
    except ValueError as exc:
        raise Http404 from exc
    if not FIRST_DAY <= the_day <= LAST_DAY:
        raise Http404
    form, filters, _interval = _filters(request)
    filters.date_from = filters.date_to = the_day
    rows = selectors.kpi_rows(filters, "30")
    for row in rows:
        row["label"] = _label(row, "30", with_day=False)
    page, after, has_next = [], None, False
    if request.telephony_full:
        after_param = request.GET.get("after", "")
        if after_param:
            try:
                stamp, pk = after_param.rsplit("_", 1)
                after = (datetime.fromisoformat(stamp), int(pk))
            except ValueError:
                after = None
            if after and (after[0].tzinfo is None or not FIRST_DAY <= after[0].date() <= LAST_DAY):
                after = None  # not a link of the page
        page, has_next = selectors.passage_page(filters, the_day, None, after)
    next_after = f"{page[-1].entered_at.isoformat()}_{page[-1].pk}" if page and has_next else ""
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "telephony/day.html",
        {
            "day": the_day,
            "rows": rows,
            "totals": selectors.totals(filters, rows),
            "passages": page,
            "next_after": next_after,
            "query": query.urlencode(),
            "previous_day": the_day - timedelta(days=1),
            "next_day": the_day + timedelta(days=1),
            **_sl_context(filters),
        },
    )


@statistics_access()
def export(request: HttpRequest) -> HttpResponse:
    form, filters, interval = _filters(request)
    if not form.is_valid():  # the barometer says what is wrong; no file of another period
        return redirect(f"{reverse('telephony:dashboard')}?{request.GET.urlencode()}")
    rows = selectors.kpi_rows(filters, interval, by_queue=True)
    header, body = exports.table(rows, interval, filters.formula, labelled=True)
    daily_header, daily_body = exports.table(
        selectors.kpi_rows(filters, "day"), "day", filters.formula, labelled=True
    )
    sheets = [(_("KPIs by interval"), header, body), (_("KPIs by day"), daily_header, daily_body)]
    if request.telephony_full:
        agents = selectors.agent_rows(filters)
        sheets.append(
            (
                _("Agents"),
                [
                    _("Agent"),
                    _("Calls"),
                    _("Talk (s)"),
                    _("Average talk (s)"),
                    _("Pause (s)"),
                    _("Unanswered rings"),
                ],
                [[a["agent"], a["calls"], a["talk"], a["avg_talk"], a["pause"], a["rings"]] for a in agents],
            )
        )
    notes = [
        _("Telephone statistics from %(start)s to %(end)s")
        % {"start": filters.date_from, "end": filters.date_to},
        _("Service level: formula %(code)s = %(text)s, threshold %(t)s s")
        % {"code": filters.formula, "text": SL_FORMULAS[filters.formula], "t": filters.threshold},
        _("Short abandons: wait under %(s)s s. Rates are ratios (0 to 1).") % {"s": filters.short_threshold},
        _("Calls within opening hours; %(n)s queue passages outside them are counted apart.")
        % {"n": selectors.out_of_hours(filters)}
        if filters.in_hours_only
        else _("All calls, within and outside opening hours."),
    ]
    content = exports.to_xlsx(sheets, notes)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="telephonie-{filters.date_from}-{filters.date_to}.xlsx"'
    )
    return response


@statistics_access()
def staffing(request: HttpRequest) -> HttpResponse:
    form = StaffingForm(request.GET or None)
    params = {"weeks": 8, "target": 80.0, "shrinkage": 100 * settings.TELEPHONY_SHRINKAGE, "patience": None}
    if form.is_bound and form.is_valid():
        params.update({k: v for k, v in form.cleaned_data.items() if v is not None or k == "patience"})
    elif not form.is_bound:
        form = StaffingForm(initial=params)
    today = date.today()
    filters = selectors.Filters(
        date_from=today - timedelta(days=7 * params["weeks"]), date_to=today - timedelta(days=1)
    )
    try:
        plan = selectors.staffing_plan(
            filters,
            target=params["target"] / 100,
            shrinkage=params["shrinkage"] / 100,
            patience=params["patience"],
            after_call_work=settings.TELEPHONY_AFTER_CALL_WORK,
        )
    except ValueError:  # a half-hour's forecast beyond erlang.MAX_LOAD: the history is not a call centre's
        plan = []
        messages.error(
            request,
            _(
                "The calls forecast for a half-hour exceed %(max)s Erlangs: no staffing plan can be "
                "computed from this history."
            )
            % {"max": erlang.MAX_LOAD},
        )
    for row in plan:
        row["weekday_label"] = str(WEEKDAYS[row["weekday"]])
        row["slot_label"] = f"{row['minute'] // 60:02d}:{row['minute'] % 60:02d}"
    if request.GET.get("format") == "xlsx" and not (form.is_bound and form.errors):
        header = [
            _("Weekday"),
            _("Half-hour"),
            _("Forecast calls"),
            _("Handling time (s)"),
            _("Erlangs"),
            _("Agents needed"),
            _("Agents to schedule"),
            _("Service level"),
            _("Occupancy"),
            _("Agents logged in"),
            _("Difference"),
        ]
        body = [
            [
                r["weekday_label"],
                r["slot_label"],
                round(r["calls"], 2),
                round(r["aht"], 1),
                round(r["load"], 2),
                r["agents_needed"],
                r["scheduled"],
                r["service_level"],
                r["occupancy"],
                round(r["logged_in"], 2),
                r["gap"],
            ]
            for r in plan
        ]
        notes = [
            _("Staffing plan of a typical week (Erlang %(model)s)")
            % {"model": "A" if params["patience"] else "C"},
            _(
                "Forecast from the calls of %(start)s to %(end)s; target service level %(target)s %% within "
                "%(t)s s; shrinkage %(shrinkage)s %%; mean caller patience: %(patience)s."
            )
            % {
                "start": filters.date_from,
                "end": filters.date_to,
                "target": params["target"],
                "t": filters.threshold,
                "shrinkage": params["shrinkage"],
                "patience": f"{params['patience']} s" if params["patience"] else "—",
            },
        ]
        response = HttpResponse(exports.to_xlsx([(_("Staffing"), header, body)], notes), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="telephonie-effectifs.xlsx"'
        return response
    return render(
        request,
        "telephony/staffing.html",
        {
            "form": form,
            "plan": plan,
            "params": params,
            "filters": filters,
            "query": request.GET.urlencode(),
            "model": "A" if params["patience"] else "C",
        },
    )


@statistics_access(supervisors_only=True)
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        run = ImportRun.objects.create(
            file_name=Path(upload_file.name).name[:255],
            stored_path=_store_upload(upload_file),
            file_format=form.cleaned_data["file_format"],
            size=upload_file.size,
            created_by=request.user,
        )
        run_import.enqueue(run.pk)
        return redirect("telephony:import_run", pk=run.pk)
    runs = ImportRun.objects.all()[:20]
    return render(request, "telephony/upload.html", {"form": form, "runs": runs})


def _store_upload(upload_file) -> str:
    """Save the upload through the default storage (shared by every node: the task may run
    on another machine); returns the storage name the task reads."""
    suffixes = "".join(Path(upload_file.name).suffixes)[-8:]
    return default_storage.save(f"telephony/{uuid.uuid4().hex}{suffixes}", upload_file)


@statistics_access(supervisors_only=True)
def upload_csv(request: HttpRequest) -> HttpResponse:
    """Generic CSV of another platform, with a column mapping; runs as a task like the rest."""
    form = CsvImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        run = ImportRun.objects.create(
            file_name=Path(upload_file.name).name[:255],
            stored_path=_store_upload(upload_file),
            file_format="csv",
            options={"mapping": form.mapping(), "delimiter": form.separator()},
            size=upload_file.size,
            created_by=request.user,
        )
        run_import.enqueue(run.pk)
        return redirect("telephony:import_run", pk=run.pk)
    return render(request, "telephony/upload_csv.html", {"form": form})


@statistics_access(supervisors_only=True)
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ImportRun, pk=pk)
    template = "telephony/_run_progress.html" if request.htmx else "telephony/run.html"
    return render(request, template, {"run": run})


@require_POST
@statistics_access(supervisors_only=True)
def stop_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask a waiting or running import to stop: it checks between blocks and undoes what it wrote."""
    run = get_object_or_404(ImportRun, pk=pk)
    if run.stoppable:
        ImportRun.objects.filter(pk=run.pk).update(stop_requested=True)
        messages.info(request, _("The import will stop at its next step; what it wrote will be removed."))
    return redirect("telephony:import_run", pk=run.pk)
