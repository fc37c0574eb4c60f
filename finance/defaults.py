"""The expense categories every installation starts with (CGCT D5211-16's perimeter:
personnel, supplies, renewal of assets, attached contracts). Editable in the admin."""

from __future__ import annotations

CATEGORIES = [
    ("Personnel", "012 · 6411, 6413, 645x"),
    ("Téléphonie et télécommunications", "6262"),
    ("Informatique", "6156, 6135"),
    ("Locaux", "6132, 614, 60612"),
    ("Fournitures et courrier", "6064, 6236, 6261"),
    ("Formation", "6184"),
    ("Renouvellement des équipements", "6811"),
    ("Frais de structure", ""),
]


def ensure_categories(category_model) -> None:
    """Create the missing default categories (idempotent; the migration passes its
    historical model, demo data and tests the real one)."""
    for order, (name, account) in enumerate(CATEGORIES, start=1):
        category_model.objects.get_or_create(name=name, defaults={"account": account, "order": order})
