"""The citizen's satisfaction answer: one per fiche."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fiches.models import Fiche


class SurveyAnswer(models.Model):
    fiche = models.OneToOneField(Fiche, on_delete=models.CASCADE, related_name="survey_answer")
    score = models.PositiveSmallIntegerField(
        _("satisfaction"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("satisfaction answer")
        verbose_name_plural = _("satisfaction answers")
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="survey_score_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.fiche_id}: {self.score}"
