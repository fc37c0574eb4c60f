"""Follow-up benchmark: the SLA sweep over a year of fiches, and the cell's queue page.

    .venv/bin/python bench/followup_bench.py [--fiches 200000] [--open 20000]

Uses its own SQLite file (or DATABASE_URL if set, which must point to a scratch database:
it is flushed). Rows are generated with bulk_create, bypassing the services, for speed.
Prints ratios to baselines measured in the same run:

* the sweep vs a single SQL count of the due fiches (target ≤ 5×), and its number of
  queries at half and at full volume (must not grow with the number of fiches);
* the queue page of a cell holding 5,000 open fiches vs a bare query (target ≤ 3×).
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = Path(tempfile.gettempdir()) / "allo_mairie_followup_bench.sqlite3"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{SCRATCH}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allo_mairie.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

TYPES = [  # code, directorate, deadline days
    ("VOI-NID", "amp-voirie", 5),
    ("PRO-DEPOT", "amp-proprete", 2),
    ("ECL-LAMP", "vdm-eclairage", 10),
    ("EV-BANC", "vdm-parcs", 20),
    ("CIR-FEU", "amp-circulation", 3),
    ("EAU-FUITE", "amp-eau", 2),
]


def timed(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def profiled(fn) -> tuple[float, float, int]:
    """Wall time, time spent in SQL, and number of queries of one call."""
    spent = [0.0, 0]

    def measure(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - start
            spent[1] += 1

    start = time.perf_counter()
    with connection.execute_wrapper(measure):
        fn()
    return time.perf_counter() - start, spent[0], spent[1]


def setup_database() -> dict:
    from catalogue.models import Family
    from catalogue.services import TypeData, publish_version
    from organisations.demo import create_organisations, create_users
    from organisations.models import Directorate

    if SCRATCH.exists() and "sqlite" in os.environ["DATABASE_URL"]:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SCRATCH}{suffix}").unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    bodies = create_organisations()
    create_users(bodies)
    family, _ = Family.objects.get_or_create(code="bench", defaults={"label": "Bench"})
    versions = {}
    for code, directorate, days in TYPES:
        versions[code] = publish_version(
            TypeData(
                code=code,
                family=family,
                label=code,
                kind="anomaly",
                directorate=Directorate.objects.select_related("cell", "body").get(code=directorate),
                deadline_amount=days,
                deadline_unit="working_days",
            ),
            effective_from=timezone.now() - timedelta(days=800),
        )
    return versions


def generate(versions: dict, start_index: int, count: int, open_count: int, queue_code: str, now) -> None:
    """``count`` fiches over the last year, ``open_count`` of them open (recent-biased)."""
    from fiches.models import Fiche

    rng = random.Random(start_index)
    codes = list(versions)
    open_idx = set(rng.sample(range(count), open_count))
    batch = []
    for i in range(count):
        is_open = i in open_idx
        age = rng.random() ** (3 if is_open else 1) * 365
        created = now - timedelta(days=age, minutes=rng.randrange(600))
        code = queue_code if is_open and rng.random() < 0.25 else rng.choice(codes)
        v = versions[code]
        days = v.deadline_amount
        due = created + timedelta(days=days * 7 / 5)
        status = (
            rng.choice(["transmitted", "acknowledged", "in_progress", "waiting"]) if is_open else "closed"
        )
        resolved = None if is_open else created + timedelta(days=rng.uniform(0.5, days * 2))
        batch.append(
            Fiche(
                reference=f"BN-{start_index + i:09d}",
                channel="phone",
                kind="anomaly",
                request_type=v,
                street_name="rue de la République",
                postal_code="13002",
                arrondissement=2,
                priority="normal",
                body_id=v.body_id,
                directorate_id=v.directorate_id,
                cell_id=v.cell_id,
                original_body_id=v.body_id,
                status=status,
                created_at=created,
                updated_at=created,
                due_at=due,
                acknowledged_at=None if status == "transmitted" else created + timedelta(hours=2),
                resolved_at=resolved,
                closed_at=resolved,
                was_late=None if is_open else resolved > due,
            )
        )
        if len(batch) == 5000:
            Fiche.objects.bulk_create(batch)
            batch = []
    if batch:
        Fiche.objects.bulk_create(batch)


def bench_sweep(now) -> dict:
    from fiches.models import Fiche
    from followup.models import Alert, ReminderRule
    from followup.sweep import CELL_STATUSES, run_sweep

    def baseline():
        return Fiche.objects.filter(status__in=CELL_STATUSES, due_at__lt=now).count()

    base = timed(baseline)
    Alert.objects.all().delete()
    ReminderRule.objects.update(overdue_upto=None, escalation_upto=None, unack_upto=None, reminder_upto=None)
    outcome = {}
    first = profiled(lambda: outcome.setdefault("first", run_sweep(now=now)))
    steady = [profiled(lambda k=k: run_sweep(now=now + timedelta(minutes=5 * k))) for k in range(1, 6)]
    best = min(steady)
    print(
        f"    due fiches: {baseline()}, first sweep inserted {outcome['first'].total} alerts "
        f"in {outcome['first'].tasks} e-mails"
    )
    return {"base": base, "first": first, "steady": best, "steady_queries": max(q for _w, _s, q in steady)}


def bench_queue(cell_code: str) -> tuple[float, tuple, tuple]:
    from django.contrib.auth import get_user_model

    from fiches.models import Fiche
    from followup import selectors
    from followup.sweep import CELL_STATUSES
    from organisations.models import Cell

    cell = Cell.objects.get(directorate__code=cell_code)
    user = get_user_model().objects.get(username="cellule-voirie")
    open_in_cell = Fiche.objects.filter(cell=cell, status__in=CELL_STATUSES).count()

    def bare():
        return list(
            Fiche.objects.filter(cell=cell, status__in=CELL_STATUSES)
            .order_by("due_at", "id")[:50]
            .values_list("id", "reference", "due_at", "status")
        )

    def queue_sql():
        now = timezone.now()
        base = selectors.queue_base(user)
        selectors.queue_counters(base, now)
        selectors.queue_types(user)
        return selectors.queue_page(base, None)

    client = Client()
    client.force_login(user)

    def page():
        response = client.get("/suivi/")
        assert response.status_code == 200, response.status_code

    page()
    queue_sql()
    print(f"    open fiches in the cell: {open_in_cell}")
    best_sql = min(profiled(queue_sql) for _ in range(5))
    best_page = min(profiled(page) for _ in range(5))
    return timed(bare), best_sql, best_page


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fiches", type=int, default=200_000)
    parser.add_argument("--open", type=int, default=20_000)
    args = parser.parse_args()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False
    print(f"followup bench on {connection.vendor}")
    versions = setup_database()
    now = timezone.now()
    half, open_half = args.fiches // 2, args.open // 2
    t0 = time.perf_counter()
    generate(versions, 0, half, open_half, "VOI-NID", now)
    print(f"  generated {half} fiches in {time.perf_counter() - t0:.1f}s")
    results = {"half": bench_sweep(now)}
    generate(versions, half, args.fiches - half, args.open - open_half, "VOI-NID", now)
    print(f"  generated {args.fiches} fiches in total")
    results["full"] = bench_sweep(now)
    for label, r in results.items():
        base, (first, first_sql, q_first), (steady, steady_sql, _q) = r["base"], r["first"], r["steady"]
        print(
            f"  sweep [{label}]: count of due fiches {base * 1000:.1f} ms\n"
            f"    first sweep (whole backlog): {first * 1000:.0f} ms = {first / base:.0f}x, "
            f"of which SQL {first_sql * 1000:.0f} ms = {first_sql / base:.0f}x, {q_first} queries\n"
            f"    steady sweep (every 5 min): {steady * 1000:.1f} ms = {steady / base:.1f}x, "
            f"of which SQL {steady_sql * 1000:.1f} ms = {steady_sql / base:.1f}x (target <= 5x), "
            f"at most {r['steady_queries']} queries"
        )
    print(
        "  sweep queries half -> full volume: "
        f"first {results['half']['first'][2]} -> {results['full']['first'][2]}, "
        f"steady {results['half']['steady_queries']} -> {results['full']['steady_queries']}"
    )
    bare, (sql_wall, sql_sql, _q), (page_wall, page_sql, page_queries) = bench_queue("amp-voirie")
    print(
        f"  queue: bare query {bare * 1000:.1f} ms\n"
        f"    queue selectors (counters, types, page): {sql_wall * 1000:.1f} ms = {sql_wall / bare:.1f}x, "
        f"of which SQL {sql_sql * 1000:.1f} ms = {sql_sql / bare:.1f}x (target <= 3x)\n"
        f"    full page (middleware, session, templates): {page_wall * 1000:.1f} ms = "
        f"{page_wall / bare:.1f}x, of which SQL {page_sql * 1000:.1f} ms = {page_sql / bare:.1f}x; "
        f"{page_queries} queries"
    )


if __name__ == "__main__":
    main()
