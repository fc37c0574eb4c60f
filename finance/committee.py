"""The financial position of a period for the committee's quarterly pack and annual report
(the hook named by ``COMMITTEE_FINANCIAL_POSITION``; docs/committee.md, docs/finance.md)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from finance.selectors import financial_position as position_between
from finance.templatetags.finance_tags import euros_text


def financial_position(period) -> dict[str, Any]:
    """Rows of (label, value) as text, ready for the pack's JSON snapshot, PDF and XLSX."""
    position = position_between(period.start, period.end)
    rows = [
        [_("Revenue orders issued"), euros_text(position.issued)],
        [_("of which paid"), euros_text(position.paid)],
        [_("Outstanding"), euros_text(position.outstanding)],
    ]
    for order in position.orders:
        label = f"{order.number} · {order.agreement.reference}"
        rows.append([label, f"{euros_text(order.amount)} ({order.get_status_display()})"])
    for key in position.keys:
        label = _("Allocation key validated: %(agreement)s, year %(year)s") % {
            "agreement": key.agreement.reference,
            "year": key.year,
        }
        share = f"{key.numerator}/{key.denominator} ({key.key.percent()} %)" if key.key else "—"
        rows.append([label, share])
    note = _("Cancelled revenue orders are left out; paid ones as recorded by the finance officers.")
    return {"rows": rows, "note": note}
