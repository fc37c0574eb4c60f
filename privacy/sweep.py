"""The retention sweep (manage.py retention_sweep): idempotent, in batches.

1. Technical data past its rule goes at once (login logs, printed letter batches, the
   record of citizens' requests, the open channels' logs, the live telephony state): they
   are not the fiches' archives.
2. Approved elimination lists are carried out, batch by batch (fiches under a legal hold
   or already anonymised are skipped).
3. Ended fiches past the rule, not held, not anonymised and in no pending list make a new
   elimination list, which waits for the archives service's visa.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, DateTimeField, Exists, F, OuterRef, QuerySet
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from audit import untracked
from fiches.models import Fiche, Status
from privacy import rules
from privacy.anonymise import (
    anonymise_fiches,
    insert_from,
    purge_api_logs,
    purge_letter_batches,
    purge_live_calls,
    purge_login_logs,
)
from privacy.models import (
    AnonymisedFiche,
    DataKind,
    EliminationItem,
    EliminationList,
    LegalHold,
    Reason,
    RightsRequest,
)

ENDED_STATUSES = (Status.CLOSED, Status.REJECTED, Status.DUPLICATE)
Progress = Callable[[int, int], None]


@dataclass
class SweepReport:
    purged: dict[str, int] = field(default_factory=dict)
    anonymised: int = 0
    proposed: EliminationList | None = None
    pending: list[EliminationList] = field(default_factory=list)


def ended_at() -> Coalesce:
    """When the fiche ended: closed, else resolved (rejection), else its last change."""
    return Coalesce("closed_at", "resolved_at", "updated_at", output_field=DateTimeField())


def held() -> Exists:
    return Exists(LegalHold.objects.filter(fiche=OuterRef("pk"), released_at__isnull=True))


def due_fiches(before: datetime) -> QuerySet[Fiche]:
    """Ended fiches past the rule, not held, not anonymised, in no list still to carry out."""
    return (
        Fiche.objects.filter(status__in=ENDED_STATUSES)
        .alias(ended=ended_at())
        .filter(ended__lt=before)
        .exclude(held())
        .exclude(Exists(AnonymisedFiche.objects.filter(fiche=OuterRef("pk"))))
        .exclude(
            Exists(
                EliminationItem.objects.filter(
                    fiche=OuterRef("pk"),
                    elimination_list__state__in=(
                        EliminationList.State.PROPOSED,
                        EliminationList.State.APPROVED,
                    ),
                )
            )
        )
    )


def run(now: datetime | None = None, progress: Progress | None = None) -> SweepReport:
    now = now or timezone.now()
    report = SweepReport()
    report.purged = purge_technical(now)
    for approved in EliminationList.objects.filter(state=EliminationList.State.APPROVED).order_by("pk"):
        report.anonymised += carry_out(approved, progress=progress)
    report.proposed = propose(rules.cutoff(DataKind.FICHE, now))
    report.pending = list(EliminationList.objects.filter(state=EliminationList.State.PROPOSED))
    return report


def purge_technical(now: datetime) -> dict[str, int]:
    with transaction.atomic():
        return {
            DataKind.LOGIN_LOGS: purge_login_logs(rules.cutoff(DataKind.LOGIN_LOGS, now)),
            DataKind.LETTER_BATCHES: purge_letter_batches(rules.cutoff(DataKind.LETTER_BATCHES, now)),
            DataKind.RIGHTS_REQUESTS: RightsRequest.objects.filter(
                at__lt=rules.cutoff(DataKind.RIGHTS_REQUESTS, now)
            ).delete()[0],
            DataKind.API_LOGS: purge_api_logs(rules.cutoff(DataKind.API_LOGS, now)),
            DataKind.LIVE_CALLS: purge_live_calls(rules.cutoff(DataKind.LIVE_CALLS, now)),
        }


def propose(before: datetime) -> EliminationList | None:
    """A new list of the fiches due (one ``INSERT … SELECT``), or None when nothing new is due."""
    with transaction.atomic():
        due = due_fiches(before).order_by()
        if not due.exists():
            return None
        listing = EliminationList.objects.create(cutoff=before)
        listing.total = insert_from(
            EliminationItem, {"elimination_list_id": listing.pk}, "fiche_id", due.values("pk")
        )
        listing.counts = count_rows(listing)
        listing.save(update_fields=["total", "counts"])
    return listing


def count_rows(listing: EliminationList) -> list[list]:
    """[period (YYYY-MM, Paris), body, family, fiches]: what the archives service approves."""
    rows = (
        Fiche.objects.filter(pk__in=listing.items.values("fiche_id"))
        .annotate(period=TruncMonth(ended_at()))
        .values("period", "body__short_name", "request_type__request_type__family__label")
        .annotate(n=Count("pk"))
        .order_by("period", "body__short_name", "request_type__request_type__family__label")
    )
    return [
        [
            timezone.localtime(r["period"]).strftime("%Y-%m"),
            r["body__short_name"],
            r["request_type__request_type__family__label"],
            r["n"],
        ]
        for r in rows
    ]


def approve(listing: EliminationList, user, reference: str, day) -> EliminationList:
    """Record the archives service's visa: from now on the sweep carries the list out."""
    with transaction.atomic():
        locked = EliminationList.objects.select_for_update().get(pk=listing.pk)
        if locked.state != EliminationList.State.PROPOSED:
            raise ValueError("Only a proposed list can be approved.")
        if not reference.strip() or day is None:
            raise ValueError("The visa's reference and date are required.")
        locked.visa_reference, locked.visa_date = reference.strip(), day
        locked.approved_by, locked.approved_at = user, timezone.now()
        locked.state = EliminationList.State.APPROVED
        locked.save()
    listing.__dict__.update(locked.__dict__)
    return locked


def _batches(listing: EliminationList, size: int) -> Iterator[QuerySet]:
    """The list's fiches by ranges of ``size`` ids (keyset, no OFFSET), each as a query run
    inside its batch's transaction: a legal hold placed meanwhile is still honoured."""
    items = EliminationItem.objects.filter(elimination_list=listing).order_by("fiche_id")
    last = 0
    while True:
        upper = items.filter(fiche_id__gt=last).values_list("fiche_id", flat=True)[size - 1 : size]
        high = upper[0] if upper else None
        chunk = items.filter(fiche_id__gt=last)
        if high is not None:
            chunk = chunk.filter(fiche_id__lte=high)
        yield Fiche.objects.filter(pk__in=chunk.values("fiche_id")).exclude(held()).values("pk")
        if high is None:
            return
        last = high


def carry_out(
    listing: EliminationList, *, batch_size: int | None = None, progress: Progress | None = None
) -> int:
    """Anonymise the approved list's fiches, one transaction per batch; resumable.

    The callers it deletes leave no entry in the field history (audit.trail): the list, its
    visa and the fiches' ``AnonymisedFiche`` marks already tell what went, when and why, and
    one history entry per person (Django's collector sending a signal per row) was most of
    the sweep's time (85 % of it, measured on the benchmark). An erasure at the citizen's
    request (privacy.rights) still writes them."""
    if listing.state != EliminationList.State.APPROVED:
        raise ValueError("Only an approved list is carried out.")
    size = batch_size or settings.PRIVACY_SWEEP_BATCH
    done = 0
    for batch in _batches(listing, size):
        with untracked():
            count = anonymise_fiches(batch, Reason.RETENTION, listing)
        EliminationList.objects.filter(pk=listing.pk).update(anonymised=F("anonymised") + count)
        done += count
        if progress:
            progress(done, listing.total)
    EliminationList.objects.filter(pk=listing.pk).update(
        state=EliminationList.State.DONE, executed_at=timezone.now()
    )
    listing.refresh_from_db()
    return done
