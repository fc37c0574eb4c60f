"""The only code that changes the convention's money: sheets, keys, revenue orders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Agreement
from core.dates import french_date
from finance import money, selectors
from finance.counting import CountingRule
from finance.documents import revenue_order_pdf
from finance.models import AllocationKey, CostLine, CostSheet, OrderCounter, RevenueOrder


@dataclass(frozen=True)
class LineInput:
    category_id: int
    label: str
    amount: Decimal


@transaction.atomic
def save_cost_sheet(
    agreement: Agreement,
    year: int,
    lines: list[LineInput],
    user,
    forecast: Decimal | None = None,
    notes: str = "",
) -> CostSheet:
    """Record (or replace) the year's expenses, line by line."""
    if not 1 <= year <= agreement.years_agreed:
        raise ValidationError({"year": _("This year is not part of the convention.")})
    if any(line.amount < 0 for line in lines):
        raise ValidationError({"lines": _("An expense cannot be negative.")})
    sheet, _created = CostSheet.objects.select_for_update().get_or_create(agreement=agreement, year=year)
    sheet.forecast, sheet.notes = forecast, notes
    sheet.updated_at, sheet.updated_by = timezone.now(), user
    sheet.save()
    sheet.lines.all().delete()
    CostLine.objects.bulk_create(
        CostLine(sheet=sheet, category_id=line.category_id, label=line.label, amount=line.amount)
        for line in lines
    )
    return sheet


@transaction.atomic
def compute_key(agreement: Agreement, year: int, rule: CountingRule | None = None) -> AllocationKey:
    """Count the year's fiches (one SQL query) and store the key with its rule. A key
    once validated is frozen: computing it again is refused."""
    rule = rule or CountingRule()
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)  # one computation at a time
    existing = AllocationKey.objects.select_for_update().filter(agreement=agreement, year=year).first()
    if existing and existing.validated:
        raise ValidationError(_("This key is validated: it can no longer be recomputed."))
    period = selectors.key_period(agreement, year)
    partner, total = selectors.count_key(agreement.partner_id, period.start, period.end, rule)
    key = existing or AllocationKey(agreement=agreement, year=year)
    key.period_start, key.period_end = period.start, period.end
    key.numerator, key.denominator = partner, total
    key.rule, key.computed_at = rule.as_dict(), timezone.now()
    key.save()
    return key


@transaction.atomic
def validate_key(key: AllocationKey, user) -> AllocationKey:
    key = AllocationKey.objects.select_for_update().get(pk=key.pk)
    if key.validated:
        raise ValidationError(_("This key is already validated."))
    if not key.denominator:
        raise ValidationError(_("No fiche was counted: this key cannot be validated."))
    key.validated_at, key.validated_by = timezone.now(), user
    key.save()
    return key


LEGAL_BASIS = (
    "Convention de partenariat Allô Mairie, article 5 (participation financière) ; "
    "CGCT art. L5211-4-1 et D5211-16 (remboursement des frais de fonctionnement) ; "
    "CGCT art. L1617-5."
)


def next_order_number(day: date) -> str:
    """TR-2026-0001: numbered per calendar year, inside the issuing transaction."""
    if not OrderCounter.objects.filter(year=day.year).exists():
        try:
            with transaction.atomic():
                OrderCounter.objects.create(year=day.year, last=0)
        except IntegrityError:
            pass
    OrderCounter.objects.filter(year=day.year).update(last=F("last") + 1)
    return f"TR-{day.year}-{OrderCounter.objects.get(year=day.year).last:04d}"


def _object(agreement: Agreement, year: int, instalment: selectors.Instalment) -> str:
    period = f"du {french_date(instalment.period.start)} au {french_date(instalment.period.end)}"
    if instalment.kind == RevenueOrder.Kind.INSTALMENT:
        what = f"Acompte n° {instalment.quarter} (25 %) de l'année {year}, période {period}"
    elif instalment.kind == RevenueOrder.Kind.SETTLEMENT:
        what = f"Régularisation de l'année {year} après révision de la clé de répartition, période {period}"
    else:
        what = f"Solde de résiliation de l'année {year}, période {period}"
    return f"{agreement.title} ({agreement.reference}) : {what}."


@transaction.atomic
def issue_order(
    agreement: Agreement, year: int, quarter: int, user, issued_on: date | None = None, replaces=None
) -> RevenueOrder:
    """Issue the revenue order of an instalment, with its PDF. Q4 needs the validated key.

    The convention's row is locked first, so two officers issuing the same instalment at
    once get one order and a clear refusal (and numbers never collide)."""
    issued_on = issued_on or timezone.localdate()
    agreement = (
        Agreement.objects.select_related("operator", "partner")
        .select_for_update(of=("self",))
        .get(pk=agreement.pk)
    )
    plan = selectors.schedule(agreement, year)
    instalment = next((i for i in plan.instalments if i.quarter == quarter), None)
    if instalment is None:
        raise ValidationError(_("There is no such instalment in this year."))
    if instalment.order is not None and instalment.order != replaces:
        raise ValidationError(_("A revenue order is already issued for this instalment."))
    if instalment.amount is None:
        raise ValidationError(
            _("The amount is not known yet: record the expenses and validate the year's key first.")
        )
    if instalment.amount <= 0:
        raise ValidationError(
            _("Nothing is due: a negative balance is refunded by the operator, not ordered.")
        )
    partner = agreement.partner
    order = RevenueOrder(
        number=next_order_number(issued_on),
        agreement=agreement,
        year=year,
        quarter=quarter,
        kind=instalment.kind,
        debtor="\n".join([partner.name, *[line for line in partner.address.splitlines() if line.strip()]]),
        object=_object(agreement, year, instalment),
        legal_basis=LEGAL_BASIS,
        amount=instalment.amount,
        amount_words=money.amount_in_words(instalment.amount),
        due_on=instalment.due_on,
        issued_on=issued_on,
        issued_by=user,
        issuer_name=user.get_full_name() or user.get_username(),
        issuer_capacity=settings.REVENUE_ORDER_ISSUER_CAPACITY,
        replaces=replaces,
    )
    order.save()
    order.pdf.save(f"{order.number}.pdf", ContentFile(revenue_order_pdf(order)), save=False)
    RevenueOrder.objects.filter(pk=order.pk).update(pdf=order.pdf.name)
    return order


@transaction.atomic
def mark_paid(order: RevenueOrder, paid_on: date) -> RevenueOrder:
    order = RevenueOrder.objects.select_for_update().get(pk=order.pk)
    if order.status != RevenueOrder.Status.ISSUED:
        raise ValidationError(_("Only an issued order can be marked paid."))
    order.status, order.paid_on = RevenueOrder.Status.PAID, paid_on
    order.save()
    return order


@transaction.atomic
def cancel_order(order: RevenueOrder, reason: str, user, on: date | None = None, reissue: bool = True):
    """Cancel an issued order (never edit it) and, by default, issue its corrective order
    with the amount the schedule gives today. Returns the corrective order or None."""
    if not reason.strip():
        raise ValidationError({"reason": _("A reason is required.")})
    order = RevenueOrder.objects.select_for_update().get(pk=order.pk)
    if order.status != RevenueOrder.Status.ISSUED:
        raise ValidationError(_("Only an issued, unpaid order can be cancelled."))
    order.status = RevenueOrder.Status.CANCELLED
    order.cancelled_on, order.cancel_reason = on or timezone.localdate(), reason.strip()
    order.save()
    if not reissue:
        return None
    return issue_order(order.agreement, order.year, order.quarter, user, on, replaces=order)
