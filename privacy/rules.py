"""Retention rules: the settings' defaults, overridden by the admin's rows."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from privacy.models import DataKind, RetentionRule


def months_for(kind: str) -> int:
    row = RetentionRule.objects.filter(kind=kind).values_list("months", flat=True).first()
    return row if row is not None else int(settings.PRIVACY_RETENTION[kind])


def all_rules() -> list[tuple[str, str, int]]:
    """(kind, label, months) of every kind of data, for the pages and the documentation."""
    overrides = dict(RetentionRule.objects.values_list("kind", "months"))
    return [
        (kind.value, str(kind.label), overrides.get(kind.value, int(settings.PRIVACY_RETENTION[kind.value])))
        for kind in DataKind
    ]


def months_before(moment: datetime, months: int) -> datetime:
    """The same local day and time ``months`` earlier (the 31st falls back to the month's last day)."""
    local = timezone.localtime(moment)
    index = local.year * 12 + local.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for day in range(local.day, 27, -1):
        try:
            return local.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return local.replace(year=year, month=month, day=min(local.day, 28))


def cutoff(kind: str, now: datetime | None = None) -> datetime:
    """Data of this kind ended before this moment is due."""
    return months_before(now or timezone.now(), months_for(kind))
