"""The call centre's callback queue: one callback per notice a citizen wants by phone."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from correspondence.models import Message
from fiches.models import Fiche


class Outcome(models.TextChoices):
    PENDING = "pending", _("To call back")
    REACHED = "reached", _("Citizen reached")
    UNREACHABLE = "unreachable", _("Not reached after every attempt")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


class Callback(models.Model):
    """Calling a citizen back to give them a notice (acknowledgement, answer, closure…)
    they asked to receive by phone. Due some hours after the notice; each unanswered call
    moves it later, until it is reached or the attempts run out."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="callback")
    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="callbacks")
    due_at = models.DateTimeField(_("due"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_attempt_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["outcome", "due_at", "id"], name="callback_queue")]

    def __str__(self) -> str:
        return f"{self.fiche_id} {self.get_outcome_display()}"

    @property
    def is_overdue(self) -> bool:
        return self.outcome == Outcome.PENDING and self.due_at < timezone.now()
