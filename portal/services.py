"""Recording a citizen's satisfaction answer (one per fiche)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from fiches.models import Fiche
from portal.models import SurveyAnswer


class AlreadyAnswered(Exception):
    pass


def record_answer(fiche: Fiche, score: int, comment: str = "") -> SurveyAnswer:
    if not 1 <= score <= 5:
        raise ValueError("score must be within 1..5")
    try:
        with transaction.atomic():
            return SurveyAnswer.objects.create(fiche=fiche, score=score, comment=comment.strip())
    except IntegrityError as exc:
        raise AlreadyAnswered from exc
