"""Benchmark of the address reference and of duplicates by place.

    .venv/bin/python bench/places_bench.py          # SQLite (/tmp/allo-mairie-bench-places.sqlite3)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/allo_bench .venv/bin/python bench/places_bench.py

Generates a BAN-layout file of about 600,000 addresses (the size of the whole Bouches-du-Rhône
file) and measures, in one run:
* the import (lines per second, and the ratio to a bare read of the same CSV);
* the type-ahead search against the bare indexed SQL query it is built on (target: within 3×,
  and under 50 ms at the median);
* the search for duplicates by place at 200,000 fiches against its bare SQL (target: within 3×).
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from datetime import timedelta
from pathlib import Path

from common import median_ms, record, report, setup_django

HEADER = (
    "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;"
    "nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;"
    "source_position;source_nom_voie;certification_commune;cad_parcelles"
).split(";")
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
    parser.add_argument("--fiches", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=60)
    args = parser.parse_args()
    setup_django(default_db="sqlite:////tmp/allo-mairie-bench-places.sqlite3")

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from catalogue.demo import load_demo_nomenclature
    from catalogue.models import Family
    from fiches.demo import generate_fiches
    from fiches.models import OPEN_STATUSES, Fiche
    from fiches.selectors import nearby_open_fiches
    from organisations.demo import create_organisations, create_users
    from places.geo import bounding_box
    from places.selectors import local_search
    from places.services import import_release
    from places.text import WORD_LENGTH, parse_query

    path = Path(f"/tmp/allo-mairie-bench-adresses-{args.addresses}.csv")
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

    rng = random.Random(7)
    typed = [f"{number} {name}" for name, number in samples] + ["14 bd Longchamp", "bd longchamp 14"]
    rng.shuffle(typed)
    queries = iter(typed * (args.repeat * 4 // len(typed) + 4))
    bare_queries = iter(typed * (args.repeat * 4 // len(typed) + 4))

    def search() -> None:
        local_search(next(queries), 8)

    def bare_search() -> None:
        query = parse_query(next(bare_queries))
        conditions = " ".join(
            "AND a.street_id IN (SELECT street_id FROM places_streetword WHERE word >= %s AND word <= %s)"
            for _ in query.words
        )
        params: list = [query.number]
        for word in query.words:
            params += [word, word + "Z" * (WORD_LENGTH - len(word))]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.id, a.number, a.repetition, a.latitude, a.longitude, s.name, s.postal_code "
                "FROM places_address a JOIN places_street s ON s.id = a.street_id "
                f"WHERE a.number = %s {conditions} LIMIT 8",
                params,
            )
            cursor.fetchall()

    base_search = median_ms(bare_search, args.repeat)
    page_search = median_ms(search, args.repeat)

    bodies = create_organisations()
    create_users(bodies)
    load_demo_nomenclature()
    have = Fiche.objects.count()
    if have < args.fiches:
        started = time.monotonic()
        agents = list(get_user_model().objects.filter(username__in=["agent", "agent2"]))
        made = generate_fiches(args.fiches - have, agents=agents, seed=have + 1, with_events=False)
        print(f"generated {made} fiches in {time.monotonic() - started:.0f} s")
    print(f"{Fiche.objects.count()} fiches")
    agent = get_user_model().objects.get(username="agent")
    points = list(
        Fiche.objects.exclude(latitude=None)
        .order_by("?")
        .values_list("latitude", "longitude", "request_type__request_type__code")[:200]
    )
    families = {
        code: family
        for code, family in Family.objects.filter(types__code__in={p[2] for p in points}).values_list(
            "types__code", "id"
        )
    }
    radius = {f.pk: (f.duplicate_radius_m, f.duplicate_window_days) for f in Family.objects.all()}
    near = iter(points * (args.repeat * 4 // len(points) + 4))
    bare_near = iter(points * (args.repeat * 4 // len(points) + 4))

    def duplicates() -> None:
        lat, lon, code = next(near)
        nearby_open_fiches(agent, type_code=code, latitude=lat, longitude=lon)

    def bare_duplicates() -> None:
        lat, lon, code = next(bare_near)
        family = families[code]
        metres, days = radius[family]
        south, north, west, east = bounding_box(lat, lon, metres)
        statuses = ", ".join(["%s"] * len(OPEN_STATUSES))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT f.id, f.reference, f.latitude, f.longitude FROM fiches_fiche f "
                "JOIN catalogue_requesttypeversion v ON v.id = f.request_type_id "
                "JOIN catalogue_requesttype t ON t.id = v.request_type_id "
                f"WHERE f.status IN ({statuses}) AND t.family_id = %s AND f.created_at >= %s "
                "AND f.latitude BETWEEN %s AND %s AND f.longitude BETWEEN %s AND %s LIMIT 500",
                [*OPEN_STATUSES, family, timezone.now() - timedelta(days=days), south, north, west, east],
            )
            cursor.fetchall()

    base_near = median_ms(bare_duplicates, args.repeat)
    page_near = median_ms(duplicates, args.repeat)

    print()
    ok = report("address search (type-ahead)", page_search, base_search, 3)
    under = page_search < 50
    print(f"address search median {page_search:.1f} ms: {'under' if under else 'OVER'} 50 ms")
    ok &= under
    ok &= report("duplicates by place", page_near, base_near, 3)
    print(f"import: {rate:,.0f} lines/s, {imported / bare_read:.1f}× a bare CSV read")
    print("\nall targets met" if ok else "\nsome targets missed")


if __name__ == "__main__":
    main()
