"""Reading the convention's money: the key's count, the schedule, the financial position."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from agreements import dates
from agreements.models import Agreement
from catalogue.models import Kind
from fiches.models import Fiche, Status
from finance import money
from finance.counting import CountingRule
from finance.models import AllocationKey, CostSheet, RevenueOrder
from finance.plan import PlannedInstalment, YearPlan, plan_year
from organisations.models import Body


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end + 1 day 00:00) in Paris time, both ends of the period included."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return (
        datetime.combine(start, time.min, zone),
        datetime.combine(end + timedelta(days=1), time.min, zone),
    )


def counted_fiches(start: date, end: date, rule: CountingRule) -> QuerySet[Fiche]:
    low, high = _bounds(start, end)
    fiches = Fiche.objects.filter(created_at__gte=low, created_at__lt=high)
    if not rule.duplicates and connection.vendor == "sqlite":
        # Not "duplicate_of IS NULL": SQLite, without planner statistics (docs/performance.md),
        # read that through the duplicate_of index, every fiche that is no duplicate over all
        # the years kept, instead of the period's slice of the created_at index. (PostgreSQL
        # estimates the plain test from its statistics, and would misjudge this one.)
        fiches = fiches.alias(duplicate=Coalesce("duplicate_of_id", 0)).filter(duplicate=0)
    elif not rule.duplicates:
        fiches = fiches.filter(duplicate_of__isnull=True)
    if not rule.information:
        fiches = fiches.exclude(kind=Kind.INFORMATION, resolved_at=F("created_at"))
    if not rule.rejected:
        fiches = fiches.exclude(status=Status.REJECTED)
    return fiches


def for_partner(rule: CountingRule, partner_ids: Iterable[int]) -> Q:
    """The counted fiches that go to the partner's side of the key, per the rule's body."""
    return Q(**{f"{rule.body_field}__in": list(partner_ids)})


def count_key(partner_id: int, start: date, end: date, rule: CountingRule) -> tuple[int, int]:
    """(fiches of the partner, fiches counted) in one SQL query."""
    row = counted_fiches(start, end, rule).aggregate(
        total=Count("pk"), partner=Count("pk", filter=for_partner(rule, [partner_id]))
    )
    return row["partner"], row["total"]


@dataclass(frozen=True)
class KeyBasis:
    """What the key of a day is counted with: the convention in force (None: none is), its
    partner(s) and the counting rule stored with its latest key (the default rule before the
    first key). The committee's impact and annual report count with it, as the money does."""

    agreement: Agreement | None
    partner_ids: tuple[int, ...]
    rule: CountingRule


def key_basis(day: date, agreement: Agreement | None = None) -> KeyBasis:
    if agreement is None:
        agreement = Agreement.objects.in_force(day).order_by("-notified_on", "pk").first()
    if agreement is None:
        partners = tuple(Body.objects.filter(kind=Body.Kind.PARTNER).values_list("pk", flat=True))
        return KeyBasis(None, partners, CountingRule())
    latest = AllocationKey.objects.filter(agreement=agreement).order_by("-year").only("rule").first()
    rule = CountingRule.from_dict(latest.rule) if latest else CountingRule()
    return KeyBasis(agreement, (agreement.partner_id,), rule)


def key_period(agreement: Agreement, year: int) -> dates.Period:
    """The year's period, cut at the effective end after notice."""
    period = agreement.year(year)
    if agreement.notice_served_on and agreement.ends_on < period.end:
        return dates.Period(period.start, max(period.start, agreement.ends_on))
    return period


def provisional_key(agreement: Agreement, year: int) -> money.Key:
    """The previous year's validated key; the convention's initial key for year 1 (or
    while the previous key is not yet validated)."""
    previous = (
        AllocationKey.objects.filter(agreement=agreement, year=year - 1, validated_at__isnull=False)
        .only("numerator", "denominator")
        .first()
    )
    if previous and previous.key:
        return previous.key
    return money.Key.from_decimal(agreement.initial_key)


def expenses(agreement: Agreement, year: int) -> Decimal | None:
    sheet = CostSheet.objects.filter(agreement=agreement, year=year).first()
    if sheet is None:
        return None
    return CostSheet.objects.filter(pk=sheet.pk).aggregate(total=Sum("lines__amount"))["total"]


@dataclass(frozen=True)
class Instalment:
    planned: PlannedInstalment
    order: RevenueOrder | None

    def __getattr__(self, name: str):
        return getattr(self.planned, name)


@dataclass(frozen=True)
class Schedule:
    agreement: Agreement
    plan: YearPlan
    expenses: Decimal | None
    provisional_key: money.Key
    key: AllocationKey | None
    instalments: list[Instalment]

    @property
    def year(self) -> int:
        return self.plan.year

    @property
    def period(self) -> dates.Period:
        return self.plan.period

    @property
    def final(self) -> money.FinalSettlement | None:
        return self.plan.final

    @property
    def total(self) -> Decimal | None:
        return self.plan.total

    @property
    def revised(self) -> bool:
        return self.key is not None and self.key.validated


def schedule(agreement: Agreement, year: int) -> Schedule:
    """The year's plan (``finance.plan.plan_year``) with the revenue orders issued for it."""
    spent = expenses(agreement, year)
    provisional = provisional_key(agreement, year)
    key = AllocationKey.objects.filter(agreement=agreement, year=year).first()
    revised = key.key if key and key.validated else None
    effective_end = agreement.ends_on if agreement.notice_served_on else None
    plan = plan_year(agreement.notified_on, year, spent, provisional, revised, effective_end)
    orders = {
        o.quarter: o
        for o in RevenueOrder.objects.filter(agreement=agreement, year=year).exclude(
            status=RevenueOrder.Status.CANCELLED
        )
    }
    instalments = [Instalment(p, orders.get(p.quarter)) for p in plan.instalments]
    return Schedule(agreement, plan, spent, provisional, key, instalments)


@dataclass(frozen=True)
class NextDue:
    agreement: Agreement
    kind: str  # "instalment", "renewal", "key"
    due_on: date
    year: int
    quarter: int | None = None
    amount: Decimal | None = None
    overdue: bool = False


def next_due(agreements: QuerySet[Agreement], today: date, horizon_days: int = 120) -> list[NextDue]:
    """What is due next for a finance officer, late items first: instalments without a
    revenue order (of every year so far), the renewal letter not yet sent, keys waiting for
    validation."""
    items: list[NextDue] = []
    limit = today + timedelta(days=horizon_days)
    for agreement in agreements:
        if agreement.ends_on < today - timedelta(days=horizon_days):
            continue
        for year in range(1, agreement.current_year(today) + 1):
            for instalment in schedule(agreement, year).instalments:
                if instalment.order is None and instalment.due_on <= limit:
                    items.append(
                        NextDue(
                            agreement,
                            "instalment",
                            instalment.due_on,
                            year,
                            instalment.quarter,
                            instalment.amount,
                            instalment.due_on < today,
                        )
                    )
        letter_sent = agreement.renewals.filter(year=agreement.years_agreed, letter_sent_on__isnull=False)
        if not agreement.terminated and agreement.ends_on >= today and not letter_sent.exists():
            deadline = agreement.renewal_deadline()
            if deadline <= limit:
                items.append(
                    NextDue(agreement, "renewal", deadline, agreement.years_agreed, overdue=deadline < today)
                )
        for key in AllocationKey.objects.filter(agreement=agreement, validated_at__isnull=True):
            items.append(
                NextDue(agreement, "key", key.period_end, str(key.year), overdue=key.period_end < today)
            )
    return sorted(items, key=lambda item: item.due_on)


@dataclass(frozen=True)
class FinancialPosition:
    """The financial position of a quarter, for the committee's quarterly pack."""

    start: date
    end: date
    issued: Decimal
    paid: Decimal
    outstanding: Decimal
    orders: list[RevenueOrder]
    keys: list[AllocationKey]


def financial_position(
    start: date, end: date, agreements: QuerySet[Agreement] | None = None
) -> FinancialPosition:
    """Revenue orders issued between ``start`` and ``end`` (both included, cancelled ones
    left out), what of them is paid and outstanding, and the keys validated in the period."""
    orders = RevenueOrder.objects.filter(issued_on__gte=start, issued_on__lte=end).exclude(
        status=RevenueOrder.Status.CANCELLED
    )
    keys = AllocationKey.objects.filter(validated_at__date__gte=start, validated_at__date__lte=end)
    if agreements is not None:
        orders = orders.filter(agreement__in=agreements)
        keys = keys.filter(agreement__in=agreements)
    rows = list(orders.select_related("agreement").order_by("issued_on", "number"))
    issued = sum((o.amount for o in rows), Decimal("0.00"))
    paid = sum((o.amount for o in rows if o.status == RevenueOrder.Status.PAID), Decimal("0.00"))
    return FinancialPosition(
        start, end, issued, paid, issued - paid, rows, list(keys.select_related("agreement"))
    )
