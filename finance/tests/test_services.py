"""Financial sheets, the schedule, termination, and revenue orders (never edited once issued)."""

from __future__ import annotations

import subprocess
import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from agreements.models import Agreement
from agreements.services import record_renewal_letter, serve_notice
from finance import selectors, services
from finance.models import AllocationKey, CostCategory, RevenueOrder

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def agreement(bodies) -> Agreement:
    return Agreement.objects.get(partner=bodies["metro"])


def record_expenses(agreement, year, user, *amounts: str):
    categories = list(CostCategory.objects.all())
    lines = [services.LineInput(categories[n].pk, "", D(a)) for n, a in enumerate(amounts)]
    return services.save_cost_sheet(agreement, year, lines, user)


def freeze_key(agreement, year, numerator, denominator, user):
    key = AllocationKey.objects.create(
        agreement=agreement, year=year, period_start=agreement.year(year).start,
        period_end=agreement.year(year).end, numerator=numerator, denominator=denominator, rule={},
    )  # fmt: skip
    return services.validate_key(key, user)


def test_the_worked_example_as_a_schedule(agreement, users):
    """docs/finance.md: year 1 at 45 %, revised to 28 417 / 61 093; year 2 follows."""
    finances = users["finances"]
    sheet = record_expenses(agreement, 1, finances, "612345.00", "187654.33", "187655.00")
    assert sheet.total == D("987654.33")
    plan = selectors.schedule(agreement, 1)
    assert [i.due_on for i in plan.instalments] == [
        date(2025, 5, 31), date(2025, 8, 31), date(2025, 11, 30), date(2026, 2, 28)
    ]  # fmt: skip
    assert [i.amount for i in plan.instalments] == [D("111111.11")] * 3 + [None]
    freeze_key(agreement, 1, 28417, 61093, finances)
    plan = selectors.schedule(agreement, 1)
    assert plan.instalments[3].amount == D("126067.47")
    assert plan.total == D("459400.80")
    record_expenses(agreement, 2, finances, "1012345.67")
    plan = selectors.schedule(agreement, 2)
    assert plan.provisional_key.numerator == 28417
    assert plan.instalments[0].amount == D("117721.45")


def test_termination_stops_the_schedule_and_settles_pro_rata(agreement, users, bodies):
    finances = users["finances"]
    record_expenses(agreement, 2, finances, "987654.33")
    serve_notice(agreement, bodies["metro"], date(2026, 6, 15))  # last day 14 September 2026
    freeze_key(agreement, 2, 14002, 30055, finances)
    plan = selectors.schedule(agreement, 2)
    # Q1 falls due on 31 May, Q2 on 31 August: both before the end; then the final settlement.
    assert [(i.quarter, i.kind, i.due_on) for i in plan.instalments] == [
        (1, "instalment", date(2026, 5, 31)),
        (2, "instalment", date(2026, 8, 31)),
        (3, "final", date(2026, 9, 14)),
    ]
    # 1 March – 14 September 2026: 198 of 365 days; Q1 + Q2 = 2 × 111 111,11
    assert plan.final.days_in_force == 198 and plan.final.days_in_year == 365
    assert plan.final.amount_due == D("249603.48")
    assert plan.instalments[2].amount == D("27381.26")
    assert plan.total == plan.final.amount_due


def test_sheets_refuse_years_outside_the_convention_and_negative_amounts(agreement, users):
    with pytest.raises(ValidationError):
        record_expenses(agreement, 3, users["finances"], "1.00")
    with pytest.raises(ValidationError):
        record_expenses(agreement, 1, users["finances"], "-1.00")


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_a_revenue_order_carries_the_mentions_and_is_never_edited(agreement, users):
    finances = users["finances"]
    record_expenses(agreement, 1, finances, "987654.33")
    with pytest.raises(ValidationError):
        services.issue_order(agreement, 1, 4, finances)  # key not validated yet
    order = services.issue_order(agreement, 1, 1, finances, issued_on=date(2025, 6, 2))
    assert order.number == "TR-2025-0001" and order.amount == D("111111.11")
    text = " ".join(pdf_text(order.pdf.path).split())
    for mention in [
        "TR-2025-0001", "Métropole Aix-Marseille-Provence", "111 111,11 €",
        "cent onze mille cent onze euros et onze centimes", "31 mai 2025", "L1617-5",
        "D5211-16", "deux mois", "tribunal administratif", "Lucie Fabre", "Acompte n° 1",
    ]:  # fmt: skip
        assert mention in text, mention
    with pytest.raises(ValidationError):
        services.issue_order(agreement, 1, 1, finances)  # one live order per instalment
    order.amount = D("1.00")
    with pytest.raises(ValidationError):
        order.save()
    order.refresh_from_db()
    paid = services.mark_paid(order, date(2025, 7, 1))
    assert paid.status == "paid" and paid.amount == D("111111.11")
    with pytest.raises(ValidationError):
        services.cancel_order(paid, "erreur", finances)


def test_cancelling_an_order_issues_its_corrective_order(agreement, users):
    finances = users["finances"]
    record_expenses(agreement, 1, finances, "987654.33")
    order = services.issue_order(agreement, 1, 1, finances, issued_on=date(2025, 6, 2))
    record_expenses(agreement, 1, finances, "987654.33", "1000.00")  # a forgotten line
    with pytest.raises(ValidationError):
        services.cancel_order(order, "  ", finances)
    corrective = services.cancel_order(order, "Dépense oubliée", finances, on=date(2025, 6, 10))
    order.refresh_from_db()
    assert order.status == "cancelled" and order.amount == D("111111.11")
    assert corrective.replaces == order and corrective.amount == D("111223.61")
    assert "annule et remplace le titre n° TR-2025-0001" in " ".join(pdf_text(corrective.pdf.path).split())
    assert RevenueOrder.objects.count() == 2


def test_a_negative_settlement_is_not_ordered(agreement, users):
    finances = users["finances"]
    record_expenses(agreement, 1, finances, "100000.00")
    freeze_key(agreement, 1, 1, 10, finances)
    assert selectors.schedule(agreement, 1).instalments[3].amount == D("-23750.00")
    with pytest.raises(ValidationError):
        services.issue_order(agreement, 1, 4, finances)


def test_financial_position_of_a_quarter(agreement, users):
    finances = users["finances"]
    record_expenses(agreement, 1, finances, "987654.33")
    first = services.issue_order(agreement, 1, 1, finances, issued_on=date(2025, 6, 2))
    services.issue_order(agreement, 1, 2, finances, issued_on=date(2025, 9, 1))
    services.mark_paid(first, date(2025, 6, 20))
    position = selectors.financial_position(date(2025, 6, 1), date(2025, 8, 31))
    assert (position.issued, position.paid, position.outstanding) == (
        D("111111.11"),
        D("111111.11"),
        D("0.00"),
    )
    position = selectors.financial_position(date(2025, 6, 1), date(2025, 11, 30))
    assert position.outstanding == D("111111.11") and len(position.orders) == 2


def test_what_is_due_next_shows_late_items_first(agreement, users):
    record_expenses(agreement, 1, users["finances"], "987654.33")
    services.issue_order(agreement, 1, 1, users["finances"], issued_on=date(2025, 6, 2))
    items = selectors.next_due(Agreement.objects.all(), date(2025, 12, 1))
    assert [(i.kind, i.year, i.quarter, i.due_on, i.overdue) for i in items] == [
        ("instalment", 1, 2, date(2025, 8, 31), True),
        ("instalment", 1, 3, date(2025, 11, 30), True),
        ("instalment", 1, 4, date(2026, 2, 28), False),
    ]
    assert items[0].amount == D("111111.11") and items[2].amount is None

    def renewal(today):
        return [
            (i.due_on, i.overdue)
            for i in selectors.next_due(Agreement.objects.all(), today)
            if i.kind == "renewal"
        ]

    assert renewal(date(2026, 9, 1)) == [(date(2026, 11, 28), False)]
    assert renewal(date(2026, 12, 1)) == [(date(2026, 11, 28), True)]  # passed, letter not recorded
    record_renewal_letter(agreement, 2, date(2026, 11, 20))
    assert renewal(date(2026, 12, 1)) == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_gives_one_order_per_instalment_and_distinct_numbers(bodies, users):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is exercised on PostgreSQL")
    agreement = Agreement.objects.get(partner=bodies["metro"])
    record_expenses(agreement, 1, users["finances"], "987654.33")
    outcomes, barrier = [], threading.Barrier(6)

    def issue(quarter: int) -> None:
        try:
            barrier.wait()
            services.issue_order(agreement, 1, quarter, users["finances"], issued_on=date(2025, 6, 2))
            outcomes.append("issued")
        except ValidationError:
            outcomes.append("refused")
        except Exception as exc:  # noqa: BLE001 - reported below
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(q,)) for q in (1, 1, 2, 2, 3, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["issued"] * 3 + ["refused"] * 3
    numbers = sorted(RevenueOrder.objects.values_list("number", flat=True))
    assert numbers == ["TR-2025-0001", "TR-2025-0002", "TR-2025-0003"]


def test_the_committee_pack_reads_the_financial_position_through_its_hook(agreement, users):
    from committee.pack import financial_position as pack_position
    from reporting.figures import Period

    finances = users["finances"]
    record_expenses(agreement, 1, finances, "987654.33")
    first = services.issue_order(agreement, 1, 1, finances, issued_on=date(2025, 6, 2))
    services.mark_paid(first, date(2025, 6, 20))
    section = pack_position(Period(date(2025, 4, 1), date(2025, 6, 30)))
    assert section["available"] and section["note"]
    values = dict(map(tuple, section["rows"]))
    assert values["Titres de recettes émis"] == values["dont payés"] == "111\u202f111,11\u00a0€"
    assert any(label.startswith(first.number) for label in values)
