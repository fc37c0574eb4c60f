"""The impact of a nomenclature change request, computed from the last 12 months of fiches
(SQL counts; ``key_after`` and ``deadline_seconds`` are the arithmetic, pure).

The fiches counted and the body each counts for are the allocation key's own
(``finance.selectors.counted_fiches`` with the rule stored on the convention's latest key,
``finance.selectors.for_partner``): the committee and the money never disagree."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from catalogue.models import RequestType, RequestTypeVersion, Unit
from finance.selectors import counted_fiches, for_partner, key_basis

WINDOW_DAYS = 365
DAY = 86_400


def deadline_seconds(amount: int, unit: str) -> int:
    """A deadline as working time: hours as such, a day of any kind as 24 open hours."""
    return amount * 3600 if unit == Unit.HOURS else amount * DAY


def key_share(partner: int, total: int) -> float | None:
    return round(100 * partner / total, 2) if total else None


def key_after(
    *, partner: int, total: int, type_total: int, type_partner: int, new_is_partner: bool | None
) -> tuple[int, int]:
    """(partner fiches, all fiches) had the type's fiches gone to the proposed body; a
    withdrawal (``new_is_partner`` None) takes them out of both counts."""
    if new_is_partner is None:
        return partner - type_partner, total - type_total
    return partner - type_partner + (type_total if new_is_partner else 0), total


def compute_impact(
    request_type: RequestType,
    draft: RequestTypeVersion | None,
    current: RequestTypeVersion | None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """What the change would have done over the 365 days before the proposal's day, counting
    the fiches the allocation key counts. ``draft`` None is a withdrawal; ``current`` None is
    a new type."""
    now = now or timezone.now()
    until = timezone.localdate(now) - timedelta(days=1)
    since = until - timedelta(days=WINDOW_DAYS - 1)
    basis = key_basis(until)
    window = counted_fiches(since, until, basis.rule)
    partner_q = for_partner(basis.rule, basis.partner_ids)
    type_q = Q(request_type__request_type=request_type)
    measures: dict[str, Any] = {
        "total": Count("id"),
        "partner": Count("id", filter=partner_q),
        "type_total": Count("id", filter=type_q),
        "type_partner": Count("id", filter=type_q & partner_q),
        "late_now": Count("id", filter=type_q & Q(was_late=True)),
        "resolved": Count("id", filter=type_q & Q(resolution_work_seconds__isnull=False)),
    }
    if draft is not None:
        measures["other_body"] = Count("id", filter=type_q & ~Q(body=draft.body_id))
        measures["other_directorate"] = Count("id", filter=type_q & ~Q(directorate=draft.directorate_id))
        limit = deadline_seconds(draft.deadline_amount, draft.deadline_unit)
        measures["late_after"] = Count("id", filter=type_q & Q(resolution_work_seconds__gt=limit))
    if current is not None:
        limit = deadline_seconds(current.deadline_amount, current.deadline_unit)
        measures["late_estimated_now"] = Count("id", filter=type_q & Q(resolution_work_seconds__gt=limit))
    counts = window.aggregate(**measures)
    new_is_partner = None if draft is None else draft.body_id in basis.partner_ids
    partner_after, total_after = key_after(
        partner=counts["partner"],
        total=counts["total"],
        type_total=counts["type_total"],
        type_partner=counts["type_partner"],
        new_is_partner=new_is_partner,
    )
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "rule": basis.rule.as_dict(),
        "agreement": basis.agreement.reference if basis.agreement else None,
        **counts,
        "key_before": key_share(counts["partner"], counts["total"]),
        "partner_after": partner_after,
        "total_after": total_after,
        "key_after": key_share(partner_after, total_after),
    }
