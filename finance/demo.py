"""The demonstration convention's money: two financial sheets, the first year's key
validated and its revenue orders, the second year's instalments as they fall due."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from agreements.demo import create_demo_agreement
from finance import selectors, services
from finance.defaults import ensure_categories
from finance.models import CostCategory
from organisations.models import Body

# (category, detail, amount) of the previous year's operating expenses.
SHEETS = {
    1: [
        ("Personnel", "38 ETP du plateau et de la cellule", "1784210.12"),
        ("Téléphonie et télécommunications", "Numéro 3013, SVI, trafic", "212345.67"),
        ("Informatique", "Logiciel de gestion des fiches, hébergement", "186402.18"),
        ("Locaux", "Loyer, charges, énergie", "198765.40"),
        ("Fournitures et courrier", "Affranchissement des courriers", "86412.10"),
    ],
    2: [
        ("Personnel", "39 ETP du plateau et de la cellule", "1829874.55"),
        ("Téléphonie et télécommunications", "Numéro 3013, SVI, trafic", "208113.02"),
        ("Informatique", "Logiciel de gestion des fiches, hébergement", "194560.00"),
        ("Locaux", "Loyer, charges, énergie", "203311.87"),
        ("Fournitures et courrier", "Affranchissement des courriers", "81250.45"),
    ],
}
FORECAST = {1: Decimal("2500000.00"), 2: Decimal("2550000.00")}
PAYMENT_DELAY = timedelta(days=30)


def create_demo_finance(bodies: dict[str, Body], today: date) -> int:
    """Returns the number of revenue orders issued."""
    agreement = create_demo_agreement(bodies)
    officer = get_user_model().objects.get(username="finances")
    ensure_categories(CostCategory)
    categories = {c.name: c.pk for c in CostCategory.objects.all()}
    issued = 0
    for year, lines in SHEETS.items():
        if agreement.year(year).start > today:
            break
        entries = [
            services.LineInput(categories[name], label, Decimal(amount)) for name, label, amount in lines
        ]
        services.save_cost_sheet(agreement, year, entries, officer, FORECAST[year])
        if agreement.year(year).end < today:
            key = services.compute_key(agreement, year)
            if key.denominator:
                services.validate_key(key, officer)
        for instalment in selectors.schedule(agreement, year).instalments:
            if instalment.due_on > today or instalment.amount is None or instalment.amount <= 0:
                continue
            order = services.issue_order(agreement, year, instalment.quarter, officer, instalment.due_on)
            issued += 1
            if order.due_on + PAYMENT_DELAY <= today:
                services.mark_paid(order, order.due_on + PAYMENT_DELAY)
    return issued
