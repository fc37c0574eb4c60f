"""Follow-up benchmark: the SLA sweep over a year of fiches, and the cell's queue page.

    .venv/bin/python bench/followup_bench.py [--fiches 200000] [--open 20000] [--profile]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/followup_bench .venv/bin/python bench/followup_bench.py

Uses its own SQLite file (or DATABASE_URL if set, which must point to a scratch database:
it is flushed). Rows are generated with bulk_create, bypassing the services, for speed.
Prints ratios to baselines measured in the same run:

* the steady sweep (every 5 minutes) vs a single ``SELECT COUNT(*)`` of the due fiches
  (target ≤ 5×), and its number of queries at half and at full volume (must not grow
  with the number of fiches);
* the queue page of a cell holding about 5,000 open fiches vs a bare Django view doing
  the equivalent single SQL query for the same page of rows, both requested through the
  same test Client and middleware, as ``bench/fiches_bench.py`` does (target ≤ 3×).

``--profile`` prints the cProfile top functions of the queue page and of a steady sweep.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median_ms, report, settle, setup_django, staff_client  # noqa: E402

SCRATCH = Path(tempfile.gettempdir()) / "allo_mairie_followup_bench.sqlite3"

TYPES = [  # code, directorate, deadline days
    ("VOI-NID", "amp-voirie", 5),
    ("PRO-DEPOT", "amp-proprete", 2),
    ("ECL-LAMP", "vdm-eclairage", 10),
    ("EV-BANC", "vdm-parcs", 20),
    ("CIR-FEU", "amp-circulation", 3),
    ("EAU-FUITE", "amp-eau", 2),
]
QUEUE_USER = "cellule-voirie"
QUEUE_DIRECTORATE = "amp-voirie"
QUEUE_CELL = [0]  # the cell's id, set once the data exists


def bare_queue(request):
    """The minimal equivalent of the queue page: one SQL query for the same 50 rows."""
    from django.http import JsonResponse

    from fiches.models import Fiche
    from followup.sweep import CELL_STATUSES

    rows = [
        (f.reference, f.request_type.label, f.status, f.due_at.isoformat())
        for f in Fiche.objects.select_related("request_type")
        .filter(cell_id=QUEUE_CELL[0], status__in=CELL_STATUSES)
        .order_by("due_at", "id")[:51]
    ]
    return JsonResponse({"rows": rows})


def install_urls() -> None:
    """This module is the URLconf: the project's URLs plus the bare baseline view."""
    from django.urls import include, path

    globals()["urlpatterns"] = [
        path("bench/bare-queue/", bare_queue),
        path("", include("allo_mairie.urls")),
    ]


def profiled(fn) -> tuple[float, float, int]:
    """Wall time, time spent in SQL, and number of queries of one call."""
    from django.db import connection

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


def show_profile(label: str, fn, repeat: int = 5) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        fn()
    profiler.disable()
    print(f"\n--- cProfile: {label} ({repeat} runs), top 25 by cumulative time")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def setup_database() -> dict:
    from django.core.management import call_command
    from django.utils import timezone

    from catalogue.models import Family
    from catalogue.services import TypeData, publish_version
    from organisations.demo import create_organisations, create_users
    from organisations.models import Directorate

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
                cycle_started_at=created,
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


def working_now():
    """10:00 on the last day every body works, today or before: the sweep leaves a body alone
    on a day it is closed, so run on a weekend it would measure nothing."""
    from datetime import datetime
    from datetime import time as clock

    from django.utils import timezone

    from organisations.models import Body

    calendars = [body.calendar() for body in Body.objects.all()]
    day = timezone.localdate()
    while not all(calendar.is_open(day) for calendar in calendars):
        day -= timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, clock(10)))


def analyze() -> None:
    """The database settled after a bulk load (common.settle)."""
    settle()


def bench_sweep(now, repeat: int) -> dict:
    from fiches.models import Fiche
    from followup.models import Alert, ReminderRule
    from followup.sweep import CELL_STATUSES, run_sweep

    def baseline():
        return Fiche.objects.filter(status__in=CELL_STATUSES, due_at__lt=now).count()

    base = median_ms(baseline, repeat)
    Alert.objects.all().delete()
    reset = {  # every sweep mark (watermarks, cycle and id marks), whatever the version
        f.name: None
        for f in ReminderRule._meta.concrete_fields
        if f.name.endswith(("_upto", "_seen", "_seen_at"))
    }
    if reset:
        ReminderRule.objects.update(**reset)
    outcome = {}
    first = profiled(lambda: outcome.setdefault("first", run_sweep(now=now)))
    steady = [
        profiled(lambda k=k: run_sweep(now=now + timedelta(minutes=5 * k))) for k in range(1, repeat + 1)
    ]
    steady.sort()
    median = steady[len(steady) // 2]
    print(
        f"    due fiches: {baseline()}, first sweep inserted {outcome['first'].total} alerts "
        f"in {outcome['first'].tasks} tasks"
    )
    return {
        "base": base,
        "first": first,
        "steady": median,
        "steady_queries": max(q for _w, _s, q in steady),
        "next": now + timedelta(minutes=5 * (repeat + 1)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fiches", type=int, default=200_000)
    parser.add_argument("--open", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    setup_django(default_db=f"sqlite:///{SCRATCH}", urlconf="__main__")
    install_urls()

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection

    from fiches.models import Fiche
    from followup.sweep import CELL_STATUSES, run_sweep

    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # As in production: the sweep enqueues its tasks in the database (django_tasks_db),
    # a worker sends the e-mails; sending inline would measure SMTP, not the sweep.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SECURE_SSL_REDIRECT = False
    from followup.tasks import send_cell_alerts

    print(
        f"followup bench on {connection.vendor} ({os.environ['DATABASE_URL'].split('@')[-1]}), "
        f"tasks: {type(send_cell_alerts.get_backend()).__name__}"
    )
    versions = setup_database()
    now = working_now()
    half, open_half = args.fiches // 2, args.open // 2
    t0 = time.perf_counter()
    generate(versions, 0, half, open_half, "VOI-NID", now)
    analyze()
    print(f"  generated {half} fiches in {time.perf_counter() - t0:.1f}s")
    results = {"half": bench_sweep(now, args.repeat)}
    generate(versions, half, args.fiches - half, args.open - open_half, "VOI-NID", now)
    analyze()
    print(f"  generated {args.fiches} fiches in total")
    results["full"] = bench_sweep(now, args.repeat)
    ok = True
    for label, r in results.items():
        first, first_sql, q_first = r["first"]
        steady, steady_sql, _q = r["steady"]
        print(
            f"  sweep [{label}]: first sweep (whole backlog) {first * 1000:.0f} ms "
            f"(SQL {first_sql * 1000:.0f} ms, {q_first} queries); steady sweep SQL "
            f"{steady_sql * 1000:.1f} ms, at most {r['steady_queries']} queries"
        )
        ok &= report(f"steady sweep [{label}]", steady * 1000, r["base"], 5)
    print(
        "  sweep queries half -> full volume: "
        f"first {results['half']['first'][2]} -> {results['full']['first'][2]}, "
        f"steady {results['half']['steady_queries']} -> {results['full']['steady_queries']}"
    )

    user = get_user_model().objects.get(username=QUEUE_USER)
    open_in_cell = Fiche.objects.filter(
        cell__directorate__code=QUEUE_DIRECTORATE, status__in=CELL_STATUSES
    ).count()
    QUEUE_CELL[0] = user.memberships.values_list("cell_id", flat=True).get()
    client = staff_client(user)

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    print(f"  queue: {open_in_cell} open fiches in the cell")
    base_queue = median_ms(lambda: get("/bench/bare-queue/"), args.repeat)
    page_queue = median_ms(lambda: get("/suivi/"), args.repeat)
    _wall, page_sql, page_queries = profiled(lambda: get("/suivi/"))
    _wall, base_sql, _bq = profiled(lambda: get("/bench/bare-queue/"))
    print(
        f"    page: {page_queries} queries, SQL {page_sql * 1000:.1f} ms "
        f"(bare view SQL {base_sql * 1000:.1f} ms)"
    )
    ok &= report("queue page (5,000 open, first 50)", page_queue, base_queue, 3)
    if args.profile:
        show_profile("queue page", lambda: get("/suivi/"))
        later = results["full"]["next"]
        show_profile("steady sweep", lambda: run_sweep(now=later))
    print("\nall targets met" if ok else "\nsome targets missed")


if __name__ == "__main__":
    main()
