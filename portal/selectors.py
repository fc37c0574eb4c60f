"""What a citizen may read about a fiche: status, key dates, public comments, outcome.
Never internal notes, staff names or anybody's personal data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from fiches.models import OPEN_STATUSES, Event, Fiche, Requester, Status, digits_of
from portal import links

SURVEY_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED, Status.REJECTED})


def citizen_status(status: str) -> str:
    labels = {
        Status.NEW: pgettext("citizen request status", "Recorded"),
        Status.TRANSMITTED: _("Sent to the competent department"),
        Status.ACKNOWLEDGED: _("Taken in charge"),
        Status.IN_PROGRESS: _("Intervention scheduled"),
        Status.WAITING: _("On hold"),
        Status.RESOLVED: _("Dealt with"),
        Status.CLOSED: pgettext("citizen request status", "Closed"),
        Status.REROUTED: _("Being sent to the competent department"),
        Status.REJECTED: _("Closed without intervention"),
        Status.DUPLICATE: _("Merged with an identical request"),
        Status.REOPENED: _("Reopened"),
    }
    return str(labels.get(status, status))


def _event_label(event: Event) -> str | None:
    if event.kind == Event.Kind.CREATED:
        return _("Request recorded")
    if event.kind == Event.Kind.NOTE:
        return _("Message from the department")
    labels = {
        "transmit": _("Sent to the competent department"),
        "acknowledge": _("Taken in charge by the department"),
        "start": _("Intervention scheduled"),
        "wait": _("On hold"),
        "resolve": _("Dealt with"),
        "close": pgettext("citizen request status", "Closed"),
        "answer": _("Answer given"),
        "reject": _("Closed without intervention"),
        "reroute": _("Sent to another department"),
        "send_back": _("Being sent to the competent department"),
        "mark_duplicate": _("Merged with an identical request"),
        "reopen": _("Reopened"),
    }
    label = labels.get(event.action)
    return str(label) if label else None


def normalise_reference(text: str) -> str:
    """« am 2026 004213 », « AM-2026-004213 » → AM-2026-004213."""
    compact = re.sub(r"[^0-9A-Za-z]", "", text or "").upper()
    match = re.fullmatch(r"([A-Z]+)(\d{4})(\d+)", compact)
    return f"{match[1]}-{match[2]}-{match[3]}" if match else compact


def contact_key(contact: str) -> str:
    """An e-mail in lower case, a phone's national digits or a letter's tracking code: one
    key however it is typed (the rate limit counts per reference and key)."""
    if links.is_tracking_code(contact):
        return links.normalise_code(contact)
    contact = (contact or "").strip()
    return contact.lower() if "@" in contact else digits_of(contact)


def find_for_citizen(reference: str, contact: str) -> Fiche | None:
    """The fiche when the contact is its requester's or a follower's e-mail or phone."""
    reference = normalise_reference(reference)
    if links.is_tracking_code(contact):
        # The code printed on the letters (citizens who gave only a postal address).
        fiche = Fiche.objects.filter(reference=reference).first()
        return fiche if fiche is not None and links.tracking_code_matches(reference, contact) else None
    key = contact_key(contact)
    if not reference or not key:
        return None
    if "@" in key:
        who = Q(email__iexact=key)
    else:
        if len(key) < 9:
            return None
        who = Q(phone_digits=key)
    # One query whatever is wrong (reference or contact): no timing difference to probe.
    return (
        Fiche.objects.filter(reference=reference)
        .filter(
            Q(requester__in=Requester.objects.filter(who)) | Q(followers__in=Requester.objects.filter(who))
        )
        .distinct()
        .first()
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    label: str
    comment: str


@dataclass(frozen=True)
class CitizenView:
    reference: str
    request_label: str
    location: str
    status: str
    status_label: str
    is_open: bool
    created_at: datetime
    due_at: datetime | None
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    outcome: str
    body_name: str
    original_reference: str
    timeline: list[TimelineEntry]
    survey_open: bool


def citizen_view(fiche: Fiche) -> CitizenView:
    fiche = Fiche.objects.select_related("request_type", "body", "duplicate_of").get(pk=fiche.pk)
    timeline = []
    for event in fiche.events.filter(public=True).order_by("at", "id"):
        label = _event_label(event)
        if label is None:
            continue
        comment = event.comment if event.kind in (Event.Kind.NOTE, Event.Kind.TRANSITION) else ""
        timeline.append(TimelineEntry(event.at, label, comment))
    return CitizenView(
        reference=fiche.reference,
        request_label=fiche.request_type.label,
        location=fiche.address_display,
        status=fiche.status,
        status_label=citizen_status(fiche.status),
        is_open=fiche.status in OPEN_STATUSES,
        created_at=fiche.created_at,
        due_at=fiche.due_at if fiche.status in OPEN_STATUSES else None,
        acknowledged_at=fiche.acknowledged_at,
        resolved_at=fiche.resolved_at,
        closed_at=fiche.closed_at,
        outcome=fiche.outcome if fiche.status not in OPEN_STATUSES else "",
        body_name=fiche.body.name,
        original_reference=fiche.duplicate_of.reference if fiche.duplicate_of_id else "",
        timeline=timeline,
        survey_open=fiche.status in SURVEY_STATUSES and not hasattr_answer(fiche),
    )


def hasattr_answer(fiche: Fiche) -> bool:
    from portal.models import SurveyAnswer

    return SurveyAnswer.objects.filter(fiche=fiche).exists()


@dataclass(frozen=True)
class SatisfactionRow:
    label: str
    answers: int
    average: float
    satisfied_share: float  # answers scoring 4 or 5


SATISFACTION_DIMENSIONS = {
    "type": ("fiche__request_type__request_type__code", "fiche__request_type__request_type__code"),
    "directorate": ("fiche__directorate_id", "fiche__directorate__name"),
    "body": ("fiche__body_id", "fiche__body__name"),
}


SATISFACTION_DAYS = 365  # the page's default period: the last twelve months


def satisfaction_period(since: date | None, until: date | None, today: date) -> tuple[date, date]:
    """The days the satisfaction page counts, both included: those chosen, else a year's
    worth ending on the end chosen, or today."""
    until = until or (today if since is None else max(today, since))
    return since or until - timedelta(days=SATISFACTION_DAYS - 1), until


def satisfaction_by(dimension: str, *, since: datetime | None = None, until: datetime | None = None):
    """Answers, average score and share of satisfied citizens per dimension, in SQL."""
    from django.db.models import Avg, Count, Max

    from portal.models import SurveyAnswer

    key, label = SATISFACTION_DIMENSIONS[dimension]
    answers = SurveyAnswer.objects.all()
    if since:
        answers = answers.filter(answered_at__gte=since)
    if until:
        answers = answers.filter(answered_at__lt=until)
    rows = (
        answers.values(key)
        .annotate(
            label=Max(label),
            type_label=Max("fiche__request_type__label"),
            n=Count("id"),
            avg=Avg("score"),
            happy=Count("id", filter=Q(score__gte=4)),
        )
        .order_by(key)
    )
    result = []
    for row in rows:
        label_text = f"{row['label']} · {row['type_label']}" if dimension == "type" else row["label"]
        result.append(
            SatisfactionRow(
                label_text, row["n"], round(float(row["avg"]), 2), round(100 * row["happy"] / row["n"], 1)
            )
        )
    return sorted(result, key=lambda r: r.label)
