"""Fiches (citizen requests), their requesters, timeline and attachments."""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogue.models import Kind, Priority, RequestTypeVersion
from organisations.models import Body, Cell, Directorate


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WEB = "web", _("Web form")
    APP = "app", _("Mobile app")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    COUNTER = "counter", _("Counter")


class Status(models.TextChoices):
    NEW = "new", _("New")
    TRANSMITTED = "transmitted", _("Transmitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REROUTED = "rerouted", _("To re-route")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")
    REOPENED = "reopened", _("Reopened")


OPEN_STATUSES = frozenset(
    {
        Status.NEW,
        Status.TRANSMITTED,
        Status.ACKNOWLEDGED,
        Status.IN_PROGRESS,
        Status.WAITING,
        Status.REROUTED,
        Status.REOPENED,
    }
)


def is_overdue(
    status: str, due_at: datetime | None, was_late: bool | None, now: datetime | None = None
) -> bool:
    """Late: an open fiche past its due date, or an ended one that ended late (``was_late``,
    kept when it ended); ``now`` given when many fiches are weighed at once."""
    is_open = status in OPEN_STATUSES
    if was_late is not None and not is_open:
        return bool(was_late)
    return bool(is_open and due_at and due_at < (now or timezone.now()))


class Shown:
    """What the pages show of a fiche from its own values: a ``Fiche``, or a row of the list
    read as plain values (fiches.selectors.ListRow)."""

    __slots__ = ()
    status: str
    due_at: datetime | None
    was_late: bool | None
    street_number: str
    street_name: str
    postal_code: str

    @property
    def is_overdue(self) -> bool:
        return is_overdue(self.status, self.due_at, self.was_late)

    @property
    def address_display(self) -> str:
        """« 12 rue Paradis, 13001 Marseille », without the parts left blank."""
        street = " ".join(p for p in (self.street_number, self.street_name) if p)
        town = f"{self.postal_code} Marseille" if self.postal_code else ""
        return ", ".join(p for p in (street, town) if p)


class Civility(models.TextChoices):
    MADAME = "Mme", _("Mrs")
    MONSIEUR = "M.", _("Mr")
    NONE = "", _("Not given")


class Requester(models.Model):
    """A citizen who calls or writes. Personal data: shown only to roles that need it."""

    civility = models.CharField(_("civility"), max_length=4, choices=Civility.choices, blank=True)
    last_name = models.CharField(_("last name"), max_length=120)
    first_name = models.CharField(_("first name"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    phone_digits = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("postal address"), max_length=250, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("town"), max_length=120, blank=True)
    preferred_channel = models.CharField(
        _("preferred reply channel"),
        max_length=10,
        choices=[
            ("email", _("E-mail")),
            ("sms", _("SMS")),
            ("letter", _("Letter")),
            ("phone", _("Phone")),
        ],
        default="email",
    )
    search_name = models.CharField(max_length=250, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("requester")
        verbose_name_plural = _("requesters")

    def __str__(self) -> str:
        return " ".join(p for p in (self.civility, self.first_name, self.last_name.upper()) if p)

    def save(self, *args, **kwargs) -> None:
        from catalogue.models import normalise

        self.phone_digits = digits_of(self.phone)
        self.search_name = normalise(f"{self.last_name} {self.first_name}")
        super().save(*args, **kwargs)

    @property
    def has_valid_email(self) -> bool:
        """False when there is none, or a stored one that no longer validates (legacy data,
        e.g. an accent in the local part): such an address is shown, never used for notices."""
        try:
            validate_email(self.email)
        except ValidationError:
            return False
        return True


def digits_of(phone: str) -> str:
    """National digits of a French phone number (+33 6 .. → 06..), for look-up."""
    digits = "".join(c for c in phone or "" if c.isdigit())
    if digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


class ReferenceCounter(models.Model):
    """The last fiche number given in a year; incremented inside the creating transaction."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Fiche(Shown, models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    request_type = models.ForeignKey(
        RequestTypeVersion,
        on_delete=models.PROTECT,
        related_name="fiches",
        verbose_name=_("request type"),
        db_index=False,  # fiche_type_created serves it
    )
    description = models.TextField(_("description"), blank=True)
    answers = models.JSONField(_("answers to extra questions"), default=dict, blank=True)

    street_number = models.CharField(_("street number"), max_length=12, blank=True)
    street_name = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    arrondissement = models.PositiveSmallIntegerField(_("arrondissement"), null=True, blank=True)
    sector = models.PositiveSmallIntegerField(_("sector"), null=True, blank=True)
    quartier = models.CharField(_("quartier"), max_length=80, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    address_key = models.CharField(max_length=220, blank=True, editable=False)
    # True when the address was picked in the address reference (places), not typed freely.
    address_verified = models.BooleanField(_("address verified"), default=False)

    requester = models.ForeignKey(
        Requester,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fiches",
        verbose_name=_("requester"),
    )
    followers = models.ManyToManyField(Requester, blank=True, related_name="followed_fiches")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    call_id = models.CharField(_("telephone call id"), max_length=64, blank=True, db_index=True)
    # The intake form's one-time token: a second submission of the same form finds this fiche.
    submission_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices)

    body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("competent body"),
        db_index=False,  # fiche_body_created and fiche_body_queue serve it
    )
    directorate = models.ForeignKey(
        Directorate,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("directorate"),
        db_index=False,  # fiche_dir_created and fiche_dir_queue serve it
    )
    cell = models.ForeignKey(
        Cell,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cell"),
        db_index=False,  # fiche_cell_queue and fiche_cell_created serve it
    )
    original_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    cycle_started_at = models.DateTimeField(
        _("deadline counted from"),
        null=True,
        blank=True,
        help_text=_("When the current deadline started: creation, re-routing or reopening."),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    was_late = models.BooleanField(_("resolved late"), null=True, blank=True)
    # Working time of the competent body (its open days) from the start of the deadline
    # cycle to the acknowledgement and to the resolution: the barometer's percentiles.
    ack_work_seconds = models.PositiveIntegerField(null=True, blank=True, editable=False)
    resolution_work_seconds = models.PositiveIntegerField(null=True, blank=True, editable=False)
    outcome = models.TextField(_("outcome for the citizen"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    reroute_count = models.PositiveSmallIntegerField(default=0)
    # Checked by the cell or the call centre (services.set_publishable): the description and
    # photos may be shown publicly (Open311) when the type is publishable too.
    publishable = models.BooleanField(_("checked for publication"), default=False)
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("fiche")
        verbose_name_plural = _("fiches")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="fiche_created"),
            models.Index(fields=["status", "-created_at", "-id"], name="fiche_status_created"),
            models.Index(fields=["body", "-created_at", "-id"], name="fiche_body_created"),
            models.Index(fields=["directorate", "-created_at", "-id"], name="fiche_dir_created"),
            # A scope's open fiches (queues, counters, the board) by status and due date: the
            # plain foreign-key indexes these replace made SQLite read every fiche a
            # directorate, a body or a cell ever had.
            models.Index(fields=["body", "status", "due_at"], name="fiche_body_queue"),
            models.Index(fields=["directorate", "status", "due_at"], name="fiche_dir_queue"),
            models.Index(fields=["cell", "status", "due_at"], name="fiche_cell_queue"),
            # A cell's fiches newest first (its list, its searches): the cell's own index
            # made SQLite sort every fiche the cell ever had.
            models.Index(fields=["cell", "-created_at", "-id"], name="fiche_cell_created"),
            models.Index(fields=["status", "due_at"], name="fiche_status_due"),
            models.Index(fields=["status", "cycle_started_at"], name="fiche_status_cycle"),
            models.Index(fields=["address_key", "status"], name="fiche_address"),
            # possible duplicates around a point: open fiches in a band of latitude, not every
            # fiche of the years kept in that band
            models.Index(fields=["status", "latitude", "longitude"], name="fiche_status_point"),
            models.Index(fields=["arrondissement", "-created_at"], name="fiche_arr_created"),
            # A status in one arrondissement (the search most used): read in order, counted
            # from its own entries, however many years the arrondissement holds.
            models.Index(
                fields=["arrondissement", "status", "-created_at", "-id"], name="fiche_arr_status_created"
            ),
            models.Index(fields=["resolved_at"], name="fiche_resolved"),
            # A directorate's or a body's fiches resolved in a period (the board's trend): the
            # scope's queue index read every fiche the scope ever had, then kept the period's.
            models.Index(fields=["directorate", "resolved_at"], name="fiche_dir_resolved"),
            models.Index(fields=["body", "resolved_at"], name="fiche_body_resolved"),
            # One request type's fiches of a period, newest first (Open311's service filter, the
            # possible duplicates of a family): its own entries, not every year's.
            models.Index(fields=["request_type", "-created_at", "-id"], name="fiche_type_created"),
            # The SLA sweep's reminder bands: one range of due dates per deadline's types.
            models.Index(fields=["status", "request_type", "due_at"], name="fiche_status_type_due"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def answer_rows(self) -> list[tuple[str, str]]:
        """The extra questions' answers with the questions' labels (of the fiche's version);
        an answer whose question is no longer in the version keeps its key."""
        labels = {q["key"]: q.get("label") or q["key"] for q in self.request_type.questions or []}
        return [(labels.get(key, key), str(value)) for key, value in (self.answers or {}).items()]

    @property
    def reference_spoken(self) -> str:
        """The reference grouped for reading aloud: AM · 2026 · 004 213 (1 000 000 past 999,999)."""
        prefix, year, number = self.reference.split("-")
        groups = [number[max(end - 3, 0) : end] for end in range(len(number), 0, -3)]
        return f"{prefix} · {year} · {' '.join(reversed(groups))}"


class AddressCount(models.Model):
    """How many fiches of one scope (body, directorate and cell) have one address
    key: the list's search by a word of the address (fiches.address_index) reads the keys
    holding the word here, a table that grows with the addresses, not with the years kept,
    and counts their fiches in the user's scope without reading one. The database keeps it
    itself (triggers on the fiches: created, deleted, a key or a scope changed, whoever writes
    them); a fiche without a key (anonymised) is in no row, so a key no fiche has is gone."""

    key = models.CharField(max_length=220)
    # The fiches' own columns, written by the triggers as they are: no relation to follow, and
    # fiches.selectors.scope_filter applies to them as to the fiches.
    body_id = models.IntegerField()
    directorate_id = models.IntegerField()
    cell_id = models.IntegerField()
    # may go below zero inside a trigger, the row then deleted: no positive check
    fiches = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "body_id", "directorate_id", "cell_id"], name="address_count_scope"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.fiches})"


class Event(models.Model):
    """One line of a fiche's timeline. Never edited, never deleted."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        TRANSITION = "transition", _("Status change")
        NOTE = "note", _("Note")
        REROUTE = "reroute", _("Re-routing")
        DEADLINE = "deadline", _("Deadline")
        FOLLOWER = "follower", _("Follower added")
        ATTACHMENT = "attachment", _("Attachment")
        PUBLICATION = "publication", _("Publication check")

    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    action = models.CharField(max_length=20, blank=True)
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    comment = models.TextField(blank=True)
    public = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["fiche", "at"]),
            # Rare kinds (re-routings) counted over years without reading every event.
            models.Index(fields=["kind", "at"], name="event_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.fiche_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    @property
    def title(self) -> str:
        """What happened, for the timeline: the action's label, else the kind of event."""
        from fiches.workflow import ACTIONS

        action = ACTIONS.get(self.action)
        return str(action.label) if action else self.get_kind_display()


class Attachment(models.Model):
    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.original_name

    @property
    def download_name(self) -> str:
        """The client's name (display only) with the extension of the stored, detected type."""
        return (PurePath(self.original_name).stem or "document") + PurePath(self.file.name).suffix
