"""Allocation key benchmark: the key of a convention year of fiches against the bare
``COUNT … GROUP BY`` of the same fiches, in one run.

    .venv/bin/python bench/finance_bench.py [--fiches 200000] [--repeat 20]
    .venv/bin/python bench/finance_bench.py --fiches 200000 1000000  # one year, then five
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finance_bench .venv/bin/python bench/finance_bench.py

Uses its own SQLite file (or DATABASE_URL if set, which must point to a scratch database:
it is flushed). Rows are generated with bulk_create, bypassing the services, for speed:
a year of fiches of both bodies, about 3 % duplicates, 2 % rejected, 10 % information
requests answered at once, 1 % re-routed. Target: ``finance.services.compute_key`` (the
counting rule's single query, plus storing the key) within 2× of the bare query.

With several ``--fiches`` sizes, the first is the convention year (generated as above: the
fiches of each body over the year); each next size adds the years before it, copies of
that year moved back one year at a time and thinned by ``--growth`` (bench/common.add_years:
the same bodies, types and statuses, the same share of duplicates, rejections, information
answered at once and re-routings), and the key of the same convention year is measured
again: the years kept before it must not slow it (target: the last size within 1.3× the
first).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import add_years, median_ms, settle, setup_django, side_by_side, size_arguments  # noqa: E402

SCRATCH = Path(tempfile.gettempdir()) / "allo_mairie_finance_bench.sqlite3"
TYPES = [  # code, directorate, kind
    ("VOI-NID", "amp-voirie", "anomaly"),
    ("PRO-DEPOT", "amp-proprete", "anomaly"),
    ("ECL-LAMP", "vdm-eclairage", "anomaly"),
    ("EV-BANC", "vdm-parcs", "anomaly"),
    ("INF-ETATCIVIL", "vdm-relation", "information"),
]
YEAR_START = datetime(2025, 3, 1, tzinfo=ZoneInfo("Europe/Paris"))


def setup_database() -> dict:
    from django.core.management import call_command

    from agreements.demo import create_demo_agreement
    from catalogue.models import Family
    from catalogue.services import TypeData, publish_version
    from organisations.demo import create_organisations, create_users
    from organisations.models import Directorate

    call_command("flush", interactive=False, verbosity=0)
    bodies = create_organisations()
    create_users(bodies)
    create_demo_agreement(bodies)
    family, _ = Family.objects.get_or_create(code="bench", defaults={"label": "Bench"})
    return {
        code: publish_version(
            TypeData(
                code=code,
                family=family,
                label=code,
                kind=kind,
                directorate=Directorate.objects.select_related("cell", "body").get(code=directorate),
                deadline_amount=5,
                deadline_unit="working_days",
            ),
            effective_from=YEAR_START - timedelta(days=30),
        )
        for code, directorate, kind in TYPES
    }


def generate(versions: dict, count: int) -> None:
    """The fiches are written in the order they were created, as the intake writes them
    (ids ascending with creation time)."""
    from fiches.models import Fiche

    rng = random.Random(2026)
    anomalies = [v for v in versions.values() if v.kind == "anomaly"]
    information = versions["INF-ETATCIVIL"]
    drawn = []
    for _ in range(count):
        created = YEAR_START + timedelta(seconds=rng.randrange(365 * 86400))
        v = information if rng.random() < 0.10 else rng.choice(anomalies)
        original = v
        if v.kind == "anomaly" and rng.random() < 0.01:
            original = rng.choice(anomalies)  # re-routed from another type
        roll = rng.random()
        status = "closed"
        if v.kind == "anomaly" and roll < 0.03:
            status = "duplicate"
        elif v.kind == "anomaly" and roll < 0.05:
            status = "rejected"
        resolved = created if v.kind == "information" else created + timedelta(days=rng.uniform(1, 10))
        drawn.append((created, v, original, status, resolved))
    drawn.sort(key=lambda row: row[0])
    batch = []
    for i, (created, v, original, status, resolved) in enumerate(drawn):
        batch.append(
            Fiche(
                reference=f"BN-{i:09d}",
                channel="phone",
                kind=v.kind,
                request_type=v,
                street_name="rue de la République",
                postal_code="13002",
                priority="normal",
                body_id=v.body_id,
                directorate_id=v.directorate_id,
                cell_id=v.cell_id,
                original_body_id=original.body_id,
                status=status,
                created_at=created,
                updated_at=created,
                cycle_started_at=created,
                resolved_at=resolved,
                closed_at=resolved,
            )
        )
        if len(batch) == 5000:
            Fiche.objects.bulk_create(batch)
            batch = []
    if batch:
        Fiche.objects.bulk_create(batch)
    first = Fiche.objects.order_by("id").values_list("id", flat=True).first()
    Fiche.objects.filter(status="duplicate").update(duplicate_of_id=first)


def main() -> None:
    parser = argparse.ArgumentParser()
    size_arguments(parser, repeat=20)
    args = parser.parse_args()
    setup_django(default_db=f"sqlite:///{SCRATCH}")

    from django.db import connection
    from django.db.models import Count

    from agreements.models import Agreement
    from fiches.models import Fiche
    from finance import services
    from finance.selectors import _bounds

    print(f"finance bench on {connection.vendor} ({os.environ['DATABASE_URL'].split('@')[-1]})")
    sizes = sorted(args.fiches)
    versions = setup_database()
    t0 = time.perf_counter()
    generate(versions, sizes[0])
    settle()
    print(f"  generated {sizes[0]} fiches in {time.perf_counter() - t0:.1f}s")
    agreement = Agreement.objects.get()
    low, high = _bounds(date(2025, 3, 1), date(2026, 2, 28))

    def bare() -> list:
        return list(
            Fiche.objects.filter(created_at__gte=low, created_at__lt=high)
            .values("body_id")
            .annotate(n=Count("id"))
        )

    measured = {}
    for size in sizes:
        add_years(size, args.growth)
        base = median_ms(bare, args.repeat)
        key_ms = median_ms(lambda: services.compute_key(agreement, 1), args.repeat)
        key = services.compute_key(agreement, 1)
        print(
            f"  at {Fiche.objects.count()} fiches: key {key_ms:.1f} ms, "
            f"bare {base:.1f} ms, {key_ms / base:.2f}×"
        )
        print(f"    key: {key.numerator} / {key.denominator} = {key.key.percent} % (bare count: {bare()})")
        measured[size] = {"allocation key, a year of fiches": (key_ms, base)}
    ok = side_by_side(measured, {"allocation key, a year of fiches": 2})
    print("\nall targets met" if ok else "\nsome targets missed")


if __name__ == "__main__":
    main()
