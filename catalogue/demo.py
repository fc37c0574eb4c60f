"""The Marseille demonstration nomenclature, loaded through the ordinary importer."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from catalogue.importexport import ImportReport, import_nomenclature

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo_nomenclature.csv"


def load_demo_nomenclature(user=None) -> ImportReport:
    """Import catalogue/data/demo_nomenclature.csv (needs organisations.demo.create_organisations()).

    Idempotent: a second call publishes nothing.
    """
    report = import_nomenclature(
        DEMO_FILE.read_bytes(),
        DEMO_FILE.name,
        user=user,
        reason="Nomenclature de démonstration",
    )
    if not report.ok:
        raise ImproperlyConfigured("; ".join(str(error) for error in report.errors))
    return report
