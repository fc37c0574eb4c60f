"""Changing the nomenclature: the only place that creates request types and versions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import Family, Kind, Priority, RequestType, RequestTypeVersion, Unit
from core.dates import day_start
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
    "public_channel",
    "publishable",
    "questions",
)

# Limits shared by the nomenclature forms and the import (TypeData.validate applies them).
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
CODE_MAX = 30
LABEL_MAX = 200
KEYWORDS_MAX = 2000
# The longest deadline of each unit, about two years (one in hours): every due date they give
# stays within the horizon of the working-day calendar (worktime.MAX_SEARCH_DAYS).
DEADLINE_MAX = {
    Unit.HOURS: 8760,
    Unit.CALENDAR_DAYS: 730,
    Unit.WORKING_DAYS: 500,
    Unit.BUSINESS_DAYS: 600,
}
QUESTIONS_MAX = 30
QUESTION_KEY_MAX = 50
QUESTION_LABEL_MAX = 200


def text_error(value: str, limit: int) -> str | None:
    """Why a text cannot be stored: too long, or a NUL character (PostgreSQL refuses it)."""
    if "\x00" in value:
        return _("The text contains a NUL character (\\0), which cannot be stored.")
    if len(value) > limit:
        return _("At most %(max)s characters.") % {"max": limit}
    return None


def deadline_error(amount: object, unit: str) -> str | None:
    """Why a deadline is refused: not a whole number from 1 to the unit's maximum."""
    limit = DEADLINE_MAX.get(unit, max(DEADLINE_MAX.values()))  # an unknown unit is refused apart
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= limit:
        return _("The deadline must be a whole number from 1 to %(max)s in this unit.") % {"max": limit}
    return None


def questions_error(questions: object) -> str | None:
    """Why a list of extra questions is refused: each is {"key", "label", "required"}."""
    if not isinstance(questions, list):
        return _('Questions must be a list such as [{"key": "lamp", "label": "Numéro"}].')
    if len(questions) > QUESTIONS_MAX:
        return _("At most %(max)s extra questions.") % {"max": QUESTIONS_MAX}
    keys: set[str] = set()
    for question in questions:
        if not isinstance(question, dict) or set(question) - {"key", "label", "required"}:
            return _('Each question is {"key": …, "label": …, "required": true or false}.')
        key, label = question.get("key"), question.get("label")
        if not isinstance(key, str) or not key.strip() or not isinstance(label, str) or not label.strip():
            return _('Each question needs a "key" and a "label" written as text.')
        problem = text_error(key, QUESTION_KEY_MAX) or text_error(label, QUESTION_LABEL_MAX)
        if problem:
            return f"{key[:QUESTION_KEY_MAX]}: {problem}"
        if key in keys:
            return _("Two questions share the key %(key)s.") % {"key": key}
        if not isinstance(question.get("required", False), bool):
            return _('"required" must be true or false.')
        keys.add(key)
    return None


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
    public_channel: bool = False
    publishable: bool = False
    questions: list[dict[str, Any]] | None = None

    def validate(self) -> None:
        errors: dict[str, str] = {}
        if len(self.code) > CODE_MAX or not CODE_PATTERN.fullmatch(self.code):
            errors["code"] = _("A code has 1 to %(max)s letters, digits, - and _ (no spaces).") % {
                "max": CODE_MAX
            }
        if not self.label:
            errors["label"] = _("A label is required.")
        for name, limit in (("label", LABEL_MAX), ("keywords", KEYWORDS_MAX)):
            problem = text_error(getattr(self, name), limit)
            if problem:
                errors[name] = problem
        if self.kind not in Kind.values:
            errors["kind"] = _("Unknown kind.")
        if self.deadline_unit not in Unit.values:
            errors["deadline_unit"] = _("Unknown deadline unit.")
        if self.priority not in Priority.values:
            errors["priority"] = _("Unknown priority.")
        problem = deadline_error(self.deadline_amount, self.deadline_unit)
        if problem:
            errors["deadline_amount"] = problem
        if not hasattr(self.directorate, "cell"):
            errors["directorate"] = _("This directorate has no cell to receive fiches.")
        problem = questions_error(self.questions or [])
        if problem:
            errors["questions"] = problem
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
            "public_channel": self.public_channel,
            "publishable": self.publishable,
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
    return day_start(day)


def latest_version(request_type: RequestType) -> RequestTypeVersion | None:
    """The most recent published version (the one in force, or scheduled to be)."""
    return (
        request_type.versions.published()
        .select_related("request_type", "directorate")
        .order_by("-effective_from", "-number")
        .first()
    )
