"""The annual activity report (A7.7): the year's figures gathered once (a JSON snapshot), then
a PDF and its XLSX annex. Only aggregates, like the quarterly pack."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from catalogue.models import RequestTypeVersion
from committee.models import ActivityReport, Attendance, ChangeRequest, Meeting
from committee.pack import TELEPHONE_LABELS, financial_position, narrow, table_of, telephone_figures
from core.dates import french_date
from core.exports import xlsx_workbook
from finance.counting import CountingRule
from finance.models import AllocationKey
from finance.selectors import count_key, counted_fiches, for_partner, key_basis
from organisations.models import Body
from reporting import charts
from reporting.figures import Period, share
from reporting.selectors import EVERY_FIGURE, barometer, local_bounds


def allocation_key(report: ActivityReport) -> dict[str, Any]:
    """The key of the report's year as the money counts it: the convention's stored key (its
    numbers and its rule) when one was computed, otherwise ``finance.selectors.count_key``
    now with the rule of the convention's latest key."""
    stored = (
        AllocationKey.objects.filter(agreement=report.agreement_id, year=report.year).first()
        if report.agreement_id
        else None
    )
    if stored is not None:
        partner, total, rule = stored.numerator, stored.denominator, CountingRule.from_dict(stored.rule)
        status = (
            _("validated on %(day)s") % {"day": french_date(stored.validated_at)}
            if stored.validated
            else _("computed on %(day)s, not yet validated") % {"day": french_date(stored.computed_at)}
        )
    else:
        basis = key_basis(report.start, report.agreement)
        rule = basis.rule
        if basis.agreement is not None:
            partner, total = count_key(basis.agreement.partner_id, report.start, report.end, rule)
        else:
            counts = counted_fiches(report.start, report.end, rule).aggregate(
                total=Count("pk"), partner=Count("pk", filter=for_partner(rule, basis.partner_ids))
            )
            partner, total = counts["partner"], counts["total"]
        status = _("observed, not computed by the finance officers yet")
    return {
        "partner": partner,
        "total": total,
        "key": share(partner, total),
        "status": status,
        "rule": " ".join(rule.describe()),
    }


def collect(report: ActivityReport) -> dict[str, Any]:
    period = Period(report.start, report.end)
    start, end = local_bounds(period)
    by_month = barometer(EVERY_FIGURE, period, "month")
    by_directorate = barometer(EVERY_FIGURE, period, "directorate")
    total = by_directorate.total
    meetings = Meeting.objects.filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at")
    decided = ChangeRequest.objects.filter(decided_at__gte=start, decided_at__lt=end).select_related(
        "request_type", "meeting"
    )
    published = (
        RequestTypeVersion.objects.filter(
            status=RequestTypeVersion.Status.PUBLISHED, effective_from__gte=start, effective_from__lt=end
        )
        .select_related("request_type")
        .order_by("effective_from", "request_type__code")
    )
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "convention": str(report.agreement) if report.agreement_id else "",
        "activity": {
            "received": total.counts["received"],
            "received_year_before": total.changes["received_year"].before,
            "compliance": total.figures["compliance"],
            "compliance_year_before": total.changes["compliance_year"].before,
            "satisfied_pct": total.figures["satisfied_share"],
            "rerouted": total.counts["rerouted"],
        },
        "by_month": table_of(by_month),
        "by_directorate": table_of(by_directorate),
        "telephone": telephone_figures(period),
        "key": allocation_key(report),
        "meetings": [
            [str(m), french_date(m.starts_at), m.present, m.campaigns]
            for m in meetings.annotate(
                present=Count("attendance", filter=Q(attendance__status=Attendance.Status.PRESENT))
            )
        ],
        "decisions": [
            [
                str(c.get_kind_display()),
                c.request_type.code,
                str(c.get_status_display()),
                french_date(c.decided_at),
                str(c.meeting) if c.meeting else str(c.get_decided_in_display()),
            ]
            for c in decided
        ],
        "versions": [
            [
                v.request_type.code,
                v.number,
                french_date(v.effective_from),
                v.reason,
            ]
            for v in published
        ],
        "financial": financial_position(period),
    }


def report_html(report: ActivityReport) -> str:
    f = report.figures
    months = f["by_month"]["rows"][:-1]
    return render_to_string(
        "committee/annual.html",
        {
            "report": report,
            "f": f,
            "tables": {name: narrow(f[name]) for name in ("by_month", "by_directorate")},
            "chart": charts.bar_chart(
                _("Fiches received by month"), [str(r[0]) for r in months], [r[1] for r in months]
            ),
            "bodies": list(Body.objects.order_by("kind", "name")),
            "telephone_rows": _telephone_rows(f),
        },
    )


def _telephone_rows(f: dict[str, Any]) -> list[list[Any]]:
    return [[_(TELEPHONE_LABELS[name]), now, before] for name, now, before in f["telephone"]["rows"]]


def report_xlsx(report: ActivityReport) -> bytes:
    f = report.figures
    key = f["key"]
    return xlsx_workbook(
        [
            (_("Activity"), [_("Figure"), _("Value")], [[k, v] for k, v in f["activity"].items()]),
            (_("By month"), f["by_month"]["header"], f["by_month"]["rows"]),
            (_("By directorate"), f["by_directorate"]["header"], f["by_directorate"]["rows"]),
            (
                _("Telephone"),
                [_("Indicator"), _("Year"), _("Previous period")],
                _telephone_rows(f),
            ),
            (
                _("Allocation key"),
                [_("Partner fiches"), _("All fiches"), _("Key (%)"), _("Status"), _("Counting rule")],
                [[key["partner"], key["total"], key["key"], key.get("status", ""), key["rule"]]],
            ),
            (_("Meetings"), [_("Meeting"), _("Date"), _("Present"), _("Campaigns")], f["meetings"]),
            (_("Decisions"), [_("Request"), _("Type"), _("Decision"), _("Date"), _("Where")], f["decisions"]),
            (_("Nomenclature"), [_("Type"), _("Version"), _("Effective from"), _("Reason")], f["versions"]),
        ]
    )
