"""Benchmark of the queue_log import and of the yearly KPIs, as ratios to a bare loop.

    .venv/bin/python bench/telephony_bench.py [--calls 350000] [--rounds 5] [--log /tmp/queue_log_year]

Baseline (measured in the same run): a loop that reads the same file and only splits
each line on "|", line by line or by 64 KB blocks as the parser reads (the cheaper of the
two is the floor). Targets (issue 5): parsing + rebuilding calls ≤ 4× the baseline; the
whole import with database writes ≤ 10×; the yearly KPIs are SQL aggregates.
The import is also measured, in the same alternating rounds, without its rollup counting
(``Writer._count_rollups`` and ``Writer._write_rollups`` replaced by no-ops for those rounds:
the passages alone, as before the rollups); target (issue 17 §3): the import with its rollups
within 10 % of that. The CPU time of those two methods inside each full import is printed
too, with the full import's ratio to itself without that time (steadier than two imports
compared on a shared machine).
Uses a throw-away SQLite database (or DATABASE_URL if set).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@contextlib.contextmanager
def rollup_methods(services, replace):
    """The import with its rollups' own methods (counting each batch, writing them at the
    end) replaced by ``replace(method)`` meanwhile."""
    saved = services.Writer._count_rollups, services.Writer._write_rollups
    services.Writer._count_rollups, services.Writer._write_rollups = map(replace, saved)
    try:
        yield
    finally:
        services.Writer._count_rollups, services.Writer._write_rollups = saved


@contextlib.contextmanager
def rollups_timed(services, spent: list[float]):
    """The import as it is, the CPU time of its rollups' own methods appended to ``spent``:
    what the rollups cost inside the very import measured, free of the drift between two
    imports."""
    used = [0.0]

    def timed(method):
        def call(writer, *args):
            started = time.process_time()
            try:
                return method(writer, *args)
            finally:
                used[0] += time.process_time() - started

        return call

    with rollup_methods(services, timed):
        yield
    spent.append(used[0])


def without_rollups(services):
    """The import without counting nor writing its rollups (the days it writes stay marked
    stale, as an import's days are until rolled up)."""
    return rollup_methods(services, lambda _method: lambda _writer, *_args: None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=350_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--rounds", type=int, default=5, help="alternate measurements (minimum kept)")
    parser.add_argument("--log", type=Path, help="a generated log to reuse (written there if absent)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="telephony-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allo_mairie.settings")
    import django

    django.setup()
    from common import record
    from django.core.management import call_command
    from django.db import connection

    from bench.telephony_generate import generate
    from telephony import queuelog, selectors, services
    from telephony.models import (
        AgentActivity,
        ImportRun,
        ImportSource,
        QueuePassage,
        QueueRollup,
        QueueWaitCount,
        RollupStaleDay,
    )

    call_command("migrate", verbosity=0)
    if args.log and args.log.exists():
        log = args.log
        print(f"reusing {log} ({log.stat().st_size / 1e6:.0f} MB)")
    else:
        log = args.log or workdir / "queue_log"
        started = time.perf_counter()
        lines = generate(log, args.days, args.calls)
        print(
            f"generated {lines} lines in {time.perf_counter() - started:.1f} s "
            f"({log.stat().st_size / 1e6:.0f} MB)"
        )

    def bare_loop() -> None:
        with log.open("rb") as handle:
            for raw in handle:
                raw.decode().split("|")

    def block_loop() -> None:
        # the floor read the parser's way (64 KB blocks, one decode per block): a check that
        # the line-by-line baseline is not slower than the parser's own reading
        with log.open("rb") as handle:
            pending = b""
            while chunk := handle.read(1 << 16):
                chunk = pending + chunk
                cut = chunk.rfind(b"\n") + 1
                pending = chunk[cut:]
                for line in chunk[:cut].decode().split("\n"):
                    line.split("|")

    def parse() -> queuelog.ImportReport:
        builder = queuelog.QueueLogBuilder()
        with log.open("rb") as handle:
            builder.feed_stream(handle)
        builder.finish()
        return builder.report

    def empty_tables() -> None:
        # each round imports a new source into empty tables (cleared outside the measure);
        # PostgreSQL truncates: a DELETE leaves the dead rows of every round in the tables and
        # their indexes until a vacuum, which the next rounds would have to step over
        models = (
            QueuePassage,
            AgentActivity,
            ImportRun,
            ImportSource,
            QueueRollup,
            QueueWaitCount,
            RollupStaleDay,
        )
        tables = [connection.ops.quote_name(model._meta.db_table) for model in models]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {', '.join(tables)}")
            else:
                for table in tables:
                    cursor.execute(f"DELETE FROM {table}")  # noqa: S608

    inside: list[float] = []  # the rollups' own CPU time in each full import

    def full_import() -> None:
        with rollups_timed(services, inside):
            runs.append(services.import_file(log, final=True))

    def bare_import() -> None:
        with without_rollups(services):
            services.import_file(log, final=True)

    # The machine is shared: the baselines, the parser, the full import and the import without
    # rollups are measured alternately, several times, in CPU time of this process
    # (time.process_time) and wall time; the minimum of each counts.
    runs: list = []
    timings: dict[str, tuple[list[float], list[float]]] = {}
    for _ in range(args.rounds):
        steps = (
            ("bare", bare_loop), ("parse", parse), ("block", block_loop), ("norollups", bare_import),
            ("full", full_import),  # last: the figures below read its rollups
        )  # fmt: skip
        for name, fn in steps:
            cpu, wall = timings.setdefault(name, ([], []))
            if fn in (full_import, bare_import):
                empty_tables()
            started, started_cpu = time.perf_counter(), time.process_time()
            result = fn()
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started)
            if result is not None:
                report = result
    best = {name: (min(cpu), min(wall)) for name, (cpu, wall) in timings.items()}
    # the floor is the cheaper of the two ways of reading and splitting (the stricter ratio)
    baseline = min(best["bare"][0], best["block"][0])
    baseline_wall = min(best["bare"][1], best["block"][1])
    print(f"bare loop, line by line (split):   {best['bare'][0]:6.2f} s CPU  {best['bare'][1]:6.2f} s wall")
    print(f"bare loop, by 64 KB blocks:        {best['block'][0]:6.2f} s CPU  {best['block'][1]:6.2f} s wall")
    print(f"baseline (the cheaper of the two): {baseline:6.2f} s CPU  {baseline_wall:6.2f} s wall")
    cpu, wall = best["parse"]
    print(
        f"parse + rebuild calls:             {cpu:6.2f} s CPU  {wall:6.2f} s wall"
        f"  ratio {cpu / baseline:4.1f}× CPU, {wall / baseline_wall:4.1f}× wall (target ≤ 4×)"
        f"  [{report.calls} calls, {report.passages} passages, "
        f"{report.ignored_events.get('DID', 0)} DID lines, {report.skipped_count} skipped]"
    )
    cpu, wall = best["full"]
    engine = connection.vendor
    print(
        f"full import with database writes:  {cpu:6.2f} s CPU  {wall:6.2f} s wall"
        f"  ratio {cpu / baseline:4.1f}× CPU, {wall / baseline_wall:4.1f}× wall (target ≤ 10×)"
        f"  [{engine}; {runs[-1].report['calls']} calls, {QueuePassage.objects.count()} rows]"
    )
    if engine != "sqlite":
        print("  (the database server's CPU is not in this process: compare the wall ratio)")
    record("queue_log parse + rebuild (CPU)", best["parse"][0], baseline, 4, "s")
    if engine == "sqlite":
        record("queue_log full import (CPU)", cpu, baseline, 10, "s")
    else:
        record("queue_log full import (wall)", wall, baseline_wall, 10, "s")
    # Each round's own ratio (its floor measured next to it) is robust to the machine's slow
    # drifts; the median of them is printed beside the ratio of the minimums.
    floors = [min(pair) for pair in zip(timings["bare"][0], timings["block"][0], strict=True)]
    for name, target in (("parse", 4), ("full", 10)):
        ratios = sorted(x / f for x, f in zip(timings[name][0], floors, strict=True))
        print(
            f"{name:5s}: median of the per-round CPU ratios {statistics.median(ratios):4.1f}× "
            f"(target ≤ {target}×; rounds: {', '.join(f'{r:.1f}' for r in ratios)})"
        )
    # the rollups' cost: full import / import without rollups, each round's pair (measured one
    # after the other) and the minimums
    cpu, wall = best["norollups"]
    pairs = sorted(x / y for x, y in zip(timings["full"][0], timings["norollups"][0], strict=True))
    print(
        f"import without rollups:            {cpu:6.2f} s CPU  {wall:6.2f} s wall"
        f"  full / without: {best['full'][0] / cpu:5.3f}× CPU (minimums),"
        f" {best['full'][1] / wall:5.3f}× wall;"
        f" median of the rounds' pairs {statistics.median(pairs):5.3f}× (target ≤ 1.10×;"
        f" rounds: {', '.join(f'{r:.3f}' for r in pairs)})"
    )
    shares = sorted(full / (full - own) for full, own in zip(timings["full"][0], inside, strict=True))
    print(
        f"the rollups' own CPU inside each full import: {', '.join(f'{own:.2f}' for own in inside)} s;"
        f" full / (full - theirs): median {statistics.median(shares):5.3f}× (rounds:"
        f" {', '.join(f'{r:.3f}' for r in shares)})"
    )
    if engine == "sqlite":
        record("queue_log import: with rollups / without (CPU)", best["full"][0], cpu, 1.1, "s")
    else:
        record("queue_log import: with rollups / without (wall)", best["full"][1], wall, 1.1, "s")
    rounds = ", ".join(
        f"{name} " + "/".join(f"{x:.2f}" for x in timings[name][0])
        for name in ("bare", "block", "parse", "full", "norollups")
    )
    print(f"every round, s CPU: {rounds}")

    kpi_figures(selectors, QueuePassage, record)


def kpi_figures(selectors, passage_model, record) -> None:
    """The barometer's figures read from the rollups, then from the passages (every day
    marked stale: the path taken before the rollups existed, the baseline of the same run):
    the dashboard over the last year of the log (what its page reads: the days, the typical
    week, the totals and those of the period before, the calls outside hours, the calls and
    the fiches linked to them; the page accepts at most 400 days), and
    ``telephony_report --interval month`` with its totals over the whole log."""
    from datetime import timedelta

    from django.db.models import Max, Min

    from telephony import rollups

    bounds = passage_model.objects.aggregate(first=Min("local_date"), last=Max("local_date"))
    year = selectors.Filters(date_from=bounds["last"] - timedelta(days=364), date_to=bounds["last"])
    whole = selectors.Filters(date_from=bounds["first"], date_to=bounds["last"])

    def dashboard() -> None:
        filters = selectors.Filters(date_from=year.date_from, date_to=year.date_to)
        rows = selectors.kpi_rows(filters, "day")
        selectors.heatmap(filters)
        selectors.totals(filters, rows)
        selectors.totals(filters.previous())
        selectors.out_of_hours(filters)
        selectors.call_totals(filters)

    def report() -> None:
        filters = selectors.Filters(date_from=whole.date_from, date_to=whole.date_to)
        selectors.kpi_rows(filters, "month")
        selectors.totals(filters)
        selectors.out_of_hours(filters)

    def best(fn, times: int) -> float:
        spent = []
        for _ in range(times):
            started = time.perf_counter()
            fn()
            spent.append(time.perf_counter() - started)
        return min(spent)

    reads = {"dashboard, a year": dashboard, "report by month, whole log": report}
    fast = {label: best(fn, 3) for label, fn in reads.items()}
    calls = best(lambda: selectors.call_totals(replace(year)), 3)
    rollups.mark_all()
    slow = {label: best(fn, 2) for label, fn in reads.items()}
    started = time.perf_counter()
    rollups.refresh()
    print(f"rollups rebuilt in SQL for the whole log ({bounds['first']} to {bounds['last']}) in "
          f"{time.perf_counter() - started:.2f} s")  # fmt: skip
    for label in reads:
        print(
            f"{label:<28} rollups {fast[label]:6.2f} s, passages {slow[label]:6.2f} s, "
            f"ratio {fast[label] / slow[label]:4.2f}×"
        )
        record(f"telephone KPIs: {label} (rollups / passages)", fast[label], slow[label], 1, "s")
    print(f"  of which the calls and their linked fiches (passages, a year): {calls:6.2f} s")


if __name__ == "__main__":
    main()
