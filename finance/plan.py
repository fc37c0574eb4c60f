"""A convention year's plan, pure (no Django): the dates of agreements/dates.py and the
amounts of finance/money.py put together. The pages (``selectors.schedule``) and the
``cost_sharing`` simulator both call ``plan_year``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from agreements import dates
from finance import money

INSTALMENT, SETTLEMENT, FINAL = "instalment", "settlement", "final"


@dataclass(frozen=True)
class PlannedInstalment:
    quarter: int
    kind: str  # INSTALMENT, SETTLEMENT or FINAL
    period: dates.Period
    due_on: date
    amount: Decimal | None  # None until the expenses (and for Q4 the revised key) are known


@dataclass(frozen=True)
class YearPlan:
    year: int
    period: dates.Period
    amounts: money.YearAmounts | None
    final: money.FinalSettlement | None
    instalments: list[PlannedInstalment]

    @property
    def total(self) -> Decimal | None:
        amounts = [i.amount for i in self.instalments]
        return None if any(a is None for a in amounts) else sum(amounts, Decimal("0.00"))


def plan_year(
    notified: date,
    year: int,
    expenses: Decimal | None,
    provisional_key: money.Key,
    revised_key: money.Key | None = None,
    effective_end: date | None = None,
) -> YearPlan:
    """Q1–Q3 from the provisional key, Q4 settles with the revised key. When the
    convention ends during the year (``effective_end``), the instalments that fall due
    before the end stay and a final settlement, pro rata temporis with the revised key (the
    key of the partial period), falls due on the last day."""
    period = dates.convention_year(notified, year)
    quarters = dates.quarters(notified, year)
    amounts = money.year_amounts(expenses, provisional_key, revised_key) if expenses is not None else None
    ended_early = effective_end is not None and effective_end < period.end
    instalments: list[PlannedInstalment] = []
    for number, quarter in enumerate(quarters, start=1):
        if ended_early and quarter.end > effective_end:
            break
        amount = None
        if amounts is not None and (number < 4 or revised_key is not None):
            amount = amounts.instalments[number - 1]
        kind = SETTLEMENT if number == 4 else INSTALMENT
        instalments.append(PlannedInstalment(number, kind, quarter, quarter.end, amount))
    final = None
    if ended_early:
        paid = sum((i.amount or Decimal("0.00") for i in instalments), Decimal("0.00"))
        if expenses is not None and revised_key is not None:
            days = dates.Period(period.start, effective_end).days
            final = money.pro_rata_settlement(expenses, days, period.days, revised_key, paid)
        number = len(instalments) + 1
        tail = dates.Period(quarters[number - 1].start, effective_end)
        instalments.append(
            PlannedInstalment(number, FINAL, tail, effective_end, final.balance if final else None)
        )
    return YearPlan(year, period, amounts, final, instalments)
