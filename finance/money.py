"""The convention's money, in one pure module (no Django): ``Decimal`` euros, exact
fractions for keys, half-up rounding to the cent only on final amounts.

Article 5 of the convention: the partner pays its share (the allocation key) of the
operating expenses of the financial sheet; 25 % is paid at the end of each elapsed
three-month period; the key is revised on the anniversary and the revision settles the
last billing period; the observed key is the basis of next year's instalments.

* provisional participation = expenses × provisional key, rounded to the cent;
* Q1 = Q2 = Q3 = provisional participation / 4, each rounded to the cent;
* amount due = expenses × revised key, rounded to the cent;
* Q4 (settlement) = amount due − (Q1 + Q2 + Q3), exact: the four always add up to the
  amount due, whatever the rounding of each quarter (Q4 may be negative: a refund);
* termination during a year: amount due = expenses × (days in force / days of the year)
  × key of the partial period, rounded once; final settlement = that − already paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")
Number = Decimal | Fraction | int


def exact(value: Number | str) -> Fraction:
    """An exact rational from a Decimal, int, Fraction or decimal string (never a float)."""
    if isinstance(value, float):
        raise TypeError("Money never goes through float.")
    return value if isinstance(value, Fraction) else Fraction(value)


def to_cents(value: Number) -> Decimal:
    """Round to the cent, halves away from zero (ROUND_HALF_UP), from the exact value."""
    fraction = exact(value)
    if isinstance(value, Decimal):
        return value.quantize(CENT, rounding=ROUND_HALF_UP)
    cents, remainder = divmod(abs(fraction) * 100, 1)
    cents = int(cents) + (1 if remainder >= Fraction(1, 2) else 0)
    return (Decimal(-cents if fraction < 0 else cents) / 100).quantize(CENT)


@dataclass(frozen=True)
class Key:
    """An allocation key as the exact fraction it comes from (numerator / denominator)."""

    numerator: int
    denominator: int

    def __post_init__(self) -> None:
        if self.denominator <= 0 or not 0 <= self.numerator <= self.denominator:
            raise ValueError("A key is a share: 0 ≤ numerator ≤ denominator, denominator > 0.")

    @classmethod
    def from_decimal(cls, value: Decimal | str) -> Key:
        """45 % written 0.45 becomes 9/20; 45.67 % written 0.4567 becomes 4567/10000."""
        fraction = exact(Decimal(value))
        return cls(fraction.numerator, fraction.denominator)

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.numerator, self.denominator)

    @property
    def percent(self) -> Decimal:
        """The percentage for display only, to two decimals (never used in amounts)."""
        return to_cents(self.fraction * 100)

    def __str__(self) -> str:
        return f"{self.numerator}/{self.denominator}"


def share(expenses: Decimal, key: Key) -> Decimal:
    """``expenses`` × ``key`` rounded once to the cent."""
    return to_cents(exact(expenses) * key.fraction)


def quarter_instalment(provisional: Decimal) -> Decimal:
    """Each of Q1–Q3: a quarter of the provisional participation, to the cent."""
    return to_cents(exact(provisional) / 4)


@dataclass(frozen=True)
class YearAmounts:
    expenses: Decimal
    provisional_key: Key
    provisional: Decimal
    quarterly: Decimal  # Q1 = Q2 = Q3
    revised_key: Key | None = None
    amount_due: Decimal | None = None
    settlement: Decimal | None = None  # Q4

    @property
    def instalments(self) -> list[Decimal]:
        """Q1–Q4; Q4 is the provisional quarter until the key is revised."""
        q4 = self.settlement if self.settlement is not None else self.provisional - 3 * self.quarterly
        return [self.quarterly, self.quarterly, self.quarterly, q4]

    @property
    def paid_before_settlement(self) -> Decimal:
        return 3 * self.quarterly


def year_amounts(expenses: Decimal, provisional_key: Key, revised_key: Key | None = None) -> YearAmounts:
    """A convention year's instalments; with the revised key, its Q4 settlement."""
    provisional = share(expenses, provisional_key)
    quarterly = quarter_instalment(provisional)
    if revised_key is None:
        return YearAmounts(expenses, provisional_key, provisional, quarterly)
    due = share(expenses, revised_key)
    return YearAmounts(
        expenses, provisional_key, provisional, quarterly, revised_key, due, due - 3 * quarterly
    )


@dataclass(frozen=True)
class FinalSettlement:
    days_in_force: int
    days_in_year: int
    key: Key
    amount_due: Decimal
    already_paid: Decimal
    balance: Decimal  # positive: the partner pays; negative: the operator refunds


def pro_rata_settlement(
    expenses: Decimal, days_in_force: int, days_in_year: int, key: Key, already_paid: Decimal
) -> FinalSettlement:
    """Termination during a year: expenses pro rata temporis × the key of the partial
    period, rounded once, minus what was already paid."""
    if not 0 <= days_in_force <= days_in_year:
        raise ValueError("Days in force must lie between 0 and the days of the year.")
    due = to_cents(exact(expenses) * Fraction(days_in_force, days_in_year) * key.fraction)
    return FinalSettlement(days_in_force, days_in_year, key, due, already_paid, due - already_paid)


# Amounts in words, for revenue orders (traditional French spelling: "vingt et un",
# "quatre-vingts", "deux cents", "deux cent un", "mille" invariable, "millions").
_UNITS = [
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
    "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf",
]  # fmt: skip
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _below_100(n: int) -> str:
    if n < 20:
        return _UNITS[n]
    tens, unit = divmod(n, 10)
    if tens in (7, 9):  # soixante-dix…, quatre-vingt-dix…
        base = "soixante" if tens == 7 else "quatre-vingt"
        joiner = " et " if tens == 7 and unit == 1 else "-"
        return base + joiner + _UNITS[10 + unit]
    if tens == 8:
        return "quatre-vingts" if unit == 0 else "quatre-vingt-" + _UNITS[unit]
    if unit == 0:
        return _TENS[tens]
    return _TENS[tens] + (" et un" if unit == 1 else "-" + _UNITS[unit])


def _below_1000(n: int, *, last: bool = True) -> str:
    """``last``: nothing follows, so "cents"/"quatre-vingts" take their plural s."""
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        head = "cent" if hundreds == 1 else _UNITS[hundreds] + " cent"
        if hundreds > 1 and rest == 0 and last:
            head += "s"
        words.append(head)
    if rest:
        text = _below_100(rest)
        if not last and text.endswith("quatre-vingts"):
            text = text[:-1]
        words.append(text)
    return " ".join(words)


def integer_in_words(n: int) -> str:
    if n < 0:
        raise ValueError("Only non-negative amounts are written in words.")
    if n == 0:
        return "zéro"
    words = []
    for value, singular, plural in ((10**9, "milliard", "milliards"), (10**6, "million", "millions")):
        count, n = divmod(n, value)
        if count:
            words.append(f"{integer_in_words(count)} {singular if count == 1 else plural}")
    thousands, n = divmod(n, 1000)
    if thousands:
        words.append("mille" if thousands == 1 else _below_1000(thousands, last=False) + " mille")
    if n:
        words.append(_below_1000(n))
    return " ".join(words)


def amount_in_words(amount: Decimal) -> str:
    """1 234,50 → "mille deux cent trente-quatre euros et cinquante centimes"."""
    amount = to_cents(amount)
    if amount < 0:
        raise ValueError("A revenue order's amount is positive.")
    euros = int(amount)
    cents = int((amount - euros) * 100)
    euro_words = integer_in_words(euros)
    unit = "euro" if euros <= 1 else "euros"
    if euros >= 10**6 and euros % 10**6 == 0:
        unit = "d'euros"  # "un million d'euros"
    text = f"{euro_words} {unit}"
    if cents:
        text += f" et {integer_in_words(cents)} centime{'s' if cents > 1 else ''}"
    return text
