"""Writing answers (supervisors), recording their use on fiches and the searches that found
nothing, and sending an answer given on a fiche to the caller by e-mail or SMS."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import RequestType, normalise
from fiches.models import Fiche
from knowledge.models import Answer, MissedSearch, Use
from organisations.access import scope_for


def can_write(user) -> bool:
    scope = scope_for(user)
    return scope.is_supervisor and scope.is_call_centre


def can_use(user) -> bool:
    return scope_for(user).is_call_centre


def save_answer(answer: Answer | None, values: dict, types: list[RequestType], user) -> Answer:
    if not can_write(user):
        raise PermissionDenied
    answer = answer or Answer(created_by=user)
    for name in ("title", "text", "keywords", "valid_from", "valid_until"):
        setattr(answer, name, values.get(name) or ("" if name in ("title", "text", "keywords") else None))
    if answer.valid_from and answer.valid_until and answer.valid_until < answer.valid_from:
        raise ValidationError({"valid_until": _("The end of validity comes before its start.")})
    answer.index_words([t.code for t in types])
    answer.updated_at = timezone.now()
    with transaction.atomic():
        answer.save()
        answer.request_types.set(types)
    return answer


def record_use(answer: Answer, fiche: Fiche, user) -> Use:
    """The answer given to the caller on this fiche (once per fiche and answer)."""
    if not can_use(user):
        raise PermissionDenied
    try:
        with transaction.atomic():
            return Use.objects.create(answer=answer, fiche=fiche, used_by=user)
    except IntegrityError:
        return Use.objects.get(answer=answer, fiche=fiche)


def record_missed(query: str) -> None:
    """Count a search that found nothing (accent-free, case-free, spaces collapsed)."""
    key = normalise(query)[:100]
    if len(key) < 2:
        return
    now = timezone.now()
    if not MissedSearch.objects.filter(query=key).update(count=F("count") + 1, last_at=now):
        try:
            with transaction.atomic():
                MissedSearch.objects.create(query=key, count=1, last_at=now)
        except IntegrityError:
            MissedSearch.objects.filter(query=key).update(count=F("count") + 1, last_at=now)


def send_answer(use: Use, channel: str, user) -> int:
    """Send the fiche's answer to its requester by ``channel`` ("email" or "sms"); the
    number of messages prepared (0 when the requester cannot be reached that way)."""
    from correspondence.models import Moment
    from correspondence.services import send_manually

    if not can_use(user):
        raise PermissionDenied
    with transaction.atomic():
        sent = send_manually(use.fiche, Moment.ANSWER, user, channel=channel, requester_only=True)
        if sent:
            Use.objects.filter(pk=use.pk).update(sent_by=channel, sent_at=timezone.now())
    return len(sent)
