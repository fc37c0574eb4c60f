"""The knowledge base: ready answers to information requests, written by supervisors, and
what agents do with them (answers used on fiches, searches that found nothing)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogue.models import RequestType, label_words
from core.forms import SHORT_TEXT
from fiches.models import Fiche


class Answer(models.Model):
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(
        _("answer"), max_length=SHORT_TEXT, help_text=_("What the agent tells the caller, and what is sent.")
    )
    keywords = models.CharField(
        _("keywords"), max_length=300, blank=True, help_text=_("Words callers use, separated by spaces.")
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    request_types = models.ManyToManyField(
        RequestType, blank=True, related_name="knowledge_answers", verbose_name=_("request types answered")
    )
    # What the search reads: title, keywords and the answered types' codes, accent-free words.
    word_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("knowledge answer")
        verbose_name_plural = _("knowledge answers")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_until__isnull=True)
                | models.Q(valid_from__lte=models.F("valid_until")),
                name="knowledge_valid_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def in_force(self, day: date | None = None) -> bool:
        day = day or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    def index_words(self, type_codes: list[str]) -> None:
        self.word_text = label_words(f"{self.title} {self.keywords} {' '.join(type_codes)}")


class Use(models.Model):
    """An answer given on a fiche; sent later by e-mail or SMS if the caller wanted it."""

    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="uses")
    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="knowledge_uses")
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    used_at = models.DateTimeField(default=timezone.now)
    sent_by = models.CharField(_("sent by"), max_length=10, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer used")
        verbose_name_plural = _("answers used")
        indexes = [models.Index(fields=["answer", "-used_at"], name="knowledge_use_answer")]
        constraints = [
            models.UniqueConstraint(fields=["fiche", "answer"], name="knowledge_one_use_per_fiche")
        ]

    def __str__(self) -> str:
        return f"{self.fiche_id} {self.answer_id}"


class MissedSearch(models.Model):
    """A search of the knowledge base that found nothing, counted per query (accent-free)."""

    query = models.CharField(_("search"), max_length=100, unique=True)
    count = models.PositiveIntegerField(_("times"), default=0)
    last_at = models.DateTimeField(_("last time"), default=timezone.now)

    class Meta:
        verbose_name = _("search without answer")
        verbose_name_plural = _("searches without answer")
        ordering = ["-count", "-last_at"]

    def __str__(self) -> str:
        return self.query
