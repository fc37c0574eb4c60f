"""Reading the callback queue: through visible_fiches (the one gate), in due order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from callbacks.models import Callback, Outcome
from fiches.selectors import EPOCH, MICROSECOND, visible_fiches

PAGE_SIZE = 50


def visible_callbacks(user) -> QuerySet[Callback]:
    """Callbacks of the fiches the user may see: a correlated EXISTS (one index look-up per
    callback), not ``fiche__in``, which SQLite evaluates by listing every visible fiche first
    (a million ids at five years, for a handful of callbacks)."""
    return Callback.objects.filter(Exists(visible_fiches(user).filter(pk=OuterRef("fiche_id"))))


def counts(user) -> dict[str, int]:
    """Pending and overdue callbacks: the supervisor's board shows them."""
    return visible_callbacks(user).aggregate(
        pending=Count("id", filter=Q(outcome=Outcome.PENDING)),
        overdue=Count("id", filter=Q(outcome=Outcome.PENDING, due_at__lt=timezone.now())),
    )


@dataclass
class Page:
    items: list[Callback]
    next_cursor: str | None
    total: int


def _cursor(callback: Callback) -> str:
    return f"{(callback.due_at - EPOCH) // MICROSECOND}_{callback.pk}"


def _position(cursor: str) -> tuple[datetime, int] | None:
    try:
        stamp, pk = cursor.split("_")
        return EPOCH + int(stamp) * MICROSECOND, int(pk)
    except (ValueError, OverflowError):
        return None


def queue_page(user, outcomes: list[str], cursor: str = "", size: int | None = None) -> Page:
    """Callbacks with these outcomes, soonest due first; keyset on (due_at, id)."""
    size = size or PAGE_SIZE
    base = visible_callbacks(user).filter(outcome__in=outcomes)
    total = base.count()
    queryset = base.select_related("fiche__request_type", "message__requester", "last_attempt_by").order_by(
        "due_at", "id"
    )
    position = _position(cursor) if cursor else None
    if position:
        moment, pk = position
        queryset = queryset.filter(Q(due_at__gt=moment) | Q(due_at=moment, id__gt=pk))
    items = list(queryset[: size + 1])
    more = len(items) > size
    items = items[:size]
    return Page(items, _cursor(items[-1]) if more and items else None, total)
