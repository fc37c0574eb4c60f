"""The partnership convention (article 2: duration and renewal, article 6: notice)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements import dates
from organisations.models import Body


class AgreementQuerySet(models.QuerySet):
    def in_force(self, on: date) -> AgreementQuerySet:
        """Conventions in force on ``on``: notified, not past their last day (the end of
        the years agreed, or the effective end after notice)."""
        return self.filter(notified_on__lte=on, ends_on__gte=on)


class Agreement(models.Model):
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    operator = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="+", verbose_name=_("operator body")
    )
    partner = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("partner body")
    )
    operator_signatory = models.CharField(_("operator's signatory"), max_length=200, blank=True)
    partner_signatory = models.CharField(_("partner's signatory"), max_length=200, blank=True)
    notified_on = models.DateField(_("notified on (entry into force)"))
    years_agreed = models.PositiveSmallIntegerField(
        _("years agreed"), default=1, help_text=_("The first year and every renewal accepted.")
    )
    initial_key = models.DecimalField(
        _("provisional key of the first year"),
        max_digits=7,
        decimal_places=6,
        default=Decimal("0.45"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("The partner's share written as a decimal: 0.45 for 45 %."),
    )
    notice_served_on = models.DateField(_("notice served on"), null=True, blank=True)
    notice_served_by = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("notice served by"),
    )
    ends_on = models.DateField(_("last day in force"), editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        ordering = ["-notified_on", "reference"]
        indexes = [models.Index(fields=["partner", "notified_on", "ends_on"], name="agreement_in_force")]

    def __str__(self) -> str:
        return f"{self.reference} · {self.title}"

    def save(self, *args, **kwargs) -> None:
        self.ends_on = self.compute_end()
        super().save(*args, **kwargs)

    def compute_end(self) -> date:
        term = dates.term_end(self.notified_on, self.years_agreed)
        if self.notice_served_on:
            return dates.notice_end(self.notice_served_on, term)
        return term

    def renewal_deadline(self) -> date:
        """The last day to send the renewal letter for the current last year."""
        return dates.renewal_deadline(self.notified_on, self.years_agreed)

    @property
    def terminated(self) -> bool:
        return self.notice_served_on is not None

    def year_on(self, day: date) -> int:
        return dates.year_number_on(self.notified_on, day)

    def year(self, number: int) -> dates.Period:
        return dates.convention_year(self.notified_on, number)

    def current_year(self, today: date) -> int:
        """The year containing ``today``, within the years agreed (1 before notification)."""
        return min(max(1, self.year_on(today)), self.years_agreed)


class Annex(models.Model):
    class Kind(models.TextChoices):
        COST_SHEET = "cost_sheet", _("Financial sheet")
        FORECAST = "forecast", _("Forecast of expenses")
        NOMENCLATURE = "nomenclature", _("Nomenclature at signature")
        AMENDMENT = "amendment", _("Amendment")
        OTHER = "other", _("Other document")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="annexes")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to="agreements/%Y/",
        validators=[FileExtensionValidator(["pdf", "odt", "ods", "docx", "xlsx", "csv"])],
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("annex")
        verbose_name_plural = _("annexes")
        ordering = ["agreement", "kind", "uploaded_at"]

    def __str__(self) -> str:
        return self.title


class Renewal(models.Model):
    """The express renewal at the end of year ``year``: the letter and the partner's answer."""

    class Answer(models.TextChoices):
        PENDING = "pending", _("Awaiting the answer")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="renewals")
    year = models.PositiveSmallIntegerField(_("year that ends"))
    letter_sent_on = models.DateField(_("letter sent on"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, default=Answer.PENDING)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta:
        verbose_name = _("renewal")
        verbose_name_plural = _("renewals")
        constraints = [models.UniqueConstraint(fields=["agreement", "year"], name="one_renewal_per_year")]

    def __str__(self) -> str:
        return f"{self.agreement.reference} · {self.year}"


class RenewalWarning(models.Model):
    """One row per warning sent, so the sweep never sends the same one twice."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    days_before = models.PositiveSmallIntegerField()
    deadline = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "year", "days_before"], name="one_warning_per_delay")
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} · {self.year} · J-{self.days_before}"
