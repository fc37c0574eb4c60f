"""Reading the Base Adresse Nationale's "adresses" CSV (`adresses-13.csv.gz`): pure Python.

Columns used (see docs/places.md): id, numero, rep, nom_voie, code_postal, code_insee, lon, lat,
nom_ld, and `quartier` when a source adds it (the BAN itself has no quartier). Lines of
communes other than Marseille's 16 arrondissements (INSEE 13201-13216) are counted and left out.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from places.text import NO_NUMBER, repetition_of

REQUIRED_COLUMNS = ("id", "numero", "rep", "nom_voie", "code_postal", "code_insee", "lon", "lat", "nom_ld")
# Bouches-du-Rhône, generously: a point outside is a bad line, not an address.
LATITUDES = (42.9, 44.0)
LONGITUDES = (4.2, 6.0)


class LayoutError(ValueError):
    """The file is not in the BAN layout: nothing is imported."""


@dataclass(frozen=True)
class Row:
    ban_id: str
    number: int | None
    repetition: str
    street: str
    lieu_dit: str
    postal_code: str
    insee_code: str
    arrondissement: int
    latitude: float
    longitude: float
    quartier: str


@dataclass(frozen=True)
class Outside:
    """A valid line of another commune."""


@dataclass(frozen=True)
class Bad:
    message: str


def open_text(path: Path) -> io.TextIOBase:
    """The file as UTF-8 text, gzip-compressed or not (a BOM is dropped)."""
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def read(handle: io.TextIOBase) -> Iterator[tuple[int, Row | Outside | Bad]]:
    """(line number, parsed line) for each line after the header."""
    reader = csv.reader(handle, delimiter=";")
    header = next(reader, None)
    if header is None:
        raise LayoutError("empty file")
    positions = {name.strip(): index for index, name in enumerate(header)}
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise LayoutError(f"missing columns: {', '.join(missing)}")
    width = len(header)
    for values in reader:
        line = reader.line_num
        if not values:
            continue
        if len(values) != width:
            yield line, Bad(f"{len(values)} columns instead of {width}")
            continue
        yield line, parse(values, positions)


def parse(values: list[str], positions: dict[str, int]) -> Row | Outside | Bad:
    def get(name: str) -> str:
        index = positions.get(name)
        return values[index].strip() if index is not None else ""

    insee = get("code_insee")
    if not (len(insee) == 5 and insee.isdigit()):
        return Bad(f"INSEE code “{insee}” is not valid")
    arrondissement = int(insee[3:]) if insee.startswith("132") else 0
    if not 1 <= arrondissement <= 16:
        return Outside()
    raw_number = get("numero")
    if raw_number in ("", NO_NUMBER):
        number = None
    elif raw_number.isdigit() and len(raw_number) <= 5:
        number = int(raw_number)
    else:
        return Bad(f"number “{raw_number[:20]}” is not valid")
    try:
        lon, lat = float(get("lon")), float(get("lat"))
    except ValueError:
        return Bad("coordinates are not numbers")
    if not (LATITUDES[0] <= lat <= LATITUDES[1] and LONGITUDES[0] <= lon <= LONGITUDES[1]):
        return Bad("coordinates are outside the Bouches-du-Rhône")
    street, lieu_dit = get("nom_voie"), get("nom_ld")
    if not street and not lieu_dit:
        return Bad("no street name nor lieu-dit")
    postal_code = get("code_postal")
    if not (len(postal_code) == 5 and postal_code.isdigit()):
        return Bad(f"postal code “{postal_code[:10]}” is not valid")
    return Row(
        ban_id=get("id")[:60],
        number=number,
        repetition=repetition_of(get("rep"))[:10],
        street=street[:200],
        lieu_dit=lieu_dit[:120],
        postal_code=postal_code,
        insee_code=insee,
        arrondissement=arrondissement,
        latitude=round(lat, 6),
        longitude=round(lon, 6),
        quartier=get("quartier")[:80],
    )
