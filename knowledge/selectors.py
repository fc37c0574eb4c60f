"""Searching the knowledge base the way the type picker searches types (catalogue.selectors):
every word typed, accent- and case-insensitive; answers for the chosen type first."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Value, When
from django.utils import timezone

from catalogue.selectors import all_tokens, query_tokens
from knowledge.models import Answer, MissedSearch, Use


def in_force(day: date | None = None) -> QuerySet[Answer]:
    day = day or timezone.localdate()
    return Answer.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
    )


def search_answers(query: str, type_code: str = "", limit: int = 6, day: date | None = None) -> list[Answer]:
    """Answers in force whose title, keywords or types contain every word of ``query``
    (ranked: answers for ``type_code``, then every word starting a word of the title or
    keywords, then the rest). Without words, the answers for ``type_code``."""
    tokens = query_tokens(query)
    answers = in_force(day)
    if tokens:
        answers = answers.filter(all_tokens("word_text", tokens, prefix=False))
    elif type_code:
        answers = answers.filter(request_types__code=type_code)
    else:
        return []
    for_type = Q(request_types__code=type_code) if type_code else Q(pk__in=[])
    return list(
        answers.annotate(
            rank=Case(
                When(Q(pk__in=Answer.objects.filter(for_type).values("pk")), then=Value(0)),
                When(all_tokens("word_text", tokens, prefix=True) if tokens else Q(pk__in=[]), then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .distinct()
        .order_by("rank", "title", "id")[:limit]
    )


def usage(limit: int = 50) -> list[Answer]:
    """Answers by use on fiches, most used first, with the last use."""
    return list(
        Answer.objects.annotate(use_count=Count("uses"), last_used=Max("uses__used_at")).order_by(
            "-use_count", "title", "id"
        )[:limit]
    )


def missed(limit: int = 30) -> list[MissedSearch]:
    return list(MissedSearch.objects.all()[:limit])


def uses_of(fiche) -> list[Use]:
    return list(fiche.knowledge_uses.select_related("answer").order_by("used_at", "id"))
