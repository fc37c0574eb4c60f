"""The citizen's satisfaction answer: one per fiche."""

from __future__ import annotations

from django.conf import settings
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
        # the satisfaction page reads a period's answers, not every year's
        indexes = [models.Index(fields=["answered_at"], name="survey_answered")]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="survey_score_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.fiche_id}: {self.score}"


class WebSubmission(models.Model):
    """A request from the online form held for the call centre's moderation (it looked like
    spam or insults): no fiche exists until an agent lets it through."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        ACCEPTED = "accepted", _("Accepted: fiche created")
        REJECTED = "rejected", _("Rejected")

    created_at = models.DateTimeField(_("received at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(_("why it is held"), max_length=200)
    # What the citizen typed (type code, description, place, contact); emptied when rejected.
    data = models.JSONField(default=dict, blank=True)
    photo_1 = models.FileField(upload_to="web-submissions/", blank=True)
    photo_2 = models.FileField(upload_to="web-submissions/", blank=True)
    photo_3 = models.FileField(upload_to="web-submissions/", blank=True)
    fiche = models.OneToOneField(Fiche, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("online request held for moderation")
        verbose_name_plural = _("online requests held for moderation")
        indexes = [models.Index(fields=["status", "created_at"], name="websub_status")]

    def __str__(self) -> str:
        return f"{self.pk} ({self.status})"

    def photos(self) -> list:
        return [photo for photo in (self.photo_1, self.photo_2, self.photo_3) if photo]
