"""The monitoring committee: its members, meetings and agenda, and the nomenclature change
requests it decides (convention, A3.7 and A7)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalogue.models import RequestType, RequestTypeVersion
from core.dates import french_date
from organisations.models import Body


class Member(models.Model):
    """A member of the committee for one body, with their function (A7.1)."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+", verbose_name=_("body"))
    name = models.CharField(_("name"), max_length=200)
    function = models.CharField(_("function"), max_length=200)
    email = models.EmailField(_("e-mail"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="committee_member",
        verbose_name=_("user account"),
    )
    is_secretary = models.BooleanField(
        _("committee secretary"), default=False, help_text=_("Records meetings, minutes and decisions.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["body__kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.function}, {self.body})"


class Meeting(models.Model):
    class Kind(models.TextChoices):
        QUARTERLY = "quarterly", _("Quarterly meeting")
        EXTRAORDINARY = "extraordinary", _("Extraordinary meeting")

    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices, default=Kind.QUARTERLY)
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
        help_text=_("For an extraordinary meeting: the member who asked for it."),
    )
    held = models.BooleanField(_("held"), default=False)
    invited_at = models.DateTimeField(_("invitations sent"), null=True, blank=True, editable=False)
    invitations_sent = models.PositiveSmallIntegerField(default=0, editable=False)
    minutes_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    minutes_recorded_at = models.DateTimeField(
        _("minutes recorded on"), null=True, blank=True, editable=False
    )
    minutes = models.TextField(_("minutes"), blank=True)
    campaigns = models.TextField(
        _("awareness campaigns proposed"),
        blank=True,
        help_text=_("Advertising or awareness campaigns (A7.6)."),
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {french_date(self.starts_at)}"


class Attendance(models.Model):
    """A member's attendance at a meeting, recorded with the minutes."""

    class Status(models.TextChoices):
        PRESENT = "present", pgettext_lazy("attendance", "Present")
        EXCUSED = "excused", _("Excused")
        REPRESENTED = "represented", _("Represented")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(_("attendance"), max_length=11, choices=Status.choices)
    represented_by = models.CharField(_("represented by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["member__body__kind", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member.name}: {self.get_status_display()}"


class MeetingRequest(models.Model):
    """A member's request for an extraordinary meeting (A7.2), until the secretary convenes it."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="meeting_requests")
    reason = models.TextField(_("reason"))
    requested_at = models.DateTimeField(_("requested on"), default=timezone.now)
    meeting = models.OneToOneField(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="request",
        verbose_name=_("meeting convened"),
    )

    class Meta:
        verbose_name = _("request for an extraordinary meeting")
        verbose_name_plural = _("requests for an extraordinary meeting")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.member.name} · {french_date(self.requested_at)}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("item"), max_length=300)
    change_request = models.ForeignKey(
        "ChangeRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items"
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class ChangeRequest(models.Model):
    """A proposed change of the nomenclature, holding a draft version of the type."""

    class Kind(models.TextChoices):
        NEW_TYPE = "new_type", _("New request type")
        CHANGE = "change", _("Change of a request type")
        WITHDRAWAL = "withdrawal", _("Withdrawal of a request type")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting the committee")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        EMERGENCY = "emergency", _("Published in an emergency")

    class DecidedIn(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        WRITTEN = "written", _("Written consultation")
        EMERGENCY = "emergency", _("Emergency publication by an administrator")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    request_type = models.ForeignKey(
        RequestType, on_delete=models.PROTECT, related_name="change_requests", verbose_name=_("request type")
    )
    draft = models.OneToOneField(
        RequestTypeVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="change_request",
        verbose_name=_("draft version"),
    )
    reason = models.TextField(_("reason"))
    effective_date = models.DateField(_("proposed effective date"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    impact = models.JSONField(_("impact"), default=dict, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    decided_in = models.CharField(_("decided by"), max_length=10, choices=DecidedIn.choices, blank=True)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("meeting"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)
    applied = models.BooleanField(_("applied"), default=False, help_text=_("A withdrawal carried out."))

    class Meta:
        verbose_name = _("nomenclature change request")
        verbose_name_plural = _("nomenclature change requests")
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["status", "effective_date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.request_type.code}"


class ConsultationAnswer(models.Model):
    """A member's answer to a written consultation on a change request."""

    class Answer(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REFUSE = "refuse", _("Refuse")
        ABSTAIN = "abstain", _("Abstain")

    change_request = models.ForeignKey(ChangeRequest, on_delete=models.CASCADE, related_name="answers")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("answer"), max_length=8, choices=Answer.choices)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("consultation answer")
        verbose_name_plural = _("consultation answers")
        constraints = [
            models.UniqueConstraint(fields=["change_request", "member"], name="one_answer_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_answer_display()}"


class Generated(models.Model):
    """A document written by the background worker: its progress, and the moment the worker
    last reported (a worker that dies mid-way leaves it "waiting" or "being generated"; past
    ``STALL`` without news the pages say so, stop polling and let it be generated again)."""

    STALL = timedelta(minutes=30)

    heartbeat = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def stalled(self) -> bool:
        if self.status not in ("pending", "running"):
            return False
        last = self.heartbeat or getattr(self, "requested_at", None)
        return last is None or last < timezone.now() - self.STALL


class QuarterlyPack(Generated):
    """The committee's quarterly pack: one PDF and one XLSX with the same figures, generated in
    the background and kept (A7.2, A7.4, A7.5)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being generated")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(max_length=100, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    figures = models.JSONField(default=dict, editable=False)
    pdf = models.FileField(upload_to="committee/packs/", blank=True)
    xlsx = models.FileField(upload_to="committee/packs/", blank=True)
    pdf_seconds = models.FloatField(null=True, blank=True, editable=False)
    total_seconds = models.FloatField(null=True, blank=True, editable=False)
    error = models.TextField(blank=True)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="packs",
        verbose_name=_("meeting"),
    )

    class Meta:
        verbose_name = _("quarterly pack")
        verbose_name_plural = _("quarterly packs")
        ordering = ["-year", "-quarter", "-requested_at"]

    def __str__(self) -> str:
        return f"T{self.quarter} {self.year}"


class ActivityReport(Generated):
    """The annual activity report joined to the financial statement (A7.7): figures of a
    convention year, an introduction and a conclusion, frozen once signed off."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not generated")
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being generated")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("convention"),
    )
    year = models.PositiveSmallIntegerField(_("convention year"))
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    introduction = models.TextField(_("introduction"), blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    figures = models.JSONField(default=dict, editable=False)
    generated_at = models.DateTimeField(null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    pdf = models.FileField(upload_to="committee/reports/", blank=True)
    xlsx = models.FileField(upload_to="committee/reports/", blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    signed_at = models.DateTimeField(_("signed off on"), null=True, blank=True)

    class Meta:
        verbose_name = _("annual activity report")
        verbose_name_plural = _("annual activity reports")
        ordering = ["-start"]
        constraints = [models.UniqueConstraint(fields=["agreement", "year"], name="one_report_per_year")]

    def __str__(self) -> str:
        if self.agreement_id:
            return str(_("%(ref)s, year %(n)s")) % {"ref": self.agreement.reference, "n": self.year}
        return str(self.year)

    @property
    def signed(self) -> bool:
        return self.signed_at is not None
