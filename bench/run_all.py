"""Run every benchmark and print one table of ratios to the baselines measured in each run.

    .venv/bin/python bench/run_all.py            # a year of data (long: tens of minutes)
    .venv/bin/python bench/run_all.py --quick    # small volumes, to check the benchmarks run
    .venv/bin/python bench/run_all.py --only fiches telephony

Each benchmark runs in its own process on its own scratch database (DATABASE_URL is passed
on, so a PostgreSQL scratch database measures there); its full output goes to
bench/out/<name>.log and the measures it records (bench/common.record) to the table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name -> (script, arguments for a year of data, arguments for --quick)
BENCHMARKS: dict[str, tuple[str, list[str], list[str]]] = {
    "fiches": ("fiches_bench.py", [], ["--fiches", "2000", "--repeat", "5"]),
    "followup": ("followup_bench.py", [], ["--fiches", "2000", "--open", "400", "--repeat", "5"]),
    "correspondence": ("correspondence_bench.py", [], ["--count", "20"]),
    "telephony": ("telephony_bench.py", [], ["--calls", "3000", "--days", "7", "--rounds", "2"]),
    "finance": ("finance_bench.py", [], ["--fiches", "5000", "--repeat", "5"]),
    "places": ("places_bench.py", [], ["--addresses", "20000", "--fiches", "2000", "--repeat", "10"]),
    "privacy": ("privacy_bench.py", [], ["--fiches", "4000", "--batch", "500"]),
    "cti": ("cti_bench.py", [], ["--rate", "100", "--seconds", "10"]),
    "partners": ("partners_bench.py", [], ["--changes", "1000", "--fiches", "300"]),
    "open311": ("open311_bench.py", [], ["--fiches", "2000", "--repeat", "5"]),
    "reporting": (
        "reporting_bench.py",
        [],
        ["--fiches", "2000", "--repeat", "2", "--by", "month", "directorate"],
    ),
}


def run(name: str, args: list[str], out: Path) -> tuple[int, list[dict], float]:
    script = BENCHMARKS[name][0]
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as results:
        path = Path(results.name)
    env = {**os.environ, "BENCH_RESULTS": str(path), "PYTHONUNBUFFERED": "1"}
    started = time.monotonic()
    with (out / f"{name}.log").open("w", encoding="utf-8") as log:
        code = subprocess.call([sys.executable, HERE / script, *args], env=env, stdout=log, stderr=log)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    path.unlink()
    return code, rows, time.monotonic() - started


def table(rows: list[dict]) -> str:
    header = f"{'benchmark':<15} {'measure':<40} {'measured':>12} {'baseline':>12} {'ratio':>8} {'target':>8}"
    lines = [header + "  verdict"]
    for row in rows:
        unit = row["unit"]
        target = "—" if row["target"] == float("inf") else f"≤ {row['target']:g}×"
        verdict = "" if row["target"] == float("inf") else ("OK" if row["ratio"] <= row["target"] else "OVER")
        lines.append(
            f"{row['bench']:<15} {row['name'][:40]:<40} {row['measured']:>9.2f} {unit:<2} "
            f"{row['baseline']:>9.2f} {unit:<2} {row['ratio']:>7.2f}× {target:>8}  {verdict}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small volumes (minutes, not hours)")
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), default=sorted(BENCHMARKS))
    parser.add_argument("--out", type=Path, default=HERE / "out")
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []
    failed = []
    for name in options.only:
        _script, full, quick = BENCHMARKS[name]
        print(f"running {name} ({'quick' if options.quick else 'a year of data'}) …", flush=True)
        code, measured, elapsed = run(name, quick if options.quick else full, options.out)
        print(f"  {name}: {'done' if code == 0 else f'FAILED (exit {code})'} in {elapsed:.0f} s; "
              f"log: {options.out / (name + '.log')}", flush=True)  # fmt: skip
        if code != 0 or not measured:
            failed.append(name)
        rows += [{**row, "bench": name} for row in measured]
    print()
    print(table(rows))
    if failed:
        print(f"\nfailed: {', '.join(failed)} (see their logs)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
