"""Citizen correspondence: editable letter templates per moment, every message sent
(letter, e-mail, SMS) as the mail register, and the post room's daily batches."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from correspondence import templating
from fiches.models import Event, Fiche, Requester


class Moment(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    INTERVENTION = "intervention", _("Intervention scheduled")
    WAITING = "waiting", pgettext_lazy("moment of a letter", "On hold")
    FIXED = "fixed", _("Closure: fixed")
    NOT_FIXABLE = "not_fixable", _("Closure: not fixable")
    OUTSIDE = "outside", _("Closure: outside our competence")
    REROUTED = "rerouted", _("Re-routing notice")
    ANSWER = "answer", _("Answer to an information request")


class Channel(models.TextChoices):
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Phone (no automatic message)")


class LetterTemplate(models.Model):
    """The wording of one moment, used for the letter and the e-mail (and a short SMS)."""

    moment = models.CharField(_("moment"), max_length=20, choices=Moment.choices, unique=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        pgettext_lazy("text of a letter", "body"),
        help_text=_("Paragraphs separated by a blank line. Fields: see the list below."),
    )
    sms = models.TextField(
        _("SMS text"),
        max_length=400,
        help_text=_("Short text; the reference and the tracking link are added automatically."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        ordering = ["moment"]

    def __str__(self) -> str:
        return self.get_moment_display()

    def save(self, *args, **kwargs) -> None:
        self.clean()  # refused at save, whoever saves: never discovered at sending time
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        for name in ("subject", "body", "sms"):
            try:
                templating.validate(getattr(self, name) or "")
            except templating.TemplateRefused as exc:
                errors[name] = str(exc)
        if errors:
            raise ValidationError(errors)


class Batch(models.Model):
    """One day's letters for the post room, printed from a single PDF."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    letter_count = models.PositiveIntegerField(_("letters"), default=0)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    pdf = models.FileField(_("printable PDF"), upload_to="correspondence/batches/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("letter batch")
        verbose_name_plural = _("letter batches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.pk} · {timezone.localtime(self.created_at):%d/%m/%Y %H:%M}"


class Message(models.Model):
    """One notice to one person through one channel: the mail register's line."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        QUEUED = "queued", _("Waiting for the post batch")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        NOT_SENT = "not_sent", _("Not sent automatically")

    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="notices")
    event = models.ForeignKey(Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    requester = models.ForeignKey(
        Requester, on_delete=models.SET_NULL, null=True, blank=True, related_name="notices"
    )
    moment = models.CharField(_("moment"), max_length=20, choices=Moment.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    recipient = models.CharField(_("recipient"), max_length=250)
    address = models.CharField(_("address, e-mail or phone"), max_length=400, blank=True)
    subject = models.CharField(_("subject"), max_length=250, blank=True)
    text = models.TextField(_("text"), blank=True)
    pdf = models.FileField(_("letter (PDF)"), upload_to="correspondence/letters/%Y/%m/", blank=True)
    html = models.TextField(blank=True, editable=False)  # the letter as printed, for the batch
    signer_ids = models.JSONField(default=list, blank=True, editable=False)  # Article 4 bodies
    batch = models.ForeignKey(Batch, on_delete=models.SET_NULL, null=True, blank=True, related_name="letters")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="message_created"),
            models.Index(fields=["channel", "state"], name="message_channel_state"),
            models.Index(fields=["fiche", "created_at"], name="message_fiche"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "requester", "channel"],
                condition=models.Q(event__isnull=False),
                name="one_message_per_event_recipient_channel",
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiche_id} {self.moment} {self.channel}"
