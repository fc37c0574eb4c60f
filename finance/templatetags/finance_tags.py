"""French money display: 1 234 567,89 € (narrow no-break space, decimal comma)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from finance.money import to_cents

register = template.Library()

NARROW_NBSP = "\u202f"


def euros_text(value: Decimal | None) -> str:
    if value is None:
        return "—"
    amount = to_cents(Decimal(value))
    sign = "−" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{NARROW_NBSP.join(groups)},{cents}\u00a0€"


@register.filter
def euros(value: Decimal | None) -> str:
    return euros_text(value)
