"""Writing and reading the access log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import capfirst

from audit.models import AccessKind, AccessRecord
from core.dates import day_start

PAGE_SIZE = 50


def origin(request: HttpRequest) -> str:
    """The page the user was on: the referring page of this site for a file opened from a
    link, else the requested path. Query strings are dropped (a search may hold a name)."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.path and referer.netloc == request.get_host():
        return referer.path
    return request.path


def describe(obj: Any) -> dict[str, str]:
    """What the log keeps of ``obj``: its model, key, fiche reference and a label made of its
    kind and number, never its text (``str()`` of a requester is their name)."""
    if obj is None:
        return {}
    reference = getattr(obj, "reference", "")
    if not isinstance(reference, str):
        reference = ""
    if not reference and getattr(obj, "fiche_id", None):
        reference = obj.fiche.reference
    return {
        "object_model": obj._meta.label_lower,
        "object_pk": str(obj.pk),
        "reference": reference[:20],
        "label": f"{capfirst(obj._meta.verbose_name)} n° {obj.pk}"[:200],
    }


def log_access(user: Any, kind: str, obj: Any, page: str, *, search: str = "") -> AccessRecord:
    """Record one access. ``kind`` is an ``AccessKind`` value (anything else is a
    programming error); ``page`` a path or URL, kept without its query string; ``search``
    what a search asked for when no single object was opened (e.g. reading this log)."""
    kind = AccessKind(kind).value
    fields = describe(obj) or {"label": search[:200]}
    return AccessRecord.objects.create(user=user, kind=kind, page=urlsplit(page).path[:300], **fields)


@dataclass(frozen=True)
class AccessFilter:
    user: str = ""  # a login
    kind: str = ""
    reference: str = ""
    since: date | None = None
    until: date | None = None

    def describe(self) -> str:
        """The search as the log of reading the log keeps it."""
        parts = [
            f"{name}={value}"
            for name, value in (
                ("user", self.user),
                ("kind", self.kind),
                ("reference", self.reference),
                ("since", self.since),
                ("until", self.until),
            )
            if value
        ]
        return " ".join(parts)


def access_page(
    search: AccessFilter, before: tuple[datetime, int] | None = None
) -> tuple[list[AccessRecord], AccessRecord | None]:
    """One page of the log, newest first, by keyset on (at, id): the rows, and the last row
    when another page follows. Two queries whatever the table's size."""
    rows: QuerySet[AccessRecord] = AccessRecord.objects.select_related("user")
    if search.user:
        rows = rows.filter(user__username=search.user)
    if search.kind:
        rows = rows.filter(kind=search.kind)
    if search.reference:
        rows = rows.filter(reference=search.reference)
    if search.since:
        rows = rows.filter(at__gte=day_start(search.since))
    if search.until:
        rows = rows.filter(at__lt=day_start(search.until + timedelta(days=1)))
    if before:
        at, pk = before
        rows = rows.filter(Q(at__lt=at) | Q(at=at, id__lt=pk))
    page = list(rows.order_by("-at", "-id")[: PAGE_SIZE + 1])
    if len(page) > PAGE_SIZE:
        return page[:PAGE_SIZE], page[PAGE_SIZE - 1]
    return page, None


def purge_access_log(*, days: int | None = None, batch: int = 5000) -> int:
    """Delete the records older than the retention period, in batches; the number deleted."""
    keep = settings.AUDIT_ACCESS_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=keep)
    deleted = 0
    while True:
        ids = list(AccessRecord.objects.filter(at__lt=cutoff).values_list("id", flat=True)[:batch])
        if not ids:
            return deleted
        deleted += AccessRecord.objects.filter(id__in=ids).delete()[0]
