"""The demonstration convention between the City (operator) and the Métropole (partner)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from agreements.models import Agreement
from organisations.models import Body

DEMO_REFERENCE = "CONV-ALLO-MAIRIE-2025"


def create_demo_agreement(bodies: dict[str, Body]) -> Agreement:
    """Notified on 1 March 2025, renewed once (in force until 28 February 2027)."""
    agreement, _created = Agreement.objects.get_or_create(
        reference=DEMO_REFERENCE,
        defaults={
            "title": "Convention de partenariat Allô Mairie",
            "operator": bodies["city"],
            "partner": bodies["metro"],
            "operator_signatory": bodies["city"].signatory_name,
            "partner_signatory": bodies["metro"].signatory_name,
            "notified_on": date(2025, 3, 1),
            "years_agreed": 2,
            "initial_key": Decimal("0.45"),
        },
    )
    return agreement
