"""Benchmark of the queue_log import and of the yearly KPIs, as ratios to a bare loop.

    .venv/bin/python bench/telephony_bench.py [--calls 350000]

Baseline (measured in the same run): a loop that reads the same file and only splits
each line on "|". Targets (issue 5): parsing + rebuilding calls ≤ 4× the baseline; the
whole import with database writes ≤ 10×; the yearly KPIs are SQL aggregates.
Uses a throw-away SQLite database (or DATABASE_URL if set).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=350_000)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="telephony-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allo_mairie.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from bench.telephony_generate import generate
    from telephony import queuelog, selectors, services

    call_command("migrate", verbosity=0)
    log = workdir / "queue_log"
    started = time.perf_counter()
    lines = generate(log, args.days, args.calls)
    print(
        f"generated {lines} lines in {time.perf_counter() - started:.1f} s "
        f"({log.stat().st_size / 1e6:.0f} MB)"
    )

    started = time.perf_counter()
    with log.open("rb") as handle:
        for raw in handle:
            raw.decode().split("|")
    baseline = time.perf_counter() - started
    print(f"baseline (read + split):           {baseline:6.2f} s")

    started = time.perf_counter()
    builder = queuelog.QueueLogBuilder()
    with log.open("rb") as handle:
        for text, number, offset, _end in queuelog.iter_lines(handle):
            builder.feed_line(text, number, offset)
    builder.finish()
    parse = time.perf_counter() - started
    report = builder.report
    print(
        f"parse + rebuild calls:             {parse:6.2f} s  ratio {parse / baseline:5.1f}× (target ≤ 4×)"
        f"  [{report.calls} calls, {report.passages} passages]"
    )

    started = time.perf_counter()
    services.import_file(log, final=True)
    full = time.perf_counter() - started
    print(f"full import with database writes:  {full:6.2f} s  ratio {full / baseline:5.1f}× (target ≤ 10×)")

    filters = selectors.Filters(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))
    started = time.perf_counter()
    for interval in ("month", "week", "day", "30", "slot"):
        selectors.kpi_rows(filters, interval)
    selectors.totals(filters)
    kpis = time.perf_counter() - started
    print(f"yearly KPIs (5 groupings, SQL):    {kpis:6.2f} s  ratio {kpis / baseline:5.1f}×")


if __name__ == "__main__":
    main()
