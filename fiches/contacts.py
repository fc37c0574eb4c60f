"""Callers' contact details: French phone numbers and whether a reply channel can reach them.

Pure Python: the intake form, the correspondence channel choice and the tests share it."""

from __future__ import annotations

import re

SEPARATORS = re.compile(r"[\s.\-/()]")
INTERNATIONAL = re.compile(r"\+?\d{8,15}")


def normalise_phone(text: str) -> str | None:
    """A phone number in its stored form, or None when it is not one.

    French numbers (``+33 6 12 34 56 78``, ``0033612345678``, ``06.12.34.56.78``) become
    ``06 12 34 56 78``; a foreign number keeps its ``+`` and country code (``+44 20…``) in
    compact form. An empty text gives ``""``."""
    compact = SEPARATORS.sub("", text or "")
    if not compact:
        return ""
    if compact.startswith("0033"):
        compact = "+33" + compact[4:]
    if compact.startswith("+33"):
        compact = "0" + compact[3:].removeprefix("0")
    if re.fullmatch(r"0[1-9]\d{8}", compact):
        return " ".join(compact[i : i + 2] for i in range(0, 10, 2))
    if compact.startswith("+") and INTERNATIONAL.fullmatch(compact) and not compact.startswith("+33"):
        return compact
    return None


def is_french_mobile(phone: str) -> bool:
    """A number an SMS can reach: French mobiles start with 06 or 07."""
    normalised = normalise_phone(phone)
    return bool(normalised) and normalised.startswith(("06", "07"))


def postal_address_complete(address: str, postal_code: str, city: str) -> bool:
    """A letter needs a street line, a five-digit postal code and a town."""
    return bool(address.strip() and re.fullmatch(r"\d{5}", postal_code.strip()) and city.strip())
