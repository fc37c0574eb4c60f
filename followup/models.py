"""Follow-up of fiches by the cells: saved views, interventions, holds, the call centre ↔
cell message thread, reminder rules per body and the log of alerts sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fiches.models import Fiche
from organisations.models import Body, Cell


class SavedView(models.Model):
    """A named filter of a user's work queue (the query string of the queue page)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=80)
    querystring = models.CharField(_("filters"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="unique_saved_view")]

    def __str__(self) -> str:
        return self.name


class Intervention(models.Model):
    """An intervention date the cell planned for a fiche (the latest one counts)."""

    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="interventions")
    planned_for = models.DateField(_("planned for"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["fiche", "-at"], name="followup_interv_fiche")]

    def __str__(self) -> str:
        return f"{self.fiche_id} {self.planned_for}"


class Hold(models.Model):
    """A fiche put on hold (waiting for a third party or the citizen) until an expected date."""

    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="holds")
    expected_on = models.DateField(_("expected on"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["fiche", "-at"], name="followup_hold_fiche")]

    def __str__(self) -> str:
        return f"{self.fiche_id} {self.expected_on}"


class Message(models.Model):
    """The daily exchange between the call centre and the cell. Never shown to citizens."""

    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"), max_length=4000)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["fiche", "at"], name="followup_msg_fiche")]

    def __str__(self) -> str:
        return f"{self.fiche_id} {self.at:%Y-%m-%d %H:%M}"


class ReminderRule(models.Model):
    """When to remind, alert and escalate for the fiches of one body (defaults shipped)."""

    body = models.OneToOneField(Body, on_delete=models.CASCADE, related_name="reminder_rule")
    reminder_percent = models.PositiveSmallIntegerField(
        _("reminder at % of the deadline"),
        default=75,
        help_text=_("0 disables the reminder."),
    )
    overdue_alert = models.BooleanField(_("alert the cell and the manager when overdue"), default=True)
    escalation_days = models.PositiveSmallIntegerField(
        _("escalate to supervisors after N working days overdue"),
        default=3,
        help_text=_("0 disables the escalation."),
    )
    unacknowledged_hours = models.PositiveSmallIntegerField(
        _("alert when not acknowledged after N hours"),
        default=24,
        help_text=_("0 disables the alert."),
    )

    # Sweep watermarks: how far each kind of alert has been processed for this body. The
    # next sweep only looks at fiches whose threshold falls after them (index range scans).
    overdue_upto = models.DateTimeField(null=True, blank=True, editable=False)
    escalation_upto = models.DateTimeField(null=True, blank=True, editable=False)
    unack_upto = models.DateTimeField(null=True, blank=True, editable=False)
    reminder_upto = models.DateTimeField(null=True, blank=True, editable=False)
    # New deadline cycles since the last sweep: a cycle started (creation, re-routing,
    # reopening) at or after ``cycle_upto`` minus a margin, or a fiche whose id is above
    # ``fiche_id_upto`` (back-dated imports: their cycle start is in the past). The id mark
    # lags by the margin (``fiche_id_seen`` at ``fiche_id_seen_at``) so that fiches whose
    # transaction committed after a later id are still caught.
    cycle_upto = models.DateTimeField(null=True, blank=True, editable=False)
    fiche_id_upto = models.BigIntegerField(null=True, blank=True, editable=False)
    fiche_id_seen = models.BigIntegerField(null=True, blank=True, editable=False)
    fiche_id_seen_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")

    def __str__(self) -> str:
        return str(self.body)


class AlertKind(models.TextChoices):
    REMINDER = "reminder", _("Deadline reminder")
    OVERDUE = "overdue", _("Overdue")
    ESCALATION = "escalation", _("Escalation")
    UNACKNOWLEDGED = "unack", _("Not acknowledged")


class Alert(models.Model):
    """One alert about one fiche for one deadline cycle (its due date): sent once only.

    The unique constraint is the idempotency guard: the sweep inserts first (ON CONFLICT
    DO NOTHING) tagged with its run id, then sends only the rows its own run inserted.
    """

    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=AlertKind.choices)
    due_at = models.DateTimeField()
    cell = models.ForeignKey(Cell, on_delete=models.CASCADE, related_name="+", db_index=False)
    run = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [models.UniqueConstraint(fields=["fiche", "kind", "due_at"], name="unique_alert_cycle")]
        indexes = [models.Index(fields=["run", "kind", "cell"], name="followup_alert_run")]

    def __str__(self) -> str:
        return f"{self.fiche_id} {self.kind}"


class Digest(models.Model):
    """The daily digest of one cell: one row per cell and day, so it goes out once."""

    cell = models.ForeignKey(Cell, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    run = models.CharField(max_length=32, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cell", "day"], name="unique_cell_digest")]

    def __str__(self) -> str:
        return f"{self.cell_id} {self.day}"
