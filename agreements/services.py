"""The only code that changes a convention: notice, renewal letters and answers."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agreements.models import Agreement, Renewal
from organisations.models import Body


@transaction.atomic
def serve_notice(agreement: Agreement, by: Body, served_on: date) -> Agreement:
    """Article 6: either party terminates with three months' notice."""
    given, agreement = agreement, Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.notice_served_on:
        raise ValidationError(_("Notice has already been served on this convention."))
    if by.pk not in (agreement.operator_id, agreement.partner_id):
        raise ValidationError({"notice_served_by": _("Only a party to the convention can serve notice.")})
    if not agreement.notified_on <= served_on <= agreement.ends_on:
        raise ValidationError({"notice_served_on": _("Notice is served while the convention is in force.")})
    agreement.notice_served_on, agreement.notice_served_by = served_on, by
    agreement.save()
    given.__dict__.update(agreement.__dict__)
    return agreement


@transaction.atomic
def record_renewal_letter(agreement: Agreement, year: int, sent_on: date) -> Renewal:
    renewal, _created = Renewal.objects.get_or_create(agreement=agreement, year=year)
    renewal.letter_sent_on = sent_on
    renewal.save()
    return renewal


@transaction.atomic
def record_renewal_answer(agreement: Agreement, year: int, answer: str, on: date) -> Renewal:
    """The partner's answer; an acceptance adds one year to the convention (article 2)."""
    if answer not in (Renewal.Answer.ACCEPTED, Renewal.Answer.REFUSED):
        raise ValidationError({"answer": _("Choose the partner's answer.")})
    given, agreement = agreement, Agreement.objects.select_for_update().get(pk=agreement.pk)
    renewal, _created = Renewal.objects.get_or_create(agreement=agreement, year=year)
    if renewal.answer != Renewal.Answer.PENDING:
        raise ValidationError(_("The answer to this renewal is already recorded."))
    if answer == Renewal.Answer.ACCEPTED:
        if agreement.terminated:
            raise ValidationError(_("A convention under notice cannot be renewed."))
        if year != agreement.years_agreed:
            raise ValidationError(_("Only the current last year can be renewed."))
        agreement.years_agreed += 1
        agreement.save()
        given.__dict__.update(agreement.__dict__)
    renewal.answer, renewal.answered_on = answer, on
    renewal.save()
    return renewal
