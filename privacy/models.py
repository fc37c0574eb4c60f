"""Personal data over time: retention rules, legal holds, elimination lists approved by the
archives service, the record of anonymised fiches and of the citizens' requests (rights)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fiches.models import Fiche


class DataKind(models.TextChoices):
    FICHE = "fiche", _("Personal data of an ended fiche")
    LETTER_BATCHES = "letter_batches", _("Printed letter batches")
    LOGIN_LOGS = "login_logs", _("Login and lockout logs")
    RIGHTS_REQUESTS = "rights_requests", _("Record of the citizens' requests")
    API_LOGS = "api_logs", _("Open311 call log and delivered partner webhooks")
    LIVE_CALLS = "live_calls", _("Live telephony state (callers' numbers)")


class RetentionRule(models.Model):
    """How long one kind of data is kept; overrides the default of settings.PRIVACY_RETENTION."""

    kind = models.CharField(_("kind of data"), max_length=20, choices=DataKind.choices, unique=True)
    months = models.PositiveSmallIntegerField(
        _("kept for (months)"),
        help_text=_("Counted from the fiche's end, the batch's printing or the log line."),
    )
    legal_basis = models.TextField(_("legal basis and reason"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.months}"


class LegalHold(models.Model):
    """A fiche under dispute: kept whole, out of every elimination, until the hold is released."""

    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="+", verbose_name=_("fiche"))
    reason = models.TextField(_("reason"), max_length=1000)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("placed by"),
    )  # fmt: skip
    placed_at = models.DateTimeField(_("placed at"), default=timezone.now)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiche"],
                condition=models.Q(released_at__isnull=True),
                name="one_active_hold_per_fiche",
            )
        ]

    def __str__(self) -> str:
        return str(self.fiche)


class EliminationList(models.Model):
    """The fiches a sweep found due, counted by period and body: nothing is anonymised before
    an administrator records the archives service's visa (reference and date)."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed, waiting for the visa")
        APPROVED = "approved", _("Approved, being carried out")
        DONE = "done", _("Carried out")

    created_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    cutoff = models.DateTimeField(_("fiches ended before"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PROPOSED)
    total = models.PositiveIntegerField(_("fiches"), default=0)
    counts = models.JSONField(default=list, editable=False)  # [[period, body, family, count], …]
    visa_reference = models.CharField(_("archives visa reference"), max_length=100, blank=True)
    visa_date = models.DateField(_("visa date"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("approved by"),
    )  # fmt: skip
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    executed_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    anonymised = models.PositiveIntegerField(_("fiches anonymised"), default=0)

    class Meta:
        verbose_name = _("elimination list")
        verbose_name_plural = _("elimination lists")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.pk} · {timezone.localtime(self.created_at):%d/%m/%Y}"


class EliminationItem(models.Model):
    """One fiche of a list (its id only: the list itself holds no personal data)."""

    elimination_list = models.ForeignKey(EliminationList, on_delete=models.CASCADE, related_name="items")
    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["elimination_list", "fiche"], name="unique_list_fiche")
        ]
        indexes = [models.Index(fields=["fiche"], name="privacy_item_fiche")]

    def __str__(self) -> str:
        return f"{self.elimination_list_id} {self.fiche_id}"


class Reason(models.TextChoices):
    RETENTION = "retention", _("Retention period over")
    ERASURE = "erasure", _("Erasure at the citizen's request")


class AnonymisedFiche(models.Model):
    """A fiche whose personal data is gone: the sweep never proposes it again."""

    fiche = models.OneToOneField(Fiche, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=10, choices=Reason.choices)
    elimination_list = models.ForeignKey(
        EliminationList, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("anonymised fiche")
        verbose_name_plural = _("anonymised fiches")

    def __str__(self) -> str:
        return str(self.fiche_id)


class RightsRequest(models.Model):
    """A citizen's request handled by a supervisor: who, when, what, on how many records.
    Holds no personal value (requester ids only, which erasure deletes)."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access file")
        RECTIFICATION = "rectification", _("Rectification")
        ERASURE = "erasure", _("Erasure")
        REFUSED = "refused", _("Erasure refused")

    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    requester_ids = models.JSONField(default=list)
    fiche_count = models.PositiveIntegerField(_("fiches"), default=0)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("citizen's request")
        verbose_name_plural = _("citizens' requests")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {timezone.localtime(self.at):%d/%m/%Y %H:%M}"
