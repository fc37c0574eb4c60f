"""A small address reference for the demonstration: the streets of the demo fiches, 60
numbers each, in the BAN layout (places/data/demo-adresses-13.csv; not real BAN positions)."""

from __future__ import annotations

from pathlib import Path

from places.services import Report, import_release

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo-adresses-13.csv"


def load_demo_addresses() -> Report:
    return import_release(DEMO_FILE)
