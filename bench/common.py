"""Helpers shared by the benchmarks: Django set-up on a dedicated database, timing, ratios."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(
    default_db: str = "sqlite:////tmp/allo-mairie-bench.sqlite3", urlconf: str | None = None
) -> None:
    """Point Django at a benchmark database (DATABASE_URL overrides) and migrate it."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", default_db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allo_mairie.settings")
    os.environ.setdefault("DEBUG", "true")
    import django
    from django.conf import settings

    django.setup()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]
    if urlconf:
        settings.ROOT_URLCONF = urlconf
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def median_ms(fn: Callable[[], object], repeat: int = 30, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def record(name: str, measured: float, baseline: float, target: float, unit: str = "ms") -> float:
    """Keep one measure for bench/run_all.py's table (a JSON line in $BENCH_RESULTS, if set);
    return the ratio to the baseline measured in the same run."""
    ratio = measured / baseline if baseline else float("inf")
    results = os.environ.get("BENCH_RESULTS")
    if results:
        line = {"bench": Path(sys.argv[0]).stem, "name": name, "measured": measured,
                "baseline": baseline, "ratio": ratio, "target": target, "unit": unit}  # fmt: skip
        with open(results, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")
    return ratio


def report(name: str, measured: float, baseline: float, target: float) -> bool:
    ratio = record(name, measured, baseline, target)
    verdict = "OK" if ratio <= target else "OVER TARGET"
    print(
        f"{name:<34} {measured:9.2f} ms   baseline {baseline:8.2f} ms   "
        f"ratio {ratio:5.2f}×  (target ≤ {target}×) {verdict}"
    )
    return ratio <= target


def top_up_fiches(count: int) -> int:
    """At least ``count`` demo fiches in the benchmark database (generated without timeline
    events, after those already there); returns how many there are."""
    from django.contrib.auth import get_user_model

    from fiches.demo import generate_fiches
    from fiches.models import Fiche

    have = Fiche.objects.count()
    if have < count:
        started = time.monotonic()
        agents = list(get_user_model().objects.filter(username__in=["agent", "agent2"]))
        made = generate_fiches(count - have, agents=agents, seed=have + 1, with_events=False)
        print(f"generated {made} fiches in {time.monotonic() - started:.0f} s")
    return Fiche.objects.count()


def staff_client(user):
    """A test client logged in as ``user``, its session past the second-factor gate
    (supervisors, finance officers and committee members need one: accounts.policy)."""
    from django.test import Client

    from accounts.testing import mark_verified

    client = Client()
    client.force_login(user)
    mark_verified(client, user)
    return client
