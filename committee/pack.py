"""The quarterly pack: the figures of a quarter gathered once (a JSON snapshot kept with the
pack), then written as a PDF (WeasyPrint, co-branded, table of contents, server-side SVG
charts) and an XLSX with the same figures. Only aggregates: no fiche, no personal data.

The financial position comes from a hook (docs/committee.md): the dotted path in
``settings.COMMITTEE_FINANCIAL_POSITION`` (default ``finance.committee.financial_position``),
called with the period when that app is installed; otherwise the section says it is not
available.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from committee.models import ChangeRequest
from core.dates import french_date
from core.exports import xlsx_workbook
from organisations.models import Body
from reporting import charts, exports
from reporting.figures import Period
from reporting.selectors import EVERY_FIGURE, barometer

DEFAULT_FINANCE_HOOK = "finance.committee.financial_position"


def quarter_period(year: int, quarter: int) -> Period:
    from reporting.figures import quarter_of

    return quarter_of(date(year, 3 * quarter - 2, 1))


def financial_position(period: Period) -> dict[str, Any]:
    """{"available": bool, "rows": [[label, value], …], "note": str} from the finance app's hook."""
    path = getattr(settings, "COMMITTEE_FINANCIAL_POSITION", DEFAULT_FINANCE_HOOK)
    app_label = path.split(".", 1)[0]
    if not apps.is_installed(app_label):
        return {"available": False, "rows": [], "note": _("The cost-sharing part is not available yet.")}
    hook: Callable[[Period], dict[str, Any]] = import_string(path)
    result = hook(period)
    return {"available": True, "rows": result.get("rows", []), "note": result.get("note", "")}


def table_of(result, columns=exports.COLUMNS) -> dict[str, Any]:
    return {"header": exports.header(result, columns), "rows": exports.table(result, columns)}


def collect(period: Period, progress: Callable[[int, str], None] = lambda p, s: None) -> dict[str, Any]:
    """Every figure of the pack, as plain JSON values."""
    progress(5, "service barometer")
    by_directorate = barometer(EVERY_FIGURE, period, "directorate")
    by_month = barometer(EVERY_FIGURE, period, "month")
    by_body = barometer(EVERY_FIGURE, period, "body")
    progress(30, "telephone barometer")
    telephone = telephone_figures(period)
    progress(40, "change requests")
    total = by_directorate.total
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "key_figures": {
            "received": total.counts["received"],
            "received_previous": total.changes["received_previous"].before,
            "received_year_before": total.changes["received_year"].before,
            "compliance": total.figures["compliance"],
            "compliance_previous": total.changes["compliance_previous"].before,
            "compliance_year_before": total.changes["compliance_year"].before,
            "ack_median_h": total.percentiles.get("ack", {}).get(50),
            "resolution_median_h": total.percentiles.get("resolution", {}).get(50),
            "resolution_p90_h": total.percentiles.get("resolution", {}).get(90),
            "backlog": total.backlog.get("backlog"),
            "overdue": total.backlog.get("overdue"),
            "rerouted": total.counts["rerouted"],
            "other_body": total.counts["other_body"],
            "delay_lost_median_h": total.percentiles.get("delay_lost", {}).get(50),
            "reopened": total.counts["reopened"],
            "answers": total.counts["answers"],
            "satisfied_pct": total.figures["satisfied_share"],
            "average_score": total.figures["average_score"],
        },
        "by_directorate": table_of(by_directorate),
        "by_month": table_of(by_month),
        "by_body": table_of(by_body),
        "arrondissements": {
            "header": [_("Arrondissement"), *(str(t) for _n, t, _r in exports.MAP_COLUMNS)],
            "rows": exports.map_table(by_directorate),
        },
        "telephone": telephone,
        "changes": _changes(),
        "financial": financial_position(period),
    }


def telephone_figures(period: Period) -> dict[str, Any]:
    from telephony import selectors
    from telephony.kpi import SL_FORMULAS

    filters = selectors.Filters(date_from=period.start, date_to=period.end, in_hours_only=True)
    now, before = selectors.totals(filters), selectors.totals(filters.previous())
    names = ("offered", "answered", "abandoned", "service_level", "answer_rate", "abandon_rate", "asa", "aht")
    return {
        "formula": filters.formula,
        "formula_text": SL_FORMULAS[filters.formula],
        "threshold": filters.threshold,
        "rows": [[name, _round(now[name]), _round(before[name])] for name in names],
    }


def _round(value: Any) -> Any:
    return round(value, 3) if isinstance(value, float) else value


def _changes() -> list[list[Any]]:
    pending = ChangeRequest.objects.filter(status=ChangeRequest.Status.PROPOSED).select_related(
        "request_type"
    )
    return [
        [
            str(change.get_kind_display()),
            change.request_type.code,
            french_date(change.effective_date),
            change.impact.get("type_total"),
            change.impact.get("other_body"),
            change.impact.get("key_before"),
            change.impact.get("key_after"),
        ]
        for change in pending.order_by("effective_date", "pk")
    ]


TELEPHONE_LABELS = {
    "offered": gettext_noop("Calls offered"),
    "answered": gettext_noop("Calls answered"),
    "abandoned": gettext_noop("Calls abandoned"),
    "service_level": gettext_noop("Service level"),
    "answer_rate": gettext_noop("Answer rate"),
    "abandon_rate": gettext_noop("Abandon rate"),
    "asa": gettext_noop("Average speed of answer (s)"),
    "aht": gettext_noop("Average handling time (s)"),
}


def _change_header() -> list[str]:
    return [
        _("Request"),
        _("Type"),
        _("Proposed effective date"),
        _("Fiches of this type"),
        _("Would have gone to another body"),
        _("Allocation key before (%)"),
        _("Allocation key after (%)"),
    ]


PDF_COLUMNS = (
    "received",
    "received_previous",
    "received_year_before",
    "resolved",
    "compliance_pct",
    "ack_median_h",
    "resolution_median_h",
    "resolution_p90_h",
    "backlog_at_end",
    "overdue_at_end",
    "rerouted",
    "reopened",
    "satisfied_pct",
)


def narrow(table: dict[str, Any]) -> dict[str, Any]:
    """The columns that fit an A4 page (the XLSX has them all)."""
    names = [name for name, _t, _r in exports.COLUMNS]
    keep = [0, *(1 + names.index(name) for name in PDF_COLUMNS)]
    return {
        "header": [table["header"][i] for i in keep],
        "rows": [[row[i] for i in keep] for row in table["rows"]],
    }


def pack_html(figures: dict[str, Any], title: str) -> str:
    directorate_rows = figures["by_directorate"]["rows"][:-1]
    chart = charts.bar_chart(
        _("Fiches received by directorate"),
        [str(r[0]) for r in directorate_rows],
        [r[1] for r in directorate_rows],
    )
    arrondissements = {n: row[1] for n, row in enumerate(figures["arrondissements"]["rows"], start=1)}
    tile_map = charts.arrondissement_map(_("Fiches received by arrondissement"), arrondissements)
    bodies = list(Body.objects.order_by("kind", "name"))
    return render_to_string(
        "committee/pack.html",
        {
            "title": title,
            "f": figures,
            "tables": {name: narrow(figures[name]) for name in ("by_month", "by_directorate", "by_body")},
            "k": figures["key_figures"],
            "chart": chart,
            "tile_map": tile_map,
            "bodies": bodies,
            "telephone_rows": [
                [_(TELEPHONE_LABELS[name]), now, before] for name, now, before in figures["telephone"]["rows"]
            ],
            "change_header": _change_header(),
            "generated": timezone.localtime(),
        },
    )


def pack_xlsx(figures: dict[str, Any]) -> bytes:
    k = figures["key_figures"]
    telephone = figures["telephone"]
    return xlsx_workbook(
        [
            (_("Key figures"), [_("Figure"), _("Value")], [[name, value] for name, value in k.items()]),
            (_("By directorate"), figures["by_directorate"]["header"], figures["by_directorate"]["rows"]),
            (_("By month"), figures["by_month"]["header"], figures["by_month"]["rows"]),
            (_("By body"), figures["by_body"]["header"], figures["by_body"]["rows"]),
            (_("Arrondissements"), figures["arrondissements"]["header"], figures["arrondissements"]["rows"]),
            (
                _("Telephone"),
                [_("Indicator"), _("Quarter"), _("Previous period"), _("Service-level formula")],
                [
                    [
                        _(TELEPHONE_LABELS[name]),
                        now,
                        before,
                        f"{telephone['formula']}: {telephone['formula_text']}",
                    ]
                    for name, now, before in telephone["rows"]
                ],
            ),
            (_("Change requests"), _change_header(), figures["changes"]),
            (
                _("Financial position"),
                [_("Item"), _("Value")],
                figures["financial"]["rows"] or [[figures["financial"]["note"], None]],
            ),
        ]
    )
