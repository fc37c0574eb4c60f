"""Partner systems: a body's own software that works its fiches through the API, with its
tokens, its webhook endpoints and the outbox of webhook deliveries."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organisations.models import Body, Cell, Directorate


class PartnerSystem(models.Model):
    """One partner's software. It acts as its service user, whose single membership gives it
    exactly the scope of a staff member of that body, directorate or cell."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+", verbose_name=_("body"))
    directorate = models.ForeignKey(
        Directorate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("directorate"),
        help_text=_("Leave empty for every fiche of the body."),
    )
    cell = models.ForeignKey(
        Cell,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cell"),
        help_text=_("Leave empty for every fiche of the directorate (or of the body)."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partner_system", editable=False
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("partner system")
        verbose_name_plural = _("partner systems")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.cell_id and self.directorate_id is None:
            self.directorate = self.cell.directorate
        if self.directorate_id and self.directorate.body_id != self.body_id:
            raise ValidationError({"directorate": _("The directorate must belong to the body.")})
        if self.cell_id and self.cell.directorate_id != self.directorate_id:
            raise ValidationError({"cell": _("The cell must belong to the directorate.")})


class ApiToken(models.Model):
    """A bearer token of a partner system. Only its digest is stored; revoked, never deleted."""

    partner = models.ForeignKey(
        PartnerSystem, on_delete=models.CASCADE, related_name="tokens", verbose_name=_("partner system")
    )
    label = models.CharField(_("label"), max_length=120, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"am_{self.prefix}_…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.partner.active


class IdempotencyRecord(models.Model):
    """The answer to a POST sent with an ``Idempotency-Key``: a retry gets it back unchanged."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="unique_idempotency_key")]

    def __str__(self) -> str:
        return self.key


class WebhookEndpoint(models.Model):
    partner = models.ForeignKey(
        PartnerSystem, on_delete=models.CASCADE, related_name="endpoints", verbose_name=_("partner system")
    )
    url = models.URLField(_("URL"), max_length=500, help_text=_("HTTPS address that receives the changes."))
    secret = models.CharField(
        _("signing secret"),
        max_length=80,
        editable=False,
        help_text=_("Give it to the partner: it checks the Allo-Signature header with it."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    # One drainer at a time per endpoint (a lease rather than a transaction held over HTTP).
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    drain_queued = models.BooleanField(default=False, editable=False)
    # Unreachable or failing: nothing is sent before this (the failing delivery's retry time).
    paused_until = models.DateTimeField(_("paused until"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def save(self, *args, **kwargs) -> None:
        if not self.secret:
            from partners.crypto import new_secret

            self.secret = new_secret()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if not self.url.startswith("https://") and not settings.PARTNER_WEBHOOK_ALLOW_HTTP:
            raise ValidationError({"url": _("The address must start with https://.")})


class WebhookDelivery(models.Model):
    """One change to send to one endpoint (the outbox): kept until delivered, retried with
    exponential backoff, sent in ``id`` order per fiche."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("webhook delivery", "Pending")
        DELIVERED = "delivered", pgettext_lazy("webhook delivery", "Delivered")
        FAILED = "failed", pgettext_lazy("webhook delivery", "Given up")

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    fiche = models.ForeignKey("fiches.Fiche", on_delete=models.CASCADE, related_name="+")
    action = models.CharField(_("action"), max_length=20)
    # The fiche's event: its ids are taken under the fiche's row lock, so they give the order
    # of the fiche's changes even when two commits' listeners ran the other way round.
    event_id = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    pending_since = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        indexes = [models.Index(fields=["endpoint", "status", "id"], name="delivery_outbox")]

    def __str__(self) -> str:
        return f"{self.uuid} ({self.action})"


class WebhookAttempt(models.Model):
    """The delivery log: one row per HTTP try."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(_("at"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=200, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%d/%m/%Y %H:%M:%S} {self.status_code or self.error}"
