"""The barometer's tables as rows of plain values: one definition for the page's exports
(CSV/XLSX through core.exports), the ``barometer`` command and the quarterly pack."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reporting.selectors import Barometer, Row


def _change(name: str, which: str) -> Callable[[Row], Any]:
    def read(row: Row) -> Any:
        change = row.changes.get(f"{name}_{which}")
        return None if change is None else change.before

    return read


def _percentile(metric: str, percentile: int) -> Callable[[Row], Any]:
    return lambda row: row.percentiles.get(metric, {}).get(percentile)


# (machine name, header, reader): the CSV/JSON of the command uses the machine names.
COLUMNS: list[tuple[str, Any, Callable[[Row], Any]]] = [
    ("received", _("Fiches received"), lambda r: r.counts["received"]),
    ("received_previous", _("Received, previous period"), _change("received", "previous")),
    ("received_year_before", _("Received, a year before"), _change("received", "year")),
    ("duplicates", _("Duplicates"), lambda r: r.counts["duplicates"]),
    ("rejected", pgettext_lazy("fiches counted", "Rejected"), lambda r: r.counts["rejected"]),
    ("resolved", pgettext_lazy("fiches counted", "Resolved"), lambda r: r.counts["resolved"]),
    ("on_time", _("Resolved within the deadline"), lambda r: r.counts["on_time"]),
    ("compliance_pct", _("Within the deadline (%)"), lambda r: r.figures["compliance"]),
    (
        "compliance_previous_pct",
        _("Within the deadline, previous period (%)"),
        _change("compliance", "previous"),
    ),
    (
        "compliance_year_before_pct",
        _("Within the deadline, a year before (%)"),
        _change("compliance", "year"),
    ),
    ("ack_median_h", _("Acknowledgement, median (working hours)"), _percentile("ack", 50)),
    ("ack_p90_h", _("Acknowledgement, 90th percentile (working hours)"), _percentile("ack", 90)),
    ("resolution_median_h", _("Resolution, median (working hours)"), _percentile("resolution", 50)),
    ("resolution_p90_h", _("Resolution, 90th percentile (working hours)"), _percentile("resolution", 90)),
    ("open", _("Still open today"), lambda r: r.counts["open"]),
    ("backlog_at_end", _("Open at the end of the period"), lambda r: r.backlog.get("backlog")),
    ("overdue_at_end", _("Overdue at the end of the period"), lambda r: r.backlog.get("overdue")),
    ("reopened", pgettext_lazy("fiches counted", "Reopened"), lambda r: r.counts["reopened"]),
    ("sent_back", _("Sent back by a cell"), lambda r: r.counts["sent_back"]),
    ("rerouted", _("Re-routed"), lambda r: r.counts["rerouted"]),
    ("other_body", _("Re-routed to another body"), lambda r: r.counts["other_body"]),
    ("delay_lost_median_h", _("Delay lost by re-routing, median (hours)"), _percentile("delay_lost", 50)),
    ("survey_answers", _("Satisfaction answers"), lambda r: r.counts["answers"]),
    ("average_score", _("Average score (1 to 5)"), lambda r: r.figures["average_score"]),
    ("satisfied_pct", _("Satisfied, 4 or 5 (%)"), lambda r: r.figures["satisfied_share"]),
]
MAP_COLUMNS = [c for c in COLUMNS if c[0] in ("received", "resolved", "on_time", "compliance_pct")]


def header(result: Barometer, columns=COLUMNS) -> list[str]:
    return [str(result.dimension.label), *(str(title) for _, title, _ in columns)]


def table(result: Barometer, columns=COLUMNS) -> list[list[Any]]:
    """The rows then the total, as the page shows them."""
    return [[row.label, *(read(row) for _, _, read in columns)] for row in [*result.rows, result.total]]


def map_table(result: Barometer) -> list[list[Any]]:
    return [[row.label, *(read(row) for _, _, read in MAP_COLUMNS)] for row in result.arrondissements]


def records(result: Barometer) -> list[dict[str, Any]]:
    """The rows and the total keyed by machine names (the command's JSON and CSV)."""
    return [
        {"key": _plain(row.key), "label": row.label, **{name: read(row) for name, _, read in COLUMNS}}
        for row in [*result.rows, result.total]
    ]


def _plain(key: Any) -> Any:
    return key.isoformat() if hasattr(key, "isoformat") else key
