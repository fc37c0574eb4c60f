"""The daily digest per cell: counts in one SQL query, sent once per cell and day."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from fiches.models import Fiche, Status
from followup.models import Digest
from followup.selectors import end_of_today
from followup.sweep import CELL_STATUSES


def cell_counts(now: datetime) -> dict[int, dict[str, int]]:
    """Per cell: new since yesterday, due today, overdue, waiting (open fiches)."""
    end_of_day = end_of_today(now)
    rows = (
        Fiche.objects.filter(status__in=CELL_STATUSES)
        .order_by()
        .values("cell_id")
        .annotate(
            new=Count("id", filter=Q(created_at__gte=now - timedelta(days=1))),
            due_today=Count("id", filter=Q(due_at__gte=now, due_at__lt=end_of_day)),
            overdue=Count("id", filter=Q(due_at__lt=now)),
            waiting=Count("id", filter=Q(status=Status.WAITING)),
        )
    )
    return {row.pop("cell_id"): row for row in rows}


def run_digest(now: datetime | None = None) -> int:
    """Enqueue today's digest for each cell that has something to report; returns how many."""
    from followup.tasks import send_digest

    now = now or timezone.now()
    day = timezone.localtime(now).date()
    run = uuid.uuid4().hex
    counts = {cell: c for cell, c in cell_counts(now).items() if any(c.values())}
    with transaction.atomic():
        Digest.objects.bulk_create(
            [Digest(cell_id=cell, day=day, run=run, created_at=now) for cell in counts], ignore_conflicts=True
        )
        mine = list(Digest.objects.filter(run=run).values_list("pk", "cell_id"))
    for pk, cell in mine:
        send_digest.enqueue(pk, counts[cell])
    return len(mine)
