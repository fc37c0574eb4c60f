"""The convention's money: financial sheets, allocation keys, revenue orders (article 5)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agreements.models import Agreement
from finance.money import Key

AMOUNT = {"max_digits": 14, "decimal_places": 2}


class CostCategory(models.Model):
    """The editable list of expense categories (staff, telephony, premises, IT…)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    account = models.CharField(_("usual account"), max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(pgettext_lazy("cost category", "active"), default=True)

    class Meta:
        verbose_name = _("expense category")
        verbose_name_plural = _("expense categories")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class CostSheet(models.Model):
    """The financial sheet of a convention year: the previous year's operating expenses."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="cost_sheets")
    year = models.PositiveSmallIntegerField(_("convention year"))
    forecast = models.DecimalField(
        _("forecast of the year's expenses"),
        **AMOUNT,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("financial sheet")
        verbose_name_plural = _("financial sheets")
        ordering = ["agreement", "year"]
        constraints = [models.UniqueConstraint(fields=["agreement", "year"], name="one_sheet_per_year")]

    def __str__(self) -> str:
        return f"{self.agreement.reference} · {self.year}"

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines.all()), Decimal("0.00"))


class CostLine(models.Model):
    sheet = models.ForeignKey(CostSheet, on_delete=models.CASCADE, related_name="lines")
    category = models.ForeignKey(CostCategory, on_delete=models.PROTECT, verbose_name=_("category"))
    label = models.CharField(_("label"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount"), **AMOUNT, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["category__order", "id"]

    def __str__(self) -> str:
        return f"{self.category} {self.amount}"


class AllocationKey(models.Model):
    """The partner's share of fiches for a convention year, with the rule that counted it."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="keys")
    year = models.PositiveSmallIntegerField(_("convention year"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    numerator = models.PositiveIntegerField(_("fiches of the partner"))
    denominator = models.PositiveIntegerField(_("fiches counted"))
    rule = models.JSONField(_("counting rule"))
    computed_at = models.DateTimeField(default=timezone.now)
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("allocation key")
        verbose_name_plural = _("allocation keys")
        ordering = ["agreement", "year"]
        constraints = [models.UniqueConstraint(fields=["agreement", "year"], name="one_key_per_year")]

    def __str__(self) -> str:
        return f"{self.agreement.reference} · {self.year} · {self.numerator}/{self.denominator}"

    @property
    def key(self) -> Key | None:
        return Key(self.numerator, self.denominator) if self.denominator else None

    @property
    def validated(self) -> bool:
        return self.validated_at is not None


class RevenueOrder(models.Model):
    """A titre de recettes. Never edited once issued: it is paid, or cancelled and replaced
    by a corrective order (both recorded in the register)."""

    class Kind(models.TextChoices):
        INSTALMENT = "instalment", _("Quarterly instalment")
        SETTLEMENT = "settlement", _("Annual settlement")
        FINAL = "final", _("Final settlement after termination")

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    FROZEN = (
        "number", "agreement_id", "year", "quarter", "kind", "debtor", "object", "legal_basis",
        "amount", "amount_words", "due_on", "issued_on", "issuer_name", "issuer_capacity", "replaces_id",
    )  # fmt: skip

    number = models.CharField(_("number"), max_length=20, unique=True)
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="revenue_orders")
    year = models.PositiveSmallIntegerField(_("convention year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    debtor = models.TextField(_("debtor"))
    object = models.TextField(_("object"))
    legal_basis = models.TextField(_("legal basis"))
    amount = models.DecimalField(_("amount"), **AMOUNT)
    amount_words = models.TextField(_("amount in words"))
    due_on = models.DateField(_("due on"))
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issuer_name = models.CharField(_("issuer's name"), max_length=200)
    issuer_capacity = models.CharField(_("issuer's capacity"), max_length=200)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ISSUED)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancellation"), blank=True)
    pdf = models.FileField(upload_to="revenue-orders/%Y/", blank=True)

    class Meta:
        verbose_name = _("revenue order")
        verbose_name_plural = _("revenue orders")
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "year", "quarter"],
                condition=~models.Q(status="cancelled"),
                name="one_live_order_per_quarter",
            )
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            stored = RevenueOrder.objects.filter(pk=self.pk).values(*self.FROZEN).first()
            if stored and any(stored[name] != getattr(self, name) for name in self.FROZEN):
                raise ValidationError(_("A revenue order is never edited once issued."))
        super().save(*args, **kwargs)


class OrderCounter(models.Model):
    """Revenue orders are numbered per calendar year, without gaps (TR-2026-0001)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
