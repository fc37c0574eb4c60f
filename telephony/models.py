"""Telephone platform records: imported call logs, queue passages (and so calls), agents, opening hours.

Passages carry denormalised local-time columns (``local_date``, ``local_minute``,
``weekday``, ``in_hours``) computed once at import in Europe/Paris, so that every KPI
groups by plain integer/date columns with the same SQL on SQLite and PostgreSQL.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Queue(models.Model):
    name = models.CharField(_("queue name"), max_length=128, unique=True)
    label = models.CharField(_("label"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label or self.name


class Agent(models.Model):
    """A telephony agent identifier (membername, interface…), not a Django user.

    One person may appear under several identifiers (research §1.2: ADDMEMBER logs the
    interface, ``PJSIP/201``, call events the membername): ``same_as`` points an identifier
    to the person's main one, whose rows then carry all its figures.
    """

    identifier = models.CharField(_("agent identifier"), max_length=128, unique=True)
    label = models.CharField(_("label"), max_length=200, blank=True)
    same_as = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="aliases",
        verbose_name=_("same person as"),
        help_text=_(
            "The person's main identifier: the figures logged under this one are counted there "
            "(those already imported are moved when you save)."
        ),
    )

    class Meta:
        verbose_name = _("telephony agent")
        verbose_name_plural = _("telephony agents")
        ordering = ["identifier"]

    def __str__(self) -> str:
        return self.label or self.identifier

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.same_as_id is not None and (
            self.same_as_id == self.pk or self.same_as.same_as_id is not None
        ):
            raise ValidationError(
                {"same_as": _("Choose a main identifier: one that is not itself the same as another.")}
            )
        if self.same_as_id is not None and self.pk is not None and self.aliases.exists():
            raise ValidationError(
                {"same_as": _("Other identifiers point to this one: it stays a main identifier.")}
            )


class ImportSource(models.Model):
    """One log file as imported so far: where to resume, and how to recognise it."""

    name = models.CharField(_("file name"), max_length=255, db_index=True)
    head_hash = models.CharField(_("hash of the first bytes"), max_length=64)
    head_length = models.PositiveIntegerField(_("hashed length"))
    offset = models.BigIntegerField(_("bytes imported"), default=0)
    resume_offset = models.BigIntegerField(_("re-read from"), default=0)
    resume_lineno = models.PositiveIntegerField(default=1)
    # the rows read from the resume offset on are dated from this day (a day of margin):
    # the re-import deletes them through the (local_date, queue) index
    resume_date = models.DateField(null=True, blank=True)
    lines_before_resume = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("imported file")
        verbose_name_plural = _("imported files")
        indexes = [models.Index(fields=["head_length", "head_hash"])]

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        STOPPED = "stopped", _("Stopped")

    file_name = models.CharField(_("file name"), max_length=255)
    stored_path = models.CharField(max_length=500, blank=True)
    file_format = models.CharField(_("format"), max_length=20, default="file")
    source = models.ForeignKey(ImportSource, on_delete=models.SET_NULL, null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    size = models.BigIntegerField(_("size"), default=0)
    start_offset = models.BigIntegerField(default=0)
    bytes_done = models.BigIntegerField(default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    options = models.JSONField(_("import options"), default=dict, blank=True)
    error = models.TextField(blank=True)
    # set by the "stop" button; the import checks it between blocks and undoes what it wrote
    stop_requested = models.BooleanField(_("stop requested"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def stoppable(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING) and not self.stop_requested

    @property
    def stopping(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING) and self.stop_requested

    @property
    def progress(self) -> int:
        todo = self.size - self.start_offset
        if self.status == self.Status.DONE:
            return 100
        if todo <= 0:
            return 0
        return max(0, min(100, int(100 * (self.bytes_done - self.start_offset) / todo)))


class Outcome(models.TextChoices):
    ANSWERED = "answered", pgettext_lazy("outcome of one queue passage", "Answered")
    TRANSFER = "transfer", pgettext_lazy("outcome of one queue passage", "Answered and transferred")
    ABANDONED = "abandoned", pgettext_lazy("outcome of one queue passage", "Abandoned")
    TIMEOUT = "timeout", pgettext_lazy("outcome of one queue passage", "Timeout (overflow)")
    OTHER = "other", pgettext_lazy("outcome of one queue passage", "Other exit")
    UNKNOWN = "unknown", pgettext_lazy("outcome of one queue passage", "Incomplete (no end logged)")


class LocalTimeColumns(models.Model):
    local_date = models.DateField(_("date"))
    local_minute = models.PositiveSmallIntegerField(_("minute of the day"))
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    in_hours = models.BooleanField(_("within opening hours"), default=True)

    class Meta:
        abstract = True


class QueuePassage(LocalTimeColumns):
    """One visit of one call to one queue (ENTERQUEUE … terminal event).

    A citizen call is the set of passages sharing a call id (an overflow makes two). There
    is no separate table of calls: the first passage of each call carries the call's
    summary (``call_passages`` ≥ 1, ``call_answered``); the call's other passages have
    ``call_passages = 0``. Counting calls is counting first passages, and a year of the
    import writes one row per passage, not two (research/telephony.md §1.8 P2).
    The answer time is ``entered_at`` + ``wait``; an answered passage ends ``talk`` later.
    """

    # One secondary index only, (local_date, queue): every KPI, the drill-down, and the
    # re-import's delete (bounded by ImportSource.resume_date). Each index costs ~25 % of
    # the bulk insert of a year (~350,000 rows, measured).
    # No database-level foreign keys either (db_constraint=False): their checks cost ~14 % of
    # each row's insert (callgrind). The import is the only writer and creates the queues and
    # agents it refers to; deleting a source, queue or agent goes through Django, which
    # cascades (source) or protects (queue, agent) as declared.
    source = models.ForeignKey(
        ImportSource, on_delete=models.CASCADE, null=True, blank=True, db_index=False, db_constraint=False
    )
    offset = models.BigIntegerField(default=0)
    callid = models.CharField(_("call id"), max_length=80)
    queue = models.ForeignKey(
        Queue, on_delete=models.PROTECT, verbose_name=_("queue"), db_index=False, db_constraint=False
    )
    agent = models.ForeignKey(
        Agent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("agent"),
        db_index=False,
        db_constraint=False,
    )
    entered_at = models.DateTimeField(_("entered the queue"))
    wait = models.PositiveIntegerField(_("wait (s)"), default=0)
    talk = models.PositiveIntegerField(_("talk (s)"), default=0)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    answered = models.BooleanField(_("answered"), default=False)
    exit_event = models.CharField(_("exit event"), max_length=32, blank=True)
    call_passages = models.PositiveSmallIntegerField(
        _("queue passages of the call"),
        default=1,
        help_text=_("On the first passage of a call: how many passages it has; 0 on the others."),
    )
    call_answered = models.BooleanField(
        _("call answered"),
        default=False,
        help_text=_("On the first passage: the call's last passage was answered."),
    )

    class Meta:
        verbose_name = _("queue passage")
        verbose_name_plural = _("queue passages")
        indexes = [models.Index(fields=["local_date", "queue"])]

    def __str__(self) -> str:
        return f"{self.callid} @ {self.queue_id}"


class AgentActivity(models.Model):
    """Agent presence: a login session, a pause, or an unanswered ring (RINGNOANSWER > 0 ms)."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Logged in")
        PAUSE = "pause", _("Pause")
        RING = "ring", _("Ring not answered")

    source = models.ForeignKey(ImportSource, on_delete=models.CASCADE, null=True, blank=True)
    offset = models.BigIntegerField(default=0)
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, verbose_name=_("agent"))
    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    started_at = models.DateTimeField(_("start"))
    ended_at = models.DateTimeField(_("end"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=80, blank=True)
    local_date = models.DateField(_("date"))

    class Meta:
        verbose_name = _("agent activity")
        verbose_name_plural = _("agent activities")
        indexes = [
            models.Index(fields=["kind", "started_at"]),
            models.Index(fields=["local_date"]),
            models.Index(fields=["source", "offset"]),
        ]

    def __str__(self) -> str:
        return f"{self.agent} {self.kind}"


class OpeningHours(models.Model):
    """A weekly opening slot of the call centre (several per weekday allowed)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class OpeningException(models.Model):
    """A date with other hours than usual (closed, or opened on a public holiday)."""

    date = models.DateField(_("date"), unique=True)
    closed = models.BooleanField(_("closed all day"), default=True)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    label = models.CharField(_("label"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("opening exception")
        verbose_name_plural = _("opening exceptions")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.label}"


class DayRollupColumns(models.Model):
    """The key of a day's rollup row: one queue, one local day, and whether its passages lie
    within opening hours."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, db_constraint=False, db_index=False)
    local_date = models.DateField(_("date"))
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    in_hours = models.BooleanField(_("within opening hours"))

    class Meta:
        abstract = True


class RollupColumns(DayRollupColumns):
    """The key of a quarter's rollup row: a day's key and one quarter of an hour (its first
    minute; a quarter cut by an opening time has two rows)."""

    local_minute = models.PositiveSmallIntegerField(_("first minute of the quarter of an hour"))

    class Meta:
        abstract = True


class QueueRollup(RollupColumns):
    """The queue passages of a quarter of an hour, counted (telephony.rollups): every counter
    of telephony.kpi.Counters that does not depend on a threshold, and the calls (first
    passages). Written by the import, never by hand; the figures read them for whole days and
    the passages only for days not rolled up yet (RollupStaleDay)."""

    offered = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    transferred = models.PositiveIntegerField(default=0)
    abandoned = models.PositiveIntegerField(default=0)
    timeouts = models.PositiveIntegerField(default=0)
    other_exits = models.PositiveIntegerField(default=0)
    unknown = models.PositiveIntegerField(default=0)
    wait_answered = models.BigIntegerField(default=0)
    wait_closed = models.BigIntegerField(default=0)
    wait_abandoned = models.BigIntegerField(default=0)
    max_wait = models.PositiveIntegerField(default=0)
    talk = models.BigIntegerField(default=0)
    calls = models.PositiveIntegerField(default=0)
    calls_answered = models.PositiveIntegerField(default=0)
    calls_multi = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("queue rollup")
        verbose_name_plural = _("queue rollups")
        indexes = [models.Index(fields=["local_date", "queue"])]

    def __str__(self) -> str:
        return f"{self.queue_id} {self.local_date} {self.local_minute}"


class QueueWaitCount(DayRollupColumns):
    """How many answered (or abandoned) passages of a day waited exactly ``wait`` seconds: a
    histogram at one-second buckets, so that the share answered within any threshold, and the
    short abandons, are exact sums of buckets. Waits over ``WAIT_CAP`` seconds (past every
    threshold a form accepts) share the last bucket. Per day, not per quarter of an hour
    (less than half the rows to write): the intervals of minutes read the passages for their
    thresholds' counters (telephony.selectors)."""

    WAIT_CAP = 3601

    answered = models.BooleanField(_("answered (else abandoned)"))
    wait = models.PositiveIntegerField(_("wait (s)"))
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("wait histogram bucket")
        verbose_name_plural = _("wait histogram buckets")
        indexes = [models.Index(fields=["local_date", "queue"])]

    def __str__(self) -> str:
        return f"{self.queue_id} {self.local_date} {self.wait} s × {self.count}"


class RollupStaleDay(models.Model):
    """A local day whose passages changed since its rollups were written: marked in the same
    transaction as the change; the figures read that day from the passages until
    ``telephony.rollups.refresh`` rebuilds it."""

    local_date = models.DateField(_("date"), unique=True)

    class Meta:
        verbose_name = _("day to roll up again")
        verbose_name_plural = _("days to roll up again")

    def __str__(self) -> str:
        return str(self.local_date)
