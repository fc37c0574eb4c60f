"""Reading the nomenclature: the type picker's search, the list page and version histories."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from catalogue.models import RequestType, RequestTypeVersion, label_words
from catalogue.services import VERSIONED_FIELDS

LIST_RELATED = ("request_type__family", "body", "directorate__body", "cell")


def query_tokens(query: str) -> list[str]:
    """Accent-free lower-case words of a query, punctuation dropped ("Nid-de-poule" -> nid, de, poule)."""
    return label_words(query).split()


def all_tokens(field: str, tokens: list[str], *, prefix: bool) -> Q:
    condition = Q()
    for token in tokens:
        condition &= Q(**{f"{field}__contains": f" {token}" if prefix else token})
    return condition


def search_types(query: str, limit: int = 12, at: datetime | None = None) -> list[RequestTypeVersion]:
    """Versions in force whose code, label or keywords contain every word of ``query``.

    Accent- and case-insensitive. Ranked: every word starts a word of the code or label,
    then found inside the code or label, then every word starts a keyword, then the rest;
    by label within a rank.
    """
    tokens = query_tokens(query)
    if not tokens:
        return []
    return list(
        RequestTypeVersion.objects.in_force(at)
        .filter(all_tokens("word_text", tokens, prefix=False))
        .annotate(
            rank=Case(
                When(all_tokens("label_text", tokens, prefix=True), then=Value(0)),
                When(all_tokens("label_text", tokens, prefix=False), then=Value(1)),
                When(all_tokens("word_text", tokens, prefix=True), then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .select_related(*LIST_RELATED)
        .order_by("rank", "label", "id")[:limit]
    )


@dataclass(frozen=True)
class Filters:
    query: str = ""
    family: int | None = None
    body: int | None = None
    kind: str = ""
    inactive: bool = False


def catalogue_list(filters: Filters, at: datetime | None = None) -> QuerySet[RequestTypeVersion]:
    """The versions in force matching the list page's filters, in code order."""
    queryset = RequestTypeVersion.objects.in_force(at, include_inactive=filters.inactive)
    if filters.inactive:
        queryset = queryset.filter(request_type__active=False)
    tokens = query_tokens(filters.query)
    if tokens:
        queryset = queryset.filter(all_tokens("word_text", tokens, prefix=False))
    if filters.family:
        queryset = queryset.filter(request_type__family_id=filters.family)
    if filters.body:
        queryset = queryset.filter(body_id=filters.body)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    return queryset.select_related(*LIST_RELATED)


@dataclass
class Page:
    items: list[RequestTypeVersion]
    next_cursor: str | None
    is_first: bool


def encode_cursor(code: str) -> str:
    return base64.urlsafe_b64encode(code.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str | None:
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def keyset_page(queryset: QuerySet[RequestTypeVersion], cursor: str | None, size: int = 50) -> Page:
    """One page in code order (type codes are unique); ``cursor`` is the last code shown."""
    after = decode_cursor(cursor) if cursor else None
    queryset = queryset.order_by("request_type__code")
    if after:
        queryset = queryset.filter(request_type__code__gt=after)
    items = list(queryset[: size + 1])
    has_more = len(items) > size
    items = items[:size]
    return Page(items, encode_cursor(items[-1].request_type.code) if has_more else None, not after)


# --------------------------------------------------------------------------- history


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    version: RequestTypeVersion
    changes: list[Change]
    in_force: bool
    scheduled: bool


def _display(version: RequestTypeVersion, name: str) -> str:
    value: Any = getattr(version, name)
    if name in ("kind", "deadline_unit", "priority"):
        return str(getattr(version, f"get_{name}_display")())
    if isinstance(value, bool):
        return "oui" if value else "non"
    if name == "questions":
        return "; ".join(str(q.get("label", "")) for q in value or []) or "—"
    if name == "directorate":
        return f"{value.body.short_name} · {value.name}"
    return str(value) if value not in (None, "") else "—"


def version_changes(previous: RequestTypeVersion | None, version: RequestTypeVersion) -> list[Change]:
    if previous is None:
        return []
    changes = []
    for name in VERSIONED_FIELDS:
        before = getattr(previous, f"{name}_id", getattr(previous, name, None))
        after = getattr(version, f"{name}_id", getattr(version, name, None))
        if before != after:
            label = str(RequestTypeVersion._meta.get_field(name).verbose_name)
            changes.append(Change(label, _display(previous, name), _display(version, name)))
    return changes


def type_history(request_type: RequestType, at: datetime | None = None) -> list[HistoryEntry]:
    """Every version, newest first, with what it changed compared with the one before."""
    from django.utils import timezone

    at = at or timezone.now()
    versions = list(
        request_type.versions.select_related("directorate__body", "body", "cell", "created_by").order_by(
            "number"
        )
    )
    in_force = (
        RequestTypeVersion.objects.in_force(at, include_inactive=True)
        .filter(request_type=request_type)
        .values_list("pk", flat=True)
        .first()
    )
    entries = []
    previous = None
    for version in versions:
        entries.append(
            HistoryEntry(
                version=version,
                changes=version_changes(previous, version),
                in_force=version.pk == in_force,
                scheduled=version.status == RequestTypeVersion.Status.PUBLISHED
                and version.effective_from > at,
            )
        )
        if version.status == RequestTypeVersion.Status.PUBLISHED:
            previous = version
    return list(reversed(entries))


def public_versions(at: datetime | None = None) -> QuerySet[RequestTypeVersion]:
    """The types citizens (the online form) and their applications (Open311) may file
    themselves: in force, open to the public channel, not reserved to the telephone."""
    return (
        RequestTypeVersion.objects.in_force(at)
        .filter(public_channel=True, phone_only=False)
        .select_related("request_type__family")
        .order_by("request_type__family__order", "request_type__family__label", "label")
    )
