"""Benchmark of the address reference and of duplicates by place.

    .venv/bin/python bench/places_bench.py          # SQLite (/tmp/allo-mairie-bench-places.sqlite3)
    .venv/bin/python bench/places_bench.py --fiches 200000 1000000  # one year of fiches, then five
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/allo_bench .venv/bin/python bench/places_bench.py

Generates a BAN-layout file of about 600,000 addresses (the size of the whole Bouches-du-Rhône
file) and measures, in one run:
* the import (lines per second, and the ratio to a bare read of the same CSV);
* the type-ahead (its page, /adresses/recherche/) against a bare view running the indexed SQL
  query it is built on (target: within 3×, and under 50 ms at the median);
* the duplicates by place at 200,000 fiches (the intake's /fiches/nouvelle/doublons/) against a
  bare view running its SQL (target: within 3×).

With several ``--fiches`` sizes, the first is the most recent year (generated) and each next
size adds the years before it (copies, all closed: bench/common.top_up); the type-ahead and
the duplicates are measured at each size and printed side by side with the growth (target:
the last size within 1.3× the first). The addresses are imported once.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from common import at_each_size, median_ms, record, setup_django, side_by_side, size_arguments, staff_client

HEADER = [
    "id", "id_fantoir", "numero", "rep", "nom_voie", "code_postal", "code_insee", "nom_commune",
    "code_insee_ancienne_commune", "nom_ancienne_commune", "x", "y", "lon", "lat", "type_position",
    "alias", "nom_ld", "libelle_acheminement", "nom_afnor", "source_position", "source_nom_voie",
    "certification_commune", "cad_parcelles",
]  # fmt: skip
KINDS = ["Rue", "Boulevard", "Avenue", "Chemin", "Traverse", "Impasse", "Allée", "Place", "Montée", "Cours"]
NAMES = [
    "Longchamp", "Saint-Ferréol", "Paradis", "de Rome", "du Prado", "Sainte", "Breteuil", "Grignan",
    "de la Joliette", "des Dominicains", "Félix-Pyat", "Jean-Jaurès", "Baille", "Chave", "Sakakini",
    "de la Corderie", "d'Endoume", "du Rouet", "Michelet", "Mazargues", "de la Valbarelle", "des Caillols",
    "de Saint-Just", "de Château-Gombert", "des Olives", "de la Rose", "de Sainte-Marthe", "de l'Estaque",
    "du Merlan", "de Saint-Loup", "de la Pomme", "de Bonneveine", "de la Pointe-Rouge", "des Goudes",
]  # fmt: skip
PERSONS = [
    "Général Leclerc", "Maréchal Foch", "Docteur Escat", "Président Wilson", "Jean Moulin",
    "Marius Jauffret", "Frédéric Mistral", "Edmond Rostand", "Louis Armand", "Pierre Brossolette",
    "Antoine Maille", "Honorat", "Léon Bancal", "Paul Peytral", "Emile Zola", "Victor Hugo",
]  # fmt: skip


def street_names(rng: random.Random, count: int) -> list[str]:
    names = {"Boulevard Longchamp"}
    while len(names) < count:
        kind = rng.choice(KINDS)
        base = rng.choice(NAMES + PERSONS)
        suffix = rng.choice(["", "", "", " Prolongée", f" {rng.randint(1, 40)}", " Haute", " Basse"])
        names.add(f"{kind} {base}{suffix}")
    return sorted(names)


def generate(path: Path, addresses: int, seed: int = 13) -> list[tuple[str, int]]:
    """A BAN-layout file; returns (street name, a number on it) samples for the queries."""
    rng = random.Random(seed)
    streets = street_names(rng, addresses // 50)
    samples: list[tuple[str, int]] = []
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        written = 0
        for index, name in enumerate(streets):
            arrondissement = rng.randint(1, 16)
            insee, postal = f"132{arrondissement:02d}", f"130{arrondissement:02d}"
            lat, lon = rng.uniform(43.22, 43.39), rng.uniform(5.33, 5.50)
            dlat, dlon = rng.uniform(-1e-4, 1e-4), rng.uniform(-1e-4, 1e-4)
            numbers = 50 if written + 50 <= addresses else max(addresses - written, 0)
            for number in range(1, numbers + 1):
                rep = "bis" if number % 17 == 0 else ""
                writer.writerow([
                    f"{insee}_{index:05d}_{number:05d}{'_' + rep if rep else ''}", f"{insee}_{index:04d}",
                    number, rep, name, postal, insee, f"Marseille {arrondissement}e Arrondissement", "", "",
                    "", "", f"{lon + number * dlon:.6f}", f"{lat + number * dlat:.6f}", "entrée", "", "",
                    "MARSEILLE", name.upper(), "commune", "commune", "1", "",
                ])  # fmt: skip
            written += numbers
            if rng.random() < 0.05:
                samples.append((name, rng.randint(1, 50)))
    return samples


def bare_csv_read(path: Path) -> int:
    with open(path, encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle, delimiter=";"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--addresses", type=int, default=600_000)
    size_arguments(parser, repeat=60)
    args = parser.parse_args()
    setup_django(default_db="sqlite:////tmp/allo-mairie-bench-places.sqlite3", urlconf="bench.urls")

    from django.contrib.auth import get_user_model
    from django.db import connection

    from catalogue.demo import load_demo_nomenclature
    from fiches.models import OPEN_STATUSES, Fiche
    from organisations.demo import create_organisations, create_users
    from places.selectors import local_search
    from places.services import import_release

    path = Path(tempfile.gettempdir()) / f"allo-mairie-bench-adresses-{args.addresses}.csv"
    samples = generate(path, args.addresses)
    print(f"database: {connection.vendor}; file: {path} ({path.stat().st_size // 1_000_000} MB)")

    started = time.perf_counter()
    lines = bare_csv_read(path) - 1
    bare_read = time.perf_counter() - started
    started = time.perf_counter()
    result = import_release(path)
    imported = time.perf_counter() - started
    rate = result.lines / imported
    print(
        f"import: {result.addresses} addresses, {result.streets} streets in {imported:.1f} s "
        f"({rate:,.0f} lines/s); bare CSV read of {lines} lines {bare_read:.2f} s "
        f"(ratio {imported / bare_read:.1f}×, informative)"
    )
    record("import (s, informative)", imported, bare_read, float("inf"), unit="s")

    bodies = create_organisations()
    create_users(bodies)
    load_demo_nomenclature()
    client = staff_client(get_user_model().objects.get(username="agent"))

    def cycle(items: list) -> Iterator:
        return iter(items * (args.repeat * 4 // max(len(items), 1) + 4))

    def get(url: str, params: dict) -> None:
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code

    rng = random.Random(7)
    typed = [f"{number} {name}" for name, number in samples] + ["14 bd Longchamp", "bd longchamp 14"]
    rng.shuffle(typed)
    sizes = sorted(args.fiches)
    measured: dict[int, dict[str, tuple[float, float]]] = {}
    for size in at_each_size(args):
        print(f"  measured at {Fiche.objects.count()} fiches:", flush=True)
        queries, bare_queries = cycle(typed), cycle(typed)
        base_search = median_ms(
            lambda q=bare_queries: get("/bench/bare-address-search/", {"address_query": next(q)}), args.repeat
        )
        page_search = median_ms(
            lambda q=queries: get("/adresses/recherche/", {"address_query": next(q)}), args.repeat
        )
        in_python = cycle(typed)
        selector_search = median_ms(lambda q=in_python: local_search(next(q), 8), args.repeat)
        points = [
            {"latitude": lat, "longitude": lon, "request_type": code}
            for lat, lon, code in Fiche.objects.exclude(latitude=None)
            .filter(status__in=OPEN_STATUSES)
            .order_by("?")
            .values_list("latitude", "longitude", "request_type__request_type__code")[:200]
        ]
        near, bare_near = cycle(points), cycle(points)
        base_near = median_ms(lambda p=bare_near: get("/bench/bare-duplicates/", next(p)), args.repeat)
        page_near = median_ms(lambda p=near: get("/fiches/nouvelle/doublons/", next(p)), args.repeat)
        measured[size] = {
            "address search (type-ahead)": (page_search, base_search),
            "duplicates by place": (page_near, base_near),
        }
        for name, (page, base) in measured[size].items():
            print(f"    {name:<34}{page:10.1f} ms   bare {base:8.1f} ms   {page / base:6.2f}×", flush=True)
        print(f"    address search, the selector alone {selector_search:.1f} ms", flush=True)

    ok = side_by_side(measured, {"address search (type-ahead)": 3, "duplicates by place": 3})
    for size in sizes:
        page_search = measured[size]["address search (type-ahead)"][0]
        under = page_search < 50
        ok &= under
        print(f"address search median at {size:,} fiches: {page_search:.1f} ms (page): "
              f"{'under' if under else 'OVER'} 50 ms")  # fmt: skip
    print(f"import: {rate:,.0f} lines/s, {imported / bare_read:.1f}× a bare CSV read")
    print("\nall targets met" if ok else "\nsome targets missed")


if __name__ == "__main__":
    main()
