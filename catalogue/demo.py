"""The Marseille demonstration nomenclature, loaded through the ordinary importer."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from catalogue.importexport import ImportReport, import_nomenclature
from catalogue.models import Family

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo_nomenclature.csv"


# Duplicates by place (docs/places.md): distance in metres and time window in days per family.
DEMO_DUPLICATE_RULES = {
    "eclairage": (50, 30),
    "signalisation": (50, 30),
    "voirie": (75, 60),
    "nettoiement": (150, 7),
    "tags": (30, 60),
    "mobilier": (50, 60),
    "espaces-verts": (150, 30),
}


def load_demo_nomenclature(user=None, effective_from: datetime | None = None) -> ImportReport:
    """Import catalogue/data/demo_nomenclature.csv (needs organisations.demo.create_organisations()).

    Idempotent: a second call publishes nothing.
    """
    report = import_nomenclature(
        DEMO_FILE.read_bytes(),
        DEMO_FILE.name,
        user=user,
        reason="Nomenclature de démonstration",
        effective_from=effective_from,
    )
    if not report.ok:
        raise ImproperlyConfigured("; ".join(str(error) for error in report.errors))
    for code, (metres, days) in DEMO_DUPLICATE_RULES.items():
        Family.objects.filter(code=code).update(duplicate_radius_m=metres, duplicate_window_days=days)
    return report
