"""The nomenclature: families and request types, versioned with effective dates.

A ``RequestType`` is the stable identity (its code). What it says (label, routing,
deadline, ...) lives in ``RequestTypeVersion`` rows that are never edited once fiches
use them: a change publishes a new version effective at a date. Fiches point to the
version they were created under.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from organisations.models import Body, Cell, Directorate
from worktime import DeadlineUnit


def normalise(text: str) -> str:
    """Lower-case, accent-free text for accent-insensitive search."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def search_words(request_type, label: str, keywords: str) -> str:
    """What the type picker searches: code, label, keywords and the family's label."""
    return label_words(f"{request_type.code} {label} {keywords} {request_type.family.label}")


def label_words(text: str) -> str:
    """``normalise`` with punctuation turned into spaces, framed by spaces for word-prefix search.

    "Nid-de-poule" -> " nid de poule ": a word starts with ``t`` when the text contains ``" " + t``.
    """
    cleaned = "".join(c if c.isalnum() else " " for c in normalise(text))
    return f" {' '.join(cleaned.split())} "


class Kind(models.TextChoices):
    ANOMALY = "anomaly", _("Anomaly on public space")
    ASSISTANCE = "assistance", _("Assistance")
    INFORMATION = "information", _("Information")


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class Unit(models.TextChoices):
    HOURS = DeadlineUnit.HOURS.value, _("hours")
    CALENDAR_DAYS = DeadlineUnit.CALENDAR_DAYS.value, _("calendar days")
    WORKING_DAYS = DeadlineUnit.WORKING_DAYS.value, _("working days (Mon-Fri)")
    BUSINESS_DAYS = DeadlineUnit.BUSINESS_DAYS.value, _("business days (Mon-Sat)")


class Family(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    label = models.CharField(_("label"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Duplicates by place: open fiches of the family this close and this recent (fiches.selectors).
    duplicate_radius_m = models.PositiveIntegerField(
        _("duplicate distance (m)"),
        default=150,
        validators=[MinValueValidator(5), MaxValueValidator(5000)],
        help_text=_("Open fiches of this family within this distance are shown as possible duplicates."),
    )
    duplicate_window_days = models.PositiveSmallIntegerField(
        _("duplicate time window (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("Only fiches created within this many days are possible duplicates."),
    )

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        ordering = ["order", "label"]

    def __str__(self) -> str:
        return self.label


class RequestType(models.Model):
    code = models.CharField(_("code"), max_length=30, unique=True)
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="types")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("request type")
        verbose_name_plural = _("request types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class VersionQuerySet(models.QuerySet["RequestTypeVersion"]):
    def published(self) -> VersionQuerySet:
        return self.filter(status=RequestTypeVersion.Status.PUBLISHED)

    def in_force(self, at=None, *, include_inactive: bool = False) -> VersionQuerySet:
        """For each type, the published version in force at ``at`` (now by default).

        Two versions effective at the same moment: the higher number wins. Deactivated
        types are left out unless ``include_inactive``.
        """
        at = at or timezone.now()
        newer = RequestTypeVersion.objects.filter(
            models.Q(effective_from__gt=models.OuterRef("effective_from"))
            | models.Q(
                effective_from=models.OuterRef("effective_from"), number__gt=models.OuterRef("number")
            ),
            request_type=models.OuterRef("request_type"),
            status=RequestTypeVersion.Status.PUBLISHED,
            effective_from__lte=at,
        )
        queryset = self.published().filter(effective_from__lte=at).exclude(models.Exists(newer))
        if not include_inactive:
            queryset = queryset.filter(request_type__active=True)
        return queryset


class RequestTypeVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    request_type = models.ForeignKey(RequestType, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    effective_from = models.DateTimeField(_("effective from"), db_index=True)
    label = models.CharField(_("label"), max_length=200)
    keywords = models.TextField(_("keywords and synonyms"), blank=True)
    kind = models.CharField(pgettext_lazy("nature of a request", "kind"), max_length=12, choices=Kind.choices)
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="+", verbose_name=_("competent body")
    )
    directorate = models.ForeignKey(
        Directorate, on_delete=models.PROTECT, related_name="+", verbose_name=_("directorate")
    )
    cell = models.ForeignKey(Cell, on_delete=models.PROTECT, related_name="+", verbose_name=_("cell"))
    deadline_amount = models.PositiveIntegerField(_("deadline"))
    deadline_unit = models.CharField(_("deadline unit"), max_length=16, choices=Unit.choices)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    phone_only = models.BooleanField(_("phone only (urgent cases)"), default=False)
    anonymous_allowed = models.BooleanField(_("anonymous requests allowed"), default=False)
    public_channel = models.BooleanField(
        _("open to the public channel"),
        default=False,
        help_text=_("Citizens and their applications may file it themselves (web, Open311)."),
    )
    publishable = models.BooleanField(
        _("description and photos publishable"),
        default=False,
        help_text=_("Once checked on each fiche, its description and photos may be shown publicly."),
    )
    questions = models.JSONField(
        _("extra questions"),
        default=list,
        blank=True,
        help_text=_('A list of {"key", "label", "required"} objects.'),
    )
    search_text = models.TextField(editable=False, default="")
    # " code label " as words (see label_words), to rank label matches before keyword matches.
    label_text = models.TextField(editable=False, default="")
    # Every word of code, label and keywords, same shape: word-prefix search over everything.
    word_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason for the change"), max_length=300, blank=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("request type version")
        verbose_name_plural = _("request type versions")
        ordering = ["request_type__code", "-number"]
        constraints = [models.UniqueConstraint(fields=["request_type", "number"], name="unique_type_version")]
        indexes = [models.Index(fields=["request_type", "status", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.request_type.code} · {self.label}"

    def save(self, *args, **kwargs) -> None:
        self.search_text = normalise(f"{self.request_type.code} {self.label} {self.keywords}")
        self.label_text = label_words(f"{self.request_type.code} {self.label}")
        self.word_text = search_words(self.request_type, self.label, self.keywords)
        super().save(*args, **kwargs)

    @property
    def code(self) -> str:
        return self.request_type.code

    @property
    def deadline_display(self) -> str:
        """« 1 jour ouvré (lun.-ven.) », « 5 jours ouvrés (lun.-ven.) »: the plural follows the amount."""
        n = self.deadline_amount
        texts = {
            Unit.HOURS: ngettext("%(n)s hour", "%(n)s hours", n),
            Unit.CALENDAR_DAYS: ngettext("%(n)s calendar day", "%(n)s calendar days", n),
            Unit.WORKING_DAYS: ngettext("%(n)s working day (Mon-Fri)", "%(n)s working days (Mon-Fri)", n),
            Unit.BUSINESS_DAYS: ngettext("%(n)s business day (Mon-Sat)", "%(n)s business days (Mon-Sat)", n),
        }
        text = texts.get(self.deadline_unit)
        return text % {"n": n} if text else f"{n} {self.get_deadline_unit_display()}"
