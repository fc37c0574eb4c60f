"""Open311 clients (one API key each), the log of their calls, and what a client sent with
a fiche that the fiche itself does not hold (media URLs, unknown attributes, device id)."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_PREFIX_LENGTH = 8


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiClient(models.Model):
    """An application allowed to file requests (an app, a partner's portal, FixMyStreet…).

    Only the key's SHA-256 is stored: the key is shown once, when the client is created."""

    name = models.CharField(_("name"), max_length=120)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("account"),
        help_text=_("A call-centre account (agent role) in whose name the client's fiches are entered."),
    )
    key_prefix = models.CharField(_("key prefix"), max_length=KEY_PREFIX_LENGTH, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    requests_per_minute = models.PositiveIntegerField(_("requests per minute"), default=30)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def new_key(self) -> str:
        """Give the client a new random key; answers it (the only time it is readable)."""
        key = secrets.token_urlsafe(32)
        self.key_prefix = key[:KEY_PREFIX_LENGTH]
        self.key_hash = hash_key(key)
        return key


class ApiRequestLog(models.Model):
    """One call to the API: who (the key, if any), which method, what status. Never the body."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, null=True, related_name="calls")
    at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=40)
    http_method = models.CharField(max_length=7)
    status = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("Open311 call")
        verbose_name_plural = _("Open311 calls")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["client", "at"], name="open311_call_client_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.http_method} {self.method} {self.status}"


class Submission(models.Model):
    """What an Open311 client sent with a fiche besides the fiche's own fields."""

    fiche = models.OneToOneField("fiches.Fiche", on_delete=models.CASCADE, related_name="open311")
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="submissions")
    address_string = models.CharField(max_length=250, blank=True)
    media_urls = models.JSONField(default=list, blank=True)
    extra_attributes = models.JSONField(default=dict, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("Open311 submission")
        verbose_name_plural = _("Open311 submissions")

    def __str__(self) -> str:
        return str(self.fiche_id)
