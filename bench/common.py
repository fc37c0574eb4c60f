"""Helpers shared by the benchmarks: Django set-up on a dedicated database, timing, ratios,
the years of fiches (one generated, the years before it copied) and the sizes side by side."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
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


def paired_medians(
    measured: Callable[[], object], baseline: Callable[[], object], repeat: int = 30, warmup: int = 3
) -> tuple[float, float]:
    """The medians of ``measured`` and ``baseline`` (ms), run in turn: each sample of one beside
    a sample of the other, so that a burst of the machine's other work (this 2-core machine
    is shared) weighs on both rather than on whichever ran during it."""
    for _ in range(warmup):
        measured()
        baseline()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, kept in zip((measured, baseline), samples, strict=True):
            started = time.perf_counter()
            fn()
            kept.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples[0]), statistics.median(samples[1])


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


CHUNK = 50_000  # fiches generated per transaction (memory)


def top_up(target: int, per_year: int, growth: float, agents: list) -> None:
    """The most recent year (``per_year`` fiches, generated), then the years before it until
    there are ``target`` fiches: copies of that year moved back one year at a time, thinned by
    ``growth`` (each year before has that much fewer requests) and all closed, as fiches of
    past years are. Copying is what makes a million fiches possible in minutes."""
    from django.utils import timezone

    from fiches.demo import generate_fiches
    from fiches.models import Fiche

    started, have = time.monotonic(), Fiche.objects.count()
    if have == 0:
        now = timezone.now()
        while have < min(per_year, target):
            count = min(CHUNK, per_year - have)
            oldest = Fiche.objects.order_by("created_at").values_list("created_at", flat=True).first() or now
            days = max(1, round(365 * count / per_year))
            have += generate_fiches(
                count, days=days, seed=have + 1, agents=agents, now=oldest, with_events=False
            )
            print(f"  {have} fiches ({time.monotonic() - started:.0f} s)", flush=True)
    add_years(target, growth)


def settle() -> None:
    """The database as it stands some time after a bulk load: planner statistics refreshed as
    after an import (core.database) and, on PostgreSQL, the tables vacuumed as autovacuum
    would: without the visibility map of the new rows, PostgreSQL reads the table for what an
    index-only scan answers (a cell's list counted its fiches by a sequential scan, 52 ms
    instead of 23 ms at a million fiches); then the pages written out, as a checkpoint would
    have done by then (PostgreSQL wrote a million fiches' pages during the first minutes of the
    measures, whose pages then took up to twice their time)."""
    from django.db import connection

    from core.database import refresh_statistics

    refresh_statistics()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM")
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def add_years(target: int, growth: float, overrides: dict[str, str] | None = None) -> int:
    """The years before the most recent one until there are ``target`` fiches (copies, see
    ``copy_year_back``; ``overrides`` passed on), then the database settled (``settle``).
    Returns how many years there are."""
    from fiches.models import Fiche

    started, have = time.monotonic(), Fiche.objects.count()
    years = 1
    while have < target:
        have += copy_year_back(years, growth, target - have, overrides)
        years += 1
        print(f"  {have} fiches, {years} years ({time.monotonic() - started:.0f} s)", flush=True)
    settle()
    return years


SHIFTED = ("created_at", "updated_at", "due_at", "cycle_started_at", "acknowledged_at")


def copy_year_back(years: int, growth: float, limit: int, overrides: dict[str, str] | None = None) -> int:
    """Copies of the most recent year's fiches, ``years`` years earlier, thinned by the growth
    and closed, numbered after each year's highest reference: one INSERT … SELECT.
    ``overrides``: SQL expressions for some columns of the copies (by column name)."""
    from django.conf import settings
    from django.db import connection

    from fiches.models import OPEN_STATUSES, Fiche, Status
    from fiches.services import catch_up_counter

    newest = Fiche.objects.order_by("-created_at").values_list("created_at", flat=True).first()
    days = 365 * years + years // 4
    sqlite = connection.vendor == "sqlite"

    def shift(column: str) -> str:
        if sqlite:
            return f"strftime('%Y-%m-%d %H:%M:%f', {column}, '-{days} days')"
        return f"{column} - interval '{days} days'"

    def year_of(column: str) -> str:
        if sqlite:
            return f"CAST(strftime('%Y', {column}, '-{days} days') AS INTEGER)"
        return f"CAST(EXTRACT(YEAR FROM {column} - interval '{days} days') AS INTEGER)"

    first_year = (newest - timedelta(days=365 + days)).year
    offsets = {
        year: catch_up_counter(year) for year in range(first_year, (newest - timedelta(days=days)).year + 1)
    }
    offset = "CASE y " + " ".join(f"WHEN {y} THEN {n}" for y, n in offsets.items()) + " ELSE 0 END"
    is_open = "status IN (" + ", ".join(f"'{s}'" for s in sorted(OPEN_STATUSES)) + ")"
    number = f"({offset} + n)"
    padded = f"printf('%06d', {number})" if sqlite else f"lpad(CAST({number} AS TEXT), 6, '0')"
    values = {
        "reference": f"'{settings.FICHE_REFERENCE_PREFIX}-' || CAST(y AS TEXT) || '-' || {padded}",
        "submission_token": "NULL",
        "status": f"CASE WHEN {is_open} THEN '{Status.CLOSED}' ELSE status END",
        "resolved_at": f"CASE WHEN {is_open} THEN {shift('due_at')} ELSE {shift('resolved_at')} END",
        "closed_at": f"CASE WHEN {is_open} THEN {shift('due_at')} ELSE {shift('closed_at')} END",
        "was_late": f"CASE WHEN {is_open} THEN {'0' if sqlite else 'FALSE'} ELSE was_late END",
        **{column: shift(column) for column in SHIFTED},
        **(overrides or {}),
    }
    columns = [f.column for f in Fiche._meta.concrete_fields if f.column != "id"]
    keep = round(1000 / (1 + growth) ** years)
    sql = (
        f"INSERT INTO fiches_fiche ({', '.join(columns)}) "  # noqa: S608 - the bench's own constants
        f"SELECT {', '.join(values.get(c, c) for c in columns)} FROM ("
        f"SELECT *, {year_of('created_at')} AS y, ROW_NUMBER() OVER (PARTITION BY {year_of('created_at')} "
        f"ORDER BY created_at, id) AS n FROM fiches_fiche WHERE created_at > %s AND (id * 7919) % 1000 < %s"
        f") AS source ORDER BY created_at, id LIMIT %s"
    )
    sql = sql.replace("%", "%%").replace("%%s", "%s")  # literal % (strftime, modulo) vs parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [newest - timedelta(days=365), keep, limit])
        made = cursor.rowcount
    for year in offsets:
        catch_up_counter(year)
    return made


def at_each_size(args: argparse.Namespace) -> Iterator[int]:
    """Top the benchmark database up to each size of ``--fiches`` in turn, smallest first (the
    most recent year generated, then the years before it: ``top_up``), and yield the size."""
    from django.contrib.auth import get_user_model

    agents = list(get_user_model().objects.filter(username__in=["agent", "agent2"]))
    sizes = sorted(args.fiches)
    for size in sizes:
        top_up(size, sizes[0], args.growth, agents)
        yield size


def size_arguments(parser: argparse.ArgumentParser, repeat: int | None = None) -> None:
    """The options of a benchmark run at several sizes of fiches (``--fiches``, smallest first,
    one year by default; ``--growth`` of the volume a year back) and, if given, ``--repeat``."""
    parser.add_argument("--fiches", type=int, nargs="+", default=[200_000], help="sizes, smallest first")
    if repeat is not None:
        parser.add_argument("--repeat", type=int, default=repeat)
    parser.add_argument("--growth", type=float, default=0.05, help="yearly growth of the volume")


def side_by_side(
    measured: dict[int, dict[str, tuple[float, float]]], targets: dict[str, float], unit: str = "ms"
) -> bool:
    """Print each measure at every size (fiches) with its ratio to the baseline measured in the
    same run, and the growth from the smallest size to the largest; record them for run_all.
    ``targets``: the ratio each measure must stay within (missing: informative). Returns
    whether every target is met, and the largest size within 1.3× the smallest."""
    sizes = sorted(measured)
    first, last = sizes[0], sizes[-1]
    header = "".join(f"{size:>13,} fiches  ratio" for size in sizes)
    print(f"\n{'measure':<40}{header}   {last:,} / {first:,}")
    ok = True
    for name in measured[first]:
        line = f"{name[:40]:<40}"
        target = targets.get(name, float("inf"))
        for size in sizes:
            value, base = measured[size][name]
            ratio = record(f"{name} [{size:,}]", value, base, target, unit=unit)
            ok &= ratio <= target
            line += f"{value:13.1f} {unit:<2} {ratio:6.2f}×"
        growth = measured[last][name][0] / measured[first][name][0]
        if last != first and name in targets:
            ok &= growth <= 1.3
        print(f"{line}   {growth:6.2f}×", flush=True)
    limits = ", ".join(f"{name} ≤ {target:g}×" for name, target in targets.items())
    print(f"\ntargets: {limits or 'none'}; the largest size ≤ 1.3× the smallest")
    return ok


def staff_client(user):
    """A test client logged in as ``user``, its session past the second-factor gate
    (supervisors, finance officers and committee members need one: accounts.policy)."""
    from django.test import Client

    from accounts.testing import mark_verified

    client = Client()
    client.force_login(user)
    mark_verified(client, user)
    return client
