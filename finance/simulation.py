"""The ``cost_sharing`` simulator: a convention year from a few figures, pure Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from agreements import dates
from finance import money
from finance.plan import YearPlan, plan_year


@dataclass(frozen=True)
class Simulation:
    notified: date
    provisional_key: money.Key
    revised_key: money.Key
    year: YearPlan
    next_year: YearPlan | None
    renewal_deadline: date
    notice_served: date | None
    effective_end: date | None

    def as_dict(self) -> dict[str, Any]:
        def instalments(plan: YearPlan) -> list[dict[str, Any]]:
            return [
                {
                    "quarter": i.quarter,
                    "kind": i.kind,
                    "from": i.period.start.isoformat(),
                    "to": i.period.end.isoformat(),
                    "due_on": i.due_on.isoformat(),
                    "amount": None if i.amount is None else str(i.amount),
                }
                for i in plan.instalments
            ]

        amounts = self.year.amounts
        data: dict[str, Any] = {
            "notified": self.notified.isoformat(),
            "year": {"from": self.year.period.start.isoformat(), "to": self.year.period.end.isoformat()},
            "quarter_ends": [q.end.isoformat() for q in dates.quarters(self.notified, 1)],
            "expenses": str(amounts.expenses),
            "provisional_key": str(self.provisional_key),
            "provisional_participation": str(amounts.provisional),
            "instalments": instalments(self.year),
            "revised_key": str(self.revised_key),
            "revised_key_percent": str(self.revised_key.percent),
            "amount_due": str(amounts.amount_due),
            "settlement": str(amounts.settlement),
            "renewal_letter_deadline": self.renewal_deadline.isoformat(),
        }
        if self.next_year is not None:
            data["next_year"] = {
                "from": self.next_year.period.start.isoformat(),
                "to": self.next_year.period.end.isoformat(),
                "provisional_participation": str(self.next_year.amounts.provisional),
                "instalments": instalments(self.next_year),
            }
        if self.notice_served is not None:
            final = self.year.final
            data["notice"] = {
                "served": self.notice_served.isoformat(),
                "effective_end": self.effective_end.isoformat(),
                "final_settlement": None
                if final is None
                else {
                    "days_in_force": final.days_in_force,
                    "days_in_year": final.days_in_year,
                    "amount_due": str(final.amount_due),
                    "already_paid": str(final.already_paid),
                    "balance": str(final.balance),
                },
            }
        return data


def simulate(
    notified: date,
    expenses: Decimal,
    provisional_key: money.Key,
    revised_key: money.Key,
    next_expenses: Decimal | None = None,
    notice_served: date | None = None,
) -> Simulation:
    """Year 1 of a convention; with a notice served during it, its end and final settlement
    (the key of the partial period is taken to be ``revised_key``)."""
    effective_end = None
    if notice_served is not None:
        effective_end = dates.notice_end(notice_served, dates.term_end(notified, 1))
    year = plan_year(notified, 1, expenses, provisional_key, revised_key, effective_end)
    next_year = None
    if next_expenses is not None and notice_served is None:
        next_year = plan_year(notified, 2, next_expenses, revised_key)
    return Simulation(
        notified,
        provisional_key,
        revised_key,
        year,
        next_year,
        dates.renewal_deadline(notified, 1),
        notice_served,
        effective_end,
    )
