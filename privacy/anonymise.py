"""Anonymising fiches, set-based, one batch of ids at a time.

What goes: the caller and the followers (the link, then the person's record when no other
fiche still needs it), free text (description, outcome, answers to extra questions, timeline
comments, the cell thread, hold reasons, the survey comment, the online form's copy), the
copies of the letters, e-mails and SMS (text, address, PDF), the attachments (rows and files),
the street number; coordinates are rounded to about 100 m. What stays, for the statistics:
type, kind, channel, bodies, directorate, cell, every date and status, events (actions,
times), lateness, working times, street name, postal code, arrondissement, sector, quartier,
survey score and the mail register's lines (moment, channel, state, dates). See
docs/privacy.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import DecimalField, Exists, F, FloatField, OuterRef, QuerySet
from django.db.models.functions import Cast, Round
from django.utils import timezone

from correspondence.models import Batch
from correspondence.models import Message as Notice
from fiches.models import Attachment, Event, Fiche, Requester
from followup.models import Hold
from followup.models import Message as ThreadMessage
from portal.models import SurveyAnswer, WebSubmission
from privacy.models import AnonymisedFiche, EliminationList

NEUTRAL = "—"


def _rounded(name: str) -> Cast:
    """The coordinate to 3 decimals (about 100 m), in SQL on both databases."""
    return Cast(Round(Cast(F(name), DecimalField(max_digits=12, decimal_places=6)), 3), FloatField())


def anonymise_fiches(
    fiches: Sequence[int] | QuerySet, reason: str, elimination_list: EliminationList | None = None
) -> int:
    """Anonymise these fiches (ids, or a query of fiche ids run inside the transaction) in one
    transaction; the files go after the commit. Returns how many were not anonymised yet."""
    with transaction.atomic():
        new = Fiche.objects.filter(pk__in=fiches).exclude(
            Exists(AnonymisedFiche.objects.filter(fiche=OuterRef("pk")))
        )
        if not new.exists():
            return 0
        count = insert_from(  # first: the marks are what ``new`` selects
            AnonymisedFiche,
            {
                "at": timezone.now(),
                "reason": reason,
                "elimination_list_id": getattr(elimination_list, "pk", None),
            },
            "fiche_id",
            new.order_by().values("pk"),
        )
        files = _anonymise(fiches)  # again on those already done: nothing left to change
        transaction.on_commit(lambda: delete_files(files))
    return count


def insert_from(model, constants: dict[str, Any], column: str, ids: QuerySet) -> int:
    """``INSERT INTO model (constants…, column) SELECT …, ids.* FROM (ids)``, ``ids`` selecting
    one column: one statement, no row through Python. Returns the number of rows inserted."""
    sql, params = ids.query.sql_with_params()
    names = ", ".join(
        connection.ops.quote_name(model._meta.get_field(n).column) for n in [*constants, column]
    )
    marks = ", ".join(["%s"] * len(constants))
    table = connection.ops.quote_name(model._meta.db_table)
    statement = f"INSERT INTO {table} ({names}) SELECT {marks}, ids.* FROM ({sql}) ids"  # noqa: S608 - quoted names, ORM SQL
    values = [model._meta.get_field(n).get_db_prep_value(v, connection) for n, v in constants.items()]
    with connection.cursor() as cursor:
        cursor.execute(statement, [*values, *params])
        return cursor.rowcount


def _anonymise(ids: Sequence[int] | QuerySet) -> list[str]:
    fiches = Fiche.objects.filter(pk__in=ids)
    followers = Fiche.followers.through.objects.filter(fiche_id__in=ids)
    people = set(fiches.exclude(requester=None).values_list("requester_id", flat=True))
    people |= set(followers.values_list("requester_id", flat=True))
    attachments = Attachment.objects.filter(fiche_id__in=ids)
    notices = Notice.objects.filter(fiche_id__in=ids)
    files = [
        *attachments.values_list("file", flat=True),
        *notices.exclude(pdf="").values_list("pdf", flat=True),
    ]
    batches = set(notices.exclude(batch=None).values_list("batch_id", flat=True))

    attachments.delete()
    notices.update(
        recipient=NEUTRAL, address="", subject="", text="", html="", pdf="", error="", requester=None
    )
    ThreadMessage.objects.filter(fiche_id__in=ids).update(body=NEUTRAL)
    Hold.objects.filter(fiche_id__in=ids).update(reason=NEUTRAL)
    SurveyAnswer.objects.filter(fiche_id__in=ids).update(comment="")
    WebSubmission.objects.filter(fiche_id__in=ids).update(data={})  # the online form's copy
    Event.objects.filter(fiche_id__in=ids).exclude(comment="").update(comment="")
    Event.objects.filter(fiche_id__in=ids, kind=Event.Kind.FOLLOWER).update(data={})
    followers.delete()
    fiches.update(
        requester=None,
        description="",
        outcome="",
        answers={},
        street_number="",
        address_key="",
        latitude=_rounded("latitude"),
        longitude=_rounded("longitude"),
        updated_at=F("updated_at"),
    )
    # A person goes with their last fiche; one still linked to a kept fiche stays.
    Requester.objects.filter(pk__in=people, fiches=None, followed_fiches=None).delete()
    files += _printed_batches(batches)
    return files


def _printed_batches(batch_ids: set[int]) -> list[str]:
    """A post-room batch whose letters are all anonymised loses its printed PDF."""
    if not batch_ids:
        return []
    spent = (
        Batch.objects.filter(pk__in=batch_ids)
        .exclude(pdf="")
        .exclude(letters__in=Notice.objects.exclude(recipient=NEUTRAL))
    )
    names = list(spent.values_list("pdf", flat=True))
    spent.update(pdf="")
    return names


def delete_files(names: Sequence[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def purge_letter_batches(before) -> int:
    """Printed batches (copies of letters kept on the fiches) older than the rule: PDF deleted."""
    old = Batch.objects.filter(created_at__lt=before).exclude(pdf="")
    names = list(old.values_list("pdf", flat=True))
    count = old.update(pdf="")
    transaction.on_commit(lambda: delete_files(names))
    return count


def purge_login_logs(before) -> int:
    """django-axes' attempts and logs (user names, addresses, browsers) older than the rule."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    return sum(
        model.objects.filter(attempt_time__lt=before).delete()[0]
        for model in (AccessAttempt, AccessLog, AccessFailureLog)
    )


def purge_api_logs(before) -> int:
    """Open311's call log, and partner webhook deliveries done or given up (with their
    attempts; their payload may carry a caller's details). Pending ones are never dropped."""
    from open311.models import ApiRequestLog
    from partners.models import WebhookDelivery

    calls = ApiRequestLog.objects.filter(at__lt=before).delete()[0]
    finished = WebhookDelivery.objects.filter(created_at__lt=before).exclude(
        status=WebhookDelivery.Status.PENDING
    )
    return calls + finished.delete()[1].get(WebhookDelivery._meta.label, 0)


def purge_live_calls(before) -> int:
    """The live telephony state's passages (callers' numbers); the listener keeps only a few
    days, this catches a listener that has not run."""
    from cti.models import LiveCall

    return LiveCall.objects.filter(joined_at__lt=before).delete()[0]
