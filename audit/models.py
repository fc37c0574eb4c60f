"""The access log: who opened which personal data, when, from which page. It names the staff
member and the object (a fiche reference, a record number), never the person's data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessKind(models.TextChoices):
    CALLER = "caller", _("Caller's record")
    FICHE = "fiche", _("Fiche's personal data")
    LETTER = "letter", _("Letter (PDF)")
    LETTER_BATCH = "letter_batch", _("Batch of letters (PDF)")
    ATTACHMENT = "attachment", _("Attachment")
    CITIZEN_FILE = "citizen_file", _("Citizen's access file")
    ACCESS_LOG = "access_log", _("Access log")


class AccessRecord(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who"),
    )
    kind = models.CharField(_("what"), max_length=20, choices=AccessKind.choices)
    # The object opened: its model and key, and a label without personal data (a fiche
    # reference, "requester no. 12"), so the log still reads after anonymisation.
    object_model = models.CharField(max_length=100, blank=True)
    object_pk = models.CharField(max_length=64, blank=True)
    reference = models.CharField(_("fiche reference"), max_length=20, blank=True)
    label = models.CharField(_("which"), max_length=200, blank=True)
    page = models.CharField(_("from page"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")
        indexes = [
            models.Index(fields=["-at", "-id"], name="access_at"),
            models.Index(fields=["user", "-at", "-id"], name="access_user_at"),
            models.Index(fields=["reference", "-at", "-id"], name="access_reference_at"),
            models.Index(fields=["kind", "-at", "-id"], name="access_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.kind} {self.label}"
