"""The convention's money (finance/money.py): the worked example of docs/finance.md,
rounding, settlement, termination, amounts in words, and property tests."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finance import money
from finance.money import Key, amount_in_words, pro_rata_settlement, to_cents, year_amounts

D = Decimal


def test_worked_example_year_1():
    """docs/finance.md, year 1: 987 654,33 € at the provisional 45 %, revised to 28 417 / 61 093."""
    year = year_amounts(D("987654.33"), Key.from_decimal("0.45"), Key(28417, 61093))
    assert year.provisional == D("444444.45")  # 444 444,4485
    assert year.quarterly == D("111111.11")  # 111 111,1125
    # Rounding each quarter of the provisional participation separately loses a cent:
    assert 4 * year.quarterly != year.provisional
    assert year.amount_due == D("459400.80")  # 459 400,8003…
    assert year.settlement == D("126067.47")
    assert year.instalments == [D("111111.11")] * 3 + [D("126067.47")]
    assert sum(year.instalments) == year.amount_due
    assert year.revised_key.percent == D("46.51")


def test_worked_example_year_2_uses_the_revised_key_as_provisional_key():
    year = year_amounts(D("1012345.67"), Key(28417, 61093), Key(30001, 62000))
    assert year.provisional == D("470885.81")
    assert year.quarterly == D("117721.45")
    assert year.amount_due == D("489861.01")
    assert year.settlement == D("136696.66")
    assert year.revised_key.percent == D("48.39")


def test_without_revised_key_the_fourth_quarter_completes_the_provisional_participation():
    year = year_amounts(D("987654.33"), Key.from_decimal("0.45"))
    assert year.instalments[3] == D("111111.12")
    assert sum(year.instalments) == year.provisional


def test_a_lower_revised_key_gives_a_negative_settlement_a_refund():
    year = year_amounts(D("100000.00"), Key.from_decimal("0.45"), Key(1, 10))
    assert year.settlement == D("-23750.00")
    assert sum(year.instalments) == D("10000.00")


def test_rounding_is_half_up_on_the_exact_value_and_only_once():
    assert to_cents(Fraction(1, 200)) == D("0.01")
    assert to_cents(Fraction(-1, 200)) == D("-0.01")
    assert to_cents(D("2.675")) == D("2.68")  # float would give 2.67
    assert to_cents(Fraction(1, 3)) == D("0.33")
    with pytest.raises(TypeError):
        money.exact(0.1)


def test_the_percentage_is_for_display_and_amounts_use_the_fraction():
    key = Key(2, 3)
    assert key.percent == D("66.67")
    assert money.share(D("300000.00"), key) == D("200000.00")  # not 300 000 × 66,67 %


def test_keys_must_be_shares():
    for numerator, denominator in [(1, 0), (3, 2), (-1, 4)]:
        with pytest.raises(ValueError):
            Key(numerator, denominator)


def test_termination_settles_pro_rata_temporis_with_the_partial_key():
    final = pro_rata_settlement(D("987654.33"), 198, 365, Key(14002, 30055), D("222222.22"))
    # 987 654,33 × 198/365 × 14 002/30 055 = 249 603,48…
    assert final.amount_due == D("249603.48")
    assert final.balance == D("27381.26")
    with pytest.raises(ValueError):
        pro_rata_settlement(D("1"), 366, 365, Key(1, 2), D("0"))


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0.50", "zéro euro et cinquante centimes"),
        ("1", "un euro"),
        ("21.01", "vingt et un euros et un centime"),
        ("71", "soixante et onze euros"),
        ("80", "quatre-vingts euros"),
        ("81", "quatre-vingt-un euros"),
        ("91", "quatre-vingt-onze euros"),
        ("200", "deux cents euros"),
        ("201", "deux cent un euros"),
        ("1000", "mille euros"),
        ("80000", "quatre-vingt mille euros"),
        ("200000", "deux cent mille euros"),
        ("1000000", "un million d'euros"),
        ("280000000", "deux cent quatre-vingts millions d'euros"),
        (
            "2468135.47",
            "deux millions quatre cent soixante-huit mille cent trente-cinq euros et quarante-sept centimes",
        ),
        ("126067.47", "cent vingt-six mille soixante-sept euros et quarante-sept centimes"),
    ],
)
def test_amounts_in_french_words(amount, words):
    assert amount_in_words(D(amount)) == words


def test_negative_amounts_are_not_written_in_words():
    with pytest.raises(ValueError):
        amount_in_words(D("-1"))


amounts = st.decimals(min_value=D("0"), max_value=D("99999999.99"), places=2)
keys = st.integers(min_value=1, max_value=500_000).flatmap(
    lambda d: st.tuples(st.integers(min_value=0, max_value=d), st.just(d))
)


@given(amounts, keys, keys)
def test_the_four_instalments_always_sum_to_the_amount_due(expenses, provisional, revised):
    year = year_amounts(expenses, Key(*provisional), Key(*revised))
    assert sum(year.instalments) == year.amount_due
    assert all(q == q.quantize(money.CENT) for q in year.instalments)
    assert abs(Fraction(year.amount_due) - Fraction(expenses) * Key(*revised).fraction) <= Fraction(1, 200)


@settings(max_examples=50)
@given(st.lists(st.tuples(amounts, keys), min_size=5, max_size=5), keys)
def test_five_years_never_lose_a_cent(years, first_key):
    """Over five years, each revised key becoming the next provisional key, what is
    invoiced equals the sum of the amounts due, to the cent."""
    provisional = Key(*first_key)
    invoiced = due = D("0")
    for expenses, observed in years:
        revised = Key(*observed)
        year = year_amounts(expenses, provisional, revised)
        invoiced += sum(year.instalments)
        due += money.share(expenses, revised)
        provisional = revised
    assert invoiced == due


@given(st.integers(min_value=0, max_value=10**12))
def test_every_integer_has_words(n):
    words = money.integer_in_words(n)
    assert words and "  " not in words and not words.endswith(" ")
