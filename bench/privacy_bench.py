"""Retention sweep benchmark: a year of closed fiches (200,000) past the one-year rule, with
their callers, timelines and survey answers. Measures the whole governed run (the elimination
list proposed, the visa, the anonymisation in batches) in fiches per second, against a bare
``UPDATE`` of the same fiche rows in batches of the same size, in the same run (rolled back).

    .venv/bin/python bench/privacy_bench.py [--fiches 200000] [--batch 2000]
    .venv/bin/python bench/privacy_bench.py --fiches 200000 1000000  # one year, then five
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/privacy_bench .venv/bin/python bench/privacy_bench.py

Uses its own SQLite file (or DATABASE_URL if set, which must point to a scratch database:
it is flushed). Rows are generated with bulk_create. Target: the sweep within 25× of the
bare UPDATE (it also writes the list, the markers, the callers, timelines and answers).

With several ``--fiches`` sizes, each size is a fresh database: the year past the rule (the
first size: the fiches the sweep processes, as above) and the years before it until there
are that many fiches. A city keeping five years ran a sweep every year: the older years were
already anonymised by the earlier sweeps (copies of the year moved back one year at a time,
thinned by ``--growth``, anonymised as the sweep leaves them: no caller, no free text, the
street number gone, coordinates rounded, each marked as an ``AnonymisedFiche``), so only the
year past the rule is to be processed, at every size. The sweep must not grow with the years
kept (target: the last size within 1.3× the first, as well as 25× the bare UPDATE).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import add_years, settle, setup_django, side_by_side, size_arguments  # noqa: E402

SCRATCH = Path(tempfile.gettempdir()) / "allo_mairie_privacy_bench.sqlite3"


def setup_database():
    from django.core.management import call_command

    from catalogue.models import Family
    from catalogue.services import TypeData, publish_version
    from organisations.demo import create_organisations, create_users
    from organisations.models import Directorate

    call_command("flush", interactive=False, verbosity=0)
    create_users(create_organisations())
    family, _ = Family.objects.get_or_create(code="bench", defaults={"label": "Bench"})
    from django.utils import timezone

    return publish_version(
        TypeData(
            code="VOI-NID",
            family=family,
            label="Nid-de-poule",
            kind="anomaly",
            directorate=Directorate.objects.select_related("cell", "body").get(code="amp-voirie"),
            deadline_amount=5,
            deadline_unit="working_days",
        ),
        effective_from=timezone.now() - timedelta(days=900),
    )


def generate(version, count: int) -> None:
    from django.utils import timezone

    from fiches.models import Event, Fiche, Requester
    from portal.models import SurveyAnswer

    rng = random.Random(2026)
    now = timezone.now()
    people = Requester.objects.bulk_create(
        [
            Requester(
                last_name=f"Nom{i}",
                first_name="Prénom",
                phone=f"06 {i % 100:02d} {i // 100 % 100:02d} 00 00",
                phone_digits=f"06{i:08d}",
                email=f"p{i}@example.org",
                address=f"{i % 150} rue Paradis",
                search_name=f"nom{i} prenom",
            )
            for i in range(count // 2)
        ],
        batch_size=5000,
    )
    for start in range(0, count, 5000):
        fiches = []
        for i in range(start, min(start + 5000, count)):
            ended = now - timedelta(days=400 + rng.randrange(330))
            created = ended - timedelta(days=rng.uniform(1, 10))
            fiches.append(
                Fiche(
                    reference=f"BN-{i:09d}",
                    channel="phone",
                    kind="anomaly",
                    request_type=version,
                    description=f"Signalé par Nom{i // 2}, rappeler au 06 00 00 00 00.",
                    street_number=str(i % 150),
                    street_name="rue Paradis",
                    postal_code="13006",
                    arrondissement=6,
                    latitude=43.28 + rng.random() / 100,
                    longitude=5.37 + rng.random() / 100,
                    requester=people[i // 2],
                    priority="normal",
                    body_id=version.body_id,
                    directorate_id=version.directorate_id,
                    cell_id=version.cell_id,
                    original_body_id=version.body_id,
                    status="closed",
                    created_at=created,
                    updated_at=ended,
                    cycle_started_at=created,
                    resolved_at=ended,
                    closed_at=ended,
                    outcome="Réparé.",
                )
            )
        Fiche.objects.bulk_create(fiches)
        Event.objects.bulk_create(
            [Event(fiche=f, at=f.created_at, kind="created", to_status="new") for f in fiches]
            + [
                Event(fiche=f, at=f.closed_at, kind="transition", action="resolve", comment=f.outcome)
                for f in fiches
            ]
        )
        SurveyAnswer.objects.bulk_create(
            [SurveyAnswer(fiche=f, score=4, comment="Merci") for f in fiches if rng.random() < 0.1]
        )


def anonymised_copies() -> dict[str, str]:
    """The columns of the older years' copies as the sweep left them (privacy.anonymise)."""
    from django.db import connection

    def rounded(column: str) -> str:
        if connection.vendor == "postgresql":
            return f"CAST(ROUND(CAST({column} AS NUMERIC), 3) AS DOUBLE PRECISION)"
        return f"ROUND({column}, 3)"

    return {
        "requester_id": "NULL",
        "description": "''",
        "outcome": "''",
        "answers": "'{}'",
        "street_number": "''",
        "address_key": "''",
        "latitude": rounded("latitude"),
        "longitude": rounded("longitude"),
    }


def build(size: int, year: int, growth: float) -> list[int]:
    """A fresh database: the year past the rule (``year`` fiches), then the older years,
    already anonymised, until there are ``size`` fiches. Returns the year's fiche ids."""
    from django.utils import timezone

    from fiches.models import Fiche
    from privacy.anonymise import insert_from
    from privacy.models import AnonymisedFiche, Reason

    t0 = time.perf_counter()
    generate(setup_database(), year)
    ids = list(Fiche.objects.order_by("pk").values_list("pk", flat=True))
    print(f"  generated the year past the rule ({year} closed fiches) in {time.perf_counter() - t0:.1f}s")
    if size > year:
        t0 = time.perf_counter()
        add_years(size, growth, anonymised_copies())
        older = Fiche.objects.filter(pk__gt=ids[-1]).order_by().values("pk")
        marked = insert_from(
            AnonymisedFiche, {"at": timezone.now(), "reason": Reason.RETENTION}, "fiche_id", older
        )
        print(f"  added {marked} older fiches, anonymised, in {time.perf_counter() - t0:.1f}s")
    settle()
    return ids


def measure(ids: list[int], batch: int) -> tuple[float, float]:
    """(the governed sweep, the bare UPDATE of the same fiches in batches, rolled back), ms."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from fiches.models import Fiche
    from privacy import sweep

    with transaction.atomic():
        started = time.perf_counter()
        for start in range(0, len(ids), batch):
            Fiche.objects.filter(pk__in=ids[start : start + batch]).update(
                requester=None, description="", outcome="", street_number="", address_key=""
            )
        bare = (time.perf_counter() - started) * 1000
        transaction.set_rollback(True)

    admin = get_user_model().objects.get(username="admin")
    started = time.perf_counter()
    listing = sweep.propose(sweep.rules.cutoff("fiche"))
    proposed = time.perf_counter() - started
    sweep.approve(listing, admin, "BENCH-1", timezone.localdate())
    done = sweep.carry_out(listing)
    measured = (time.perf_counter() - started) * 1000
    assert done == len(ids) == listing.total, (done, len(ids), listing.total)
    print(f"  list proposed in {proposed:.1f}s; {done} fiches anonymised")
    rate, bare_rate = done / (measured / 1000), done / (bare / 1000)
    print(f"  sweep: {rate:,.0f} fiches/s; bare UPDATE: {bare_rate:,.0f} fiches/s", flush=True)
    return measured, bare


def main() -> None:
    parser = argparse.ArgumentParser()
    size_arguments(parser)
    parser.add_argument("--batch", type=int, default=2000)
    args = parser.parse_args()
    setup_django(default_db=f"sqlite:///{SCRATCH}")

    from django.conf import settings
    from django.db import connection

    from fiches.models import Fiche

    settings.PRIVACY_SWEEP_BATCH = args.batch
    print(f"privacy bench on {connection.vendor} ({os.environ['DATABASE_URL'].split('@')[-1]})")
    sizes = sorted(args.fiches)
    measured = {}
    for size in sizes:
        ids = build(size, sizes[0], args.growth)
        print(f"  measured at {Fiche.objects.count()} fiches:", flush=True)
        measured[size] = {f"retention sweep, {sizes[0]} fiches": measure(ids, args.batch)}
    ok = side_by_side(measured, {f"retention sweep, {sizes[0]} fiches": 25})
    print("\nall targets met" if ok else "\nsome targets missed")


if __name__ == "__main__":
    main()
