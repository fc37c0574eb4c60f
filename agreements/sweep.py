"""Renewal warnings (article 2): e-mails to the people in charge at chosen delays before the
renewal-letter deadline, each sent once even when sweeps overlap or run late.

A ``RenewalWarning`` row is inserted before the e-mail goes; the unique constraint on
(agreement, year, delay) makes the second sweep skip it. A sweep that runs late sends one
e-mail for the nearest delay reached and records the larger delays as passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from agreements.models import Agreement, RenewalWarning
from core import mail
from organisations.access import emails_of
from organisations.models import Role


@dataclass(frozen=True)
class SweepResult:
    checked: int
    sent: int


def people_in_charge(agreement: Agreement) -> list[str]:
    """Finance officers of both bodies and the operator's administrators."""
    return sorted(
        {
            *emails_of(Role.FINANCE, body_id__in=[agreement.operator_id, agreement.partner_id]),
            *emails_of(Role.ADMINISTRATOR, body_id=agreement.operator_id),
        }
    )


def _claim(agreement: Agreement, year: int, delay: int, deadline: date) -> bool:
    try:
        with transaction.atomic():
            RenewalWarning.objects.create(
                agreement=agreement, year=year, days_before=delay, deadline=deadline
            )
    except IntegrityError:
        return False
    return True


def run_renewal_sweep(today: date, delays: list[int] | None = None) -> SweepResult:
    delays = sorted(delays or settings.RENEWAL_WARNING_DAYS)
    checked = sent = 0
    for agreement in Agreement.objects.in_force(today).filter(notice_served_on__isnull=True):
        year = agreement.years_agreed
        if agreement.renewals.filter(year=year).exclude(letter_sent_on=None, answer="pending").exists():
            continue  # the letter is sent or the answer known: nothing to warn about
        deadline = agreement.renewal_deadline()
        remaining = (deadline - today).days
        reached = [d for d in delays if 0 <= remaining <= d]
        checked += 1
        if not reached:
            continue
        nearest = reached[0]
        if not _claim(agreement, year, nearest, deadline):
            continue
        RenewalWarning.objects.bulk_create(
            [
                RenewalWarning(agreement=agreement, year=year, days_before=d, deadline=deadline)
                for d in reached[1:]
            ],
            ignore_conflicts=True,
        )
        context = {
            "agreement": agreement,
            "deadline": deadline,
            "remaining": remaining,
            "end": agreement.year(year).end,
            "url": settings.SITE_URL.rstrip("/") + reverse("finance:agreement", args=[agreement.pk]),
        }
        recipients = people_in_charge(agreement)
        sent += mail.send(
            "agreements/email/renewal_subject.txt", "agreements/email/renewal_body.txt", context, recipients
        )
        RenewalWarning.objects.filter(agreement=agreement, year=year, days_before=nearest).update(
            recipients=len(recipients)
        )
    return SweepResult(checked, sent)
