"""Benchmark of the service barometer and the quarterly pack on a year of data (200,000 fiches),
or several sizes side by side.

    .venv/bin/python bench/reporting_bench.py     # SQLite, /tmp/allo-mairie-reporting-bench.sqlite3
    .venv/bin/python bench/reporting_bench.py --fiches 200000 1000000  # one year, then five
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/allo_reporting_bench \\
        .venv/bin/python bench/reporting_bench.py

For each dimension, the barometer over the last 12 months (``reporting.selectors.barometer``:
its six or seven queries, the rows and figures built in Python) against the bare SQL of the
same figures: the very statements it sends, with their parameters, replayed through a cursor
and fetched, in the same run (target ≤ 3×). Informative: one bare ``GROUP BY`` count of the
dimension. Then the quarterly pack of the last full quarter (target under 60 s), with the
share of the time spent in PDF. The first size is the most recent year (generated); each
next size adds the years before it (copies, all closed: bench/common.top_up), and everything
is measured again; the sizes are printed side by side with the growth (target: the last
size within 1.3× the first).
"""

from __future__ import annotations

import argparse
import time

from common import at_each_size, median_ms, setup_django, side_by_side, size_arguments

DIMENSIONS = ("month", "week", "channel", "family", "type", "body", "directorate", "cell", "arrondissement")


def measure(by: str, repeat: int) -> dict[str, tuple[float, float]]:
    from datetime import date, timedelta

    from django.db import connection
    from django.db.models import Count

    from reporting.figures import Period
    from reporting.selectors import DIMENSIONS as ALL
    from reporting.selectors import EVERY_FIGURE, barometer, fiches_for, group_key

    today = date.today()
    year = Period(today - timedelta(days=364), today)
    statements: list[tuple[str, tuple]] = []

    def keep(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        barometer(EVERY_FIGURE, year, by)

    def bare() -> None:
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    def grouped_count() -> None:
        rows = fiches_for(EVERY_FIGURE).annotate(k=group_key(ALL[by], year)).values("k")
        list(rows.order_by().annotate(n=Count("id")))

    baseline = median_ms(bare, repeat, warmup=1)
    measured = median_ms(lambda: barometer(EVERY_FIGURE, year, by), repeat, warmup=1)
    count_only = median_ms(grouped_count, repeat, warmup=1)
    print(
        f"    barometer by {by} ({len(statements)} queries) {measured:10.1f} ms   bare {baseline:8.1f} ms   "
        f"{measured / baseline:6.2f}×; one bare GROUP BY count of the dimension: {count_only:.1f} ms",
        flush=True,
    )
    return {
        f"barometer by {by}": (measured, baseline),
        f"one bare GROUP BY count by {by}": (count_only, count_only),
    }


def pack_time() -> float:
    from datetime import date, timedelta

    from django.contrib.auth import get_user_model

    from committee.models import QuarterlyPack
    from committee.services import build_pack
    from reporting.figures import quarter_of

    today = date.today()
    quarter = quarter_of(quarter_of(today).start - timedelta(days=1))
    pack = QuarterlyPack.objects.create(
        year=quarter.start.year,
        quarter=(quarter.start.month + 2) // 3,
        requested_by=get_user_model().objects.get(username="comite"),
    )
    started = time.perf_counter()
    pack = build_pack(pack.pk)
    total = time.perf_counter() - started
    assert pack.status == QuarterlyPack.Status.DONE, pack.error
    print(
        f"    quarterly pack {pack}: {total:.1f} s in all, of which PDF {pack.pdf_seconds:.1f} s "
        f"({100 * (pack.pdf_seconds or 0) / total:.0f} %)"
    )
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    size_arguments(parser, repeat=5)
    parser.add_argument("--by", nargs="+", default=list(DIMENSIONS))
    args = parser.parse_args()
    setup_django(default_db="sqlite:////tmp/allo-mairie-reporting-bench.sqlite3")

    from django.db import connection

    from catalogue.demo import load_demo_nomenclature
    from fiches.models import Fiche
    from organisations.demo import create_organisations, create_users

    bodies = create_organisations()
    create_users(bodies)
    load_demo_nomenclature()
    sizes = sorted(args.fiches)
    measured: dict[int, dict[str, tuple[float, float]]] = {}
    for size in at_each_size(args):
        print(f"  measured on {connection.vendor} at {Fiche.objects.count()} fiches:", flush=True)
        measured[size] = {}
        for by in args.by:
            measured[size].update(measure(by, args.repeat))
        measured[size]["quarterly pack (target < 60 s)"] = (pack_time() * 1000, 60_000)
    targets = {name: 3 for name in measured[sizes[0]] if name.startswith("barometer")}
    ok = side_by_side(measured, {**targets, "quarterly pack (target < 60 s)": 1})
    print("\nall targets met" if ok else "\nsome targets missed")


if __name__ == "__main__":
    main()
