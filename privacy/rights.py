"""The citizen's rights, handled by a supervisor: find the person, give them every record
about them (access file), correct them (rectification), erase them (the retention's
anonymisation, refused while one of their fiches is still being handled)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from audit import log_access
from catalogue.models import normalise
from correspondence.letters import html_to_pdf
from correspondence.models import Message as Notice
from fiches.models import Fiche, Requester, digits_of
from followup.models import Message as ThreadMessage
from portal.models import SurveyAnswer
from privacy.anonymise import NEUTRAL, anonymise_fiches, delete_files
from privacy.models import LegalHold, Reason, RightsRequest
from privacy.sweep import ENDED_STATUSES

MAX_PEOPLE = 20  # records of one person handled at once (homonyms, several phones)
PERSON_FIELDS = ("civility", "last_name", "first_name", "phone", "email", "address", "postal_code", "city",
                 "preferred_channel")  # fmt: skip


def find_people(query: str, limit: int = 50) -> QuerySet[Requester]:
    """By phone (the digits), e-mail (the whole address) or name (accent-free, start of words)."""
    text = (query or "").strip()[:200]
    if not text:
        return Requester.objects.none()
    people = Requester.objects.order_by("search_name", "pk")
    digits = digits_of(text)
    if "@" in text:
        people = people.filter(email__iexact=text)
    elif len(digits) >= 6 and not any(c.isalpha() for c in text):
        people = people.filter(phone_digits=digits)
    else:
        name = normalise(text)
        people = people.filter(Q(search_name__startswith=name) | Q(search_name__contains=f" {name}"))
    return people[:limit]


def their_fiches(ids: Sequence[int]) -> tuple[QuerySet[Fiche], QuerySet[Fiche]]:
    """(fiches they asked for, fiches they follow and did not ask for)."""
    base = Fiche.objects.select_related("request_type").order_by("created_at", "pk")
    own = base.filter(requester_id__in=ids)
    followed = base.filter(followers__in=ids).exclude(requester_id__in=ids).distinct()
    return own, followed


def _when(value) -> str | None:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else None


def access_data(ids: Sequence[int]) -> dict[str, Any]:
    """Every record about these people, and nothing about anybody else: on the fiches they only
    follow, neither the first caller's words nor the letters sent to others."""
    people = list(Requester.objects.filter(pk__in=ids).order_by("pk"))
    own, followed = their_fiches(ids)
    answers = {a.fiche_id: a for a in SurveyAnswer.objects.filter(fiche__in=own)}
    thread: dict[int, list[ThreadMessage]] = {}
    for message in ThreadMessage.objects.filter(fiche__in=own).order_by("at", "pk"):
        thread.setdefault(message.fiche_id, []).append(message)
    fiches = []
    for fiche in own.prefetch_related("events"):
        answer = answers.get(fiche.pk)
        fiches.append(
            {
                "reference": fiche.reference,
                "role": "requester",
                "type": fiche.request_type.label,
                "channel": fiche.get_channel_display(),
                "created_at": _when(fiche.created_at),
                "status": fiche.get_status_display(),
                "closed_at": _when(fiche.closed_at or fiche.resolved_at),
                "address": fiche.address_display,
                "description": fiche.description,
                "answers": fiche.answers,
                "outcome": fiche.outcome,
                "timeline": [
                    {"at": _when(e.at), "what": e.title, "comment": e.comment, "public": e.public}
                    for e in fiche.events.all()
                ],
                "cell_messages": [{"at": _when(m.at), "text": m.body} for m in thread.get(fiche.pk, [])],
                "survey": {"score": answer.score, "comment": answer.comment, "at": _when(answer.answered_at)}
                if answer
                else None,
            }
        )
    for fiche in followed:
        fiches.append(
            {
                "reference": fiche.reference,
                "role": "follower",
                "type": fiche.request_type.label,
                "created_at": _when(fiche.created_at),
                "status": fiche.get_status_display(),
                "closed_at": _when(fiche.closed_at or fiche.resolved_at),
                "address": fiche.address_display,
            }
        )
    letters = [
        {
            "fiche": m.fiche.reference,
            "moment": m.get_moment_display(),
            "channel": m.get_channel_display(),
            "state": m.get_state_display(),
            "created_at": _when(m.created_at),
            "sent_at": _when(m.sent_at),
            "recipient": m.recipient,
            "address": m.address,
            "subject": m.subject,
            "text": m.text,
        }
        for m in Notice.objects.filter(requester_id__in=ids)
        .select_related("fiche")
        .order_by("created_at", "pk")
    ]
    return {
        "produced_at": _when(timezone.now()),
        "people": [
            {name: getattr(p, name) for name in PERSON_FIELDS}
            | {"preferred_channel": p.get_preferred_channel_display(), "recorded_at": _when(p.created_at)}
            for p in people
        ],
        "fiches": fiches,
        "messages": letters,
    }


def access_pdf(data: dict[str, Any]) -> bytes:
    return html_to_pdf(render_to_string("privacy/access_file.html", {"data": data}), archive=False)


def record(user, kind: str, ids: Sequence[int], fiche_count: int, detail: str = "", page: str = "") -> None:
    """The request's trace (no personal value); an access file also goes to the access log."""
    RightsRequest.objects.create(
        kind=kind, by=user, requester_ids=list(ids), fiche_count=fiche_count, detail=detail[:200]
    )
    if kind == RightsRequest.Kind.ACCESS:
        for person in Requester.objects.filter(pk__in=ids):
            log_access(user, "citizen_file", person, page)


@dataclass(frozen=True)
class Refusal:
    reference: str
    reason: str


def erasure_refusals(ids: Sequence[int]) -> list[Refusal]:
    """Why erasure must wait: a fiche still being handled, or one under a legal hold."""
    from django.utils.translation import gettext as _

    own, followed = their_fiches(ids)
    refusals = [
        Refusal(f.reference, _("still being handled (%(status)s)") % {"status": f.get_status_display()})
        for f in [*own, *followed]
        if f.status not in ENDED_STATUSES
    ]
    held = LegalHold.objects.filter(released_at__isnull=True).filter(
        Q(fiche__requester_id__in=ids) | Q(fiche__followers__in=ids)
    )
    refusals += [
        Refusal(h.fiche.reference, _("under a legal hold: %(reason)s") % {"reason": h.reason})
        for h in held.select_related("fiche").distinct()
    ]
    return refusals


def erase(ids: Sequence[int], user, page: str = "") -> list[Refusal]:
    """Erase these people: their fiches are anonymised as at the end of retention; on the
    fiches they only follow, they leave (link and the notices sent to them). Nothing is done
    when a refusal is returned."""
    with transaction.atomic():
        refusals = erasure_refusals(ids)
        own, followed = their_fiches(ids)
        own_ids = list(own.values_list("pk", flat=True))
        if refusals:
            record(
                user,
                RightsRequest.Kind.REFUSED,
                ids,
                len(own_ids),
                detail=", ".join(r.reference for r in refusals),
            )
            return refusals
        followed_ids = list(followed.values_list("pk", flat=True))
        record(user, RightsRequest.Kind.ERASURE, ids, len(own_ids) + len(followed_ids), page=page)
        theirs = Notice.objects.filter(requester_id__in=ids)
        files = list(theirs.exclude(pdf="").values_list("pdf", flat=True))
        theirs.update(
            recipient=NEUTRAL, address="", subject="", text="", html="", pdf="", error="", requester=None
        )
        transaction.on_commit(lambda: delete_files(files))
        Fiche.followers.through.objects.filter(requester_id__in=ids).delete()
        for start in range(0, len(own_ids), 500):
            anonymise_fiches(own_ids[start : start + 500], Reason.ERASURE)
        Requester.objects.filter(pk__in=ids).delete()
    return []


def rectify(person: Requester, values: dict[str, str], user, page: str = "") -> Requester:
    """Correct the person's details (what the form validated)."""
    with transaction.atomic():
        for name in PERSON_FIELDS:
            if name in values:
                setattr(person, name, values[name])
        person.save()
        record(user, RightsRequest.Kind.RECTIFICATION, [person.pk], person.fiches.count(), page=page)
    return person
