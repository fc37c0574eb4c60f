"""The Marseille demonstration nomenclature, loaded through the ordinary importer."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from catalogue.importexport import ImportReport, import_nomenclature

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo_nomenclature.csv"


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
    return report
