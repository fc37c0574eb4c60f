"""Opening a callback and recording each attempt (the fiche's timeline keeps an internal note)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from callbacks.models import Callback, Outcome
from correspondence.models import Message
from fiches.services import add_note
from organisations.access import scope_for

RESULTS = {
    "reached": gettext_lazy("reached"),
    "no_answer": gettext_lazy("no answer"),
    "wrong_number": gettext_lazy("wrong number"),
}


def open_callback(message: Message) -> Callback:
    callback, _created = Callback.objects.get_or_create(
        message=message,
        defaults={
            "fiche_id": message.fiche_id,
            "due_at": message.created_at + timedelta(hours=settings.CALLBACK_DUE_HOURS),
        },
    )
    return callback


def record_attempt(callback: Callback, result: str, user, note: str = "") -> Callback:
    """One call to the citizen: ``reached``, ``no_answer`` (tried again later, until the last
    attempt) or ``wrong_number``. Closes the callback and its notice when it is over."""
    if not scope_for(user).is_call_centre:
        raise PermissionDenied
    if result not in RESULTS:
        raise ValueError(result)
    now = timezone.now()
    with transaction.atomic():
        callback = Callback.objects.select_for_update().select_related("message", "fiche").get(pk=callback.pk)
        if callback.outcome != Outcome.PENDING:
            return callback
        callback.attempts += 1
        callback.last_attempt_at, callback.last_attempt_by = now, user
        message = callback.message
        if result == "reached":
            callback.outcome = Outcome.REACHED
            message.state, message.sent_at = Message.State.SENT, now
        elif result == "wrong_number":
            callback.outcome = Outcome.WRONG_NUMBER
            message.state, message.error = Message.State.FAILED, _("Wrong number")
        elif callback.attempts >= settings.CALLBACK_MAX_ATTEMPTS:
            callback.outcome = Outcome.UNREACHABLE
            message.state, message.error = Message.State.FAILED, _("Not reached by phone")
        else:
            callback.due_at = now + timedelta(hours=settings.CALLBACK_RETRY_HOURS)
        callback.save()
        message.save(update_fields=["state", "sent_at", "error"])
        text = _("Callback (%(notice)s), attempt %(n)d: %(result)s.") % {
            "notice": message.get_moment_display(),
            "n": callback.attempts,
            "result": RESULTS[result],
        }
        add_note(callback.fiche, user, f"{text} {note}".strip(), public=False)
    return callback
