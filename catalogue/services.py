"""Changing the nomenclature: the only place that creates request types and versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import Family, Kind, Priority, RequestType, RequestTypeVersion, Unit
from organisations.models import Directorate

VERSIONED_FIELDS = (
    "label",
    "keywords",
    "kind",
    "directorate",
    "deadline_amount",
    "deadline_unit",
    "priority",
    "phone_only",
    "anonymous_allowed",
    "questions",
)


@dataclass
class TypeData:
    """Everything a version says, validated before anything is written."""

    code: str
    family: Family
    label: str
    kind: str
    directorate: Directorate
    deadline_amount: int
    deadline_unit: str
    priority: str = Priority.NORMAL
    keywords: str = ""
    phone_only: bool = False
    anonymous_allowed: bool = False
    questions: list[dict[str, Any]] | None = None

    def validate(self) -> None:
        errors: dict[str, str] = {}
        if not self.code or len(self.code) > 30:
            errors["code"] = _("A code of 1 to 30 characters is required.")
        if not self.label:
            errors["label"] = _("A label is required.")
        if self.kind not in Kind.values:
            errors["kind"] = _("Unknown kind.")
        if self.deadline_unit not in Unit.values:
            errors["deadline_unit"] = _("Unknown deadline unit.")
        if self.priority not in Priority.values:
            errors["priority"] = _("Unknown priority.")
        if self.deadline_amount is None or self.deadline_amount <= 0:
            errors["deadline_amount"] = _("The deadline must be a positive number.")
        if not hasattr(self.directorate, "cell"):
            errors["directorate"] = _("This directorate has no cell to receive fiches.")
        for question in self.questions or []:
            if not isinstance(question, dict) or not question.get("key") or not question.get("label"):
                errors["questions"] = _("Each extra question needs a key and a label.")
        if errors:
            raise ValidationError(errors)

    def version_values(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "keywords": self.keywords,
            "kind": self.kind,
            "body": self.directorate.body,
            "directorate": self.directorate,
            "cell": self.directorate.cell,
            "deadline_amount": self.deadline_amount,
            "deadline_unit": self.deadline_unit,
            "priority": self.priority,
            "phone_only": self.phone_only,
            "anonymous_allowed": self.anonymous_allowed,
            "questions": self.questions or [],
        }


def version_differs(version: RequestTypeVersion, data: TypeData) -> bool:
    values = data.version_values()
    return (
        any(
            getattr(version, f"{name}_id", getattr(version, name, None))
            != getattr(values[name], "pk", values[name])
            for name in VERSIONED_FIELDS
        )
        or version.request_type.family_id != data.family.pk
    )


@transaction.atomic
def publish_version(
    data: TypeData,
    *,
    user=None,
    reason: str = "",
    effective_from: datetime | None = None,
    status: str = RequestTypeVersion.Status.PUBLISHED,
    authority: str = "",
) -> RequestTypeVersion:
    """Create the type if new, and record a new version of it. Nothing is edited in place.

    ``status=DRAFT`` records a proposal that a later approval (the committee) publishes.
    Once ``NOMENCLATURE_COMMITTEE_APPROVAL`` is on, publishing needs an ``authority``
    (``COMMITTEE`` or ``EMERGENCY``: only the committee app passes one).
    """
    if status == RequestTypeVersion.Status.PUBLISHED:
        check_authority(authority)
    data.validate()
    request_type, created = RequestType.objects.select_for_update().get_or_create(
        code=data.code, defaults={"family": data.family}
    )
    if not created and request_type.family_id != data.family.pk:
        request_type.family = data.family
        request_type.save(update_fields=["family"])
    last = request_type.versions.aggregate(n=Max("number"))["n"] or 0
    version = RequestTypeVersion(
        request_type=request_type,
        number=last + 1,
        status=status,
        effective_from=effective_from or timezone.now(),
        created_by=user,
        reason=reason,
        **data.version_values(),
    )
    version.save()
    return version


COMMITTEE, EMERGENCY = "committee", "emergency"


def committee_approval_required() -> bool:
    return bool(getattr(settings, "NOMENCLATURE_COMMITTEE_APPROVAL", False))


def check_authority(authority: str) -> None:
    if authority not in (COMMITTEE, EMERGENCY) and committee_approval_required():
        raise ValidationError(
            _(
                "The nomenclature changes only with the monitoring committee's approval: "
                "propose a change request to the committee."
            )
        )


@transaction.atomic
def publish_draft(
    version: RequestTypeVersion, *, authority: str, at: datetime | None = None
) -> RequestTypeVersion:
    """Publish a draft version: at its effective date, or now when that date has passed."""
    if authority not in (COMMITTEE, EMERGENCY):
        raise ValidationError(
            _("Only the committee, or an administrator in an emergency, publishes a draft.")
        )
    locked = RequestTypeVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != RequestTypeVersion.Status.DRAFT:
        raise ValidationError(_("This version is not a draft any more."))
    now = at or timezone.now()
    locked.effective_from = max(locked.effective_from, now)
    locked.status = RequestTypeVersion.Status.PUBLISHED
    locked.save(update_fields=["status", "effective_from", "search_text", "label_text", "word_text"])
    version.__dict__.update(locked.__dict__)
    return locked


def current_version(code: str, at: datetime | None = None) -> RequestTypeVersion | None:
    return (
        RequestTypeVersion.objects.in_force(at)
        .filter(request_type__code=code)
        .select_related("request_type", "body", "directorate", "cell")
        .first()
    )


def effective_moment(day: date | None, *, now: datetime | None = None) -> datetime:
    """When a version dated ``day`` takes effect: now for today (or no date), else local midnight.

    A past date is refused: publishing into the past would change which version was in
    force when earlier fiches were recorded.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if day is None or day == today:
        return now
    if day < today:
        raise ValidationError(_("The effective date cannot be in the past."))
    return timezone.make_aware(datetime.combine(day, time.min))


def latest_version(request_type: RequestType) -> RequestTypeVersion | None:
    """The most recent published version (the one in force, or scheduled to be)."""
    return (
        request_type.versions.published()
        .select_related("request_type", "directorate")
        .order_by("-effective_from", "-number")
        .first()
    )
