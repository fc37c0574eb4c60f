"""The live state of the telephone platform: today's passages and the agents' states.

Written only by :mod:`cti.services` (the listener process or the generic HTTP entry), read
by the wallboard and the agents' screen pop. The queue_log import stays the reference for
statistics (docs/telephony.md): these rows are a working copy, purged after a few days.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Station(models.Model):
    """Which telephone an agent answers on: the screen pop follows it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="station", verbose_name=_("user")
    )
    extension = models.CharField(
        _("extension"), max_length=40, unique=True, help_text=_("As the switch names it, e.g. 1001.")
    )
    agent_identifier = models.CharField(
        _("agent identifier"),
        max_length=128,
        blank=True,
        help_text=_("The queue member name or interface the switch logs, e.g. PJSIP/1001 (optional)."),
    )

    class Meta:
        verbose_name = _("telephone station")
        verbose_name_plural = _("telephone stations")

    def __str__(self) -> str:
        return f"{self.extension} ({self.user})"

    def identifiers(self) -> list[str]:
        return [value for value in (self.extension, self.agent_identifier) if value]


class LiveCall(models.Model):
    """One passage of a call through a queue, as the switch reports it now."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        CONNECTED = "connected", _("Connected")
        DONE = "done", _("Answered, ended")
        ABANDONED = "abandoned", _("Abandoned")
        LEFT = "left", _("Left without answer")

    callid = models.CharField(_("call id"), max_length=80)
    queue = models.CharField(_("queue"), max_length=128)
    caller = models.CharField(_("caller number"), max_length=40, blank=True)
    called = models.CharField(_("number called"), max_length=40, blank=True)
    local_date = models.DateField(_("date"))
    joined_at = models.DateTimeField(_("joined the queue"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.WAITING)
    agent = models.CharField(_("agent"), max_length=128, blank=True)
    interface = models.CharField(_("interface"), max_length=128, blank=True)
    connected_at = models.DateTimeField(_("connected at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    wait = models.PositiveIntegerField(_("wait (s)"), null=True, blank=True)
    talk = models.PositiveIntegerField(_("talk (s)"), null=True, blank=True)
    pop_dismissed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("live call")
        verbose_name_plural = _("live calls")
        constraints = [models.UniqueConstraint(fields=["callid", "queue"], name="live_call_passage")]
        indexes = [
            models.Index(fields=["local_date", "queue"], name="live_call_day"),
            models.Index(fields=["agent", "-connected_at"], name="live_call_agent"),
            models.Index(fields=["interface", "-connected_at"], name="live_call_interface"),
        ]

    def __str__(self) -> str:
        return f"{self.callid} {self.queue}"


class LiveMember(models.Model):
    """An agent's state in one queue (paused, on a call…), as the switch last reported it."""

    queue = models.CharField(_("queue"), max_length=128)
    agent = models.CharField(_("agent"), max_length=128)
    interface = models.CharField(_("interface"), max_length=128, blank=True)
    state = models.CharField(_("state"), max_length=12)
    paused = models.BooleanField(_("paused"), default=False)
    pause_reason = models.CharField(_("pause reason"), max_length=80, blank=True)
    since = models.DateTimeField(_("since"))

    class Meta:
        verbose_name = _("queue member")
        verbose_name_plural = _("queue members")
        constraints = [models.UniqueConstraint(fields=["queue", "agent"], name="live_member")]

    def __str__(self) -> str:
        return f"{self.agent} @ {self.queue}"


class ListenerStatus(models.Model):
    """One row: is the listener connected, and when did it last hear from the switch?"""

    name = models.CharField(max_length=40, unique=True)
    connected = models.BooleanField(default=False)
    last_event_at = models.DateTimeField(null=True, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name
