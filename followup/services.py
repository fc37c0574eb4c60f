"""Changing things in the follow-up. Status changes always go through
``fiches.services.transition``; this module adds what the cells record around them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from fiches.models import Fiche
from fiches.selectors import actor_groups, visible_fiches
from fiches.services import ConcurrentUpdate, add_note, transition
from followup.models import Hold, Intervention, Message, SavedView


class Outcome:
    FIXED = "fixed"
    NOT_FIXABLE = "not_fixable"
    OUTSIDE = "outside"


def schedule_intervention(
    fiche: Fiche, user, planned_for: date, *, expected_version: int | None = None
) -> Intervention:
    """Record the planned intervention date and tell the citizen on the timeline."""
    if not fiche.is_open:
        raise ValidationError(_("This fiche is no longer open."))
    if planned_for < timezone.localdate():
        raise ValidationError({"planned_for": _("The date cannot be in the past.")})
    with transaction.atomic():
        text = _("Intervention planned on %(date)s.") % {"date": formats.date_format(planned_for, "l j F Y")}
        add_note(fiche, user, text, public=True, expected_version=expected_version)  # checks the permission
        return Intervention.objects.create(fiche=fiche, planned_for=planned_for, by=user)


def put_on_hold(
    fiche: Fiche, user, reason: str, expected_on: date | None, *, expected_version: int | None = None
) -> Hold:
    """Wait for a third party or the citizen: the ``wait`` transition plus the expected date."""
    with transaction.atomic():
        comment = reason
        if expected_on:
            comment = _("%(reason)s (expected on %(date)s)") % {
                "reason": reason,
                "date": formats.date_format(expected_on, "j F Y"),
            }
        transition(fiche, "wait", user, comment=comment, expected_version=expected_version)
        return Hold.objects.create(fiche=fiche, expected_on=expected_on, reason=reason, by=user)


def resolve(fiche: Fiche, user, outcome: str, text: str = "", expected_version: int | None = None) -> Fiche:
    """Resolve with one of the cell's outcomes; "outside our competence" sends the fiche back."""
    if outcome == Outcome.FIXED:
        return transition(
            fiche,
            "resolve",
            user,
            outcome=text.strip() or _("The problem has been fixed."),
            expected_version=expected_version,
        )
    if outcome == Outcome.NOT_FIXABLE:
        if not text.strip():
            raise ValidationError({"outcome": _("Explain to the citizen why it cannot be fixed.")})
        return transition(fiche, "resolve", user, outcome=text, expected_version=expected_version)
    if outcome == Outcome.OUTSIDE:
        return transition(fiche, "send_back", user, comment=text, expected_version=expected_version)
    raise ValidationError({"outcome": _("Unknown outcome.")})


@dataclass
class BulkReport:
    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    missing: int = 0


def error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You may not do this on this fiche.")


def bulk_apply(user, fiche_ids: Iterable[int], operation: Callable[[Fiche], object]) -> BulkReport:
    """Apply ``operation`` fiche by fiche, each in its own transaction, and report refusals.

    Only fiches the user can see are touched; ids outside their scope are counted as
    missing without revealing anything about them.
    """
    wanted = set(fiche_ids)
    fiches = list(visible_fiches(user).filter(pk__in=wanted).order_by("due_at", "id"))
    report = BulkReport(missing=len(wanted) - len(fiches))
    for fiche in fiches:
        try:
            operation(fiche)
        except (PermissionDenied, ValidationError, ConcurrentUpdate) as exc:
            report.refused.append((fiche.reference, error_text(exc)))
        else:
            report.done.append(fiche.reference)
    return report


def post_message(fiche: Fiche, user, body: str) -> Message:
    """A message in the call centre ↔ cell thread of a fiche."""
    if not visible_fiches(user).filter(pk=fiche.pk).exists() or not actor_groups(user, fiche):
        raise PermissionDenied(_("You may not do this on this fiche."))
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("The message is empty.")})
    message = Message.objects.create(fiche=fiche, author=user, body=body)
    transaction.on_commit(lambda: _notify(message.pk))
    return message


def _notify(message_id: int) -> None:
    from followup.tasks import notify_message

    notify_message.enqueue(message_id)


def save_view(user, name: str, querystring: str) -> SavedView:
    view, _created = SavedView.objects.update_or_create(
        user=user, name=name.strip()[:80], defaults={"querystring": querystring[:500]}
    )
    return view
