"""Reading messages and batches (call-centre staff only; a fiche's to whoever may see the fiche)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from core.compiled import CompiledQuery
from correspondence.models import Batch, Message
from fiches.selectors import actor_groups

# compiled once: building and compiling it cost the fiche page as much as running it
FICHE_MESSAGES = CompiledQuery(
    lambda _, fiche_id: Message.objects.filter(fiche_id=fiche_id).order_by("created_at", "id")
)


def messages_for_fiche(fiche, user) -> list[Message]:
    """The fiche's messages if the user may see the fiche: its scope holds the fiche's cell,
    directorate or body, or is everything (``actor_groups``, the rule of ``visible_fiches``
    read on the fiche's own ids: no subquery to build for the fiche page)."""
    if not actor_groups(user, fiche):
        return []
    return FICHE_MESSAGES(None, fiche.pk)


def register_page(*, channel: str = "", before: tuple[datetime, int] | None = None, size: int = 50):
    """One page of the mail register, newest first, keyset-paginated on (created_at, id)."""
    from django.db.models import Q

    rows = Message.objects.select_related("fiche", "batch").order_by("-created_at", "-id")
    if channel:
        rows = rows.filter(channel=channel)
    if before is not None:
        at, pk = before
        rows = rows.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=pk))
    page = list(rows[: size + 1])
    return page[:size], (page[size - 1] if len(page) > size else None)


def recent_batches(limit: int = 30) -> QuerySet[Batch]:
    return Batch.objects.order_by("-created_at", "-id")[:limit]
