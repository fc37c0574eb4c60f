"""Generate a year of realistic Asterisk queue_log lines (about 350,000 calls).

Daily and weekly shape of a city call centre, abandons, transfers, restarts, calls just
before midnight, and overflow: callers of the ``signalement`` and ``elus`` queues time out
(EXITWITHTIMEOUT) and enter ``debordement`` (about 1 % of calls), see telephony/demo.py.

.venv/bin/python bench/telephony_generate.py [OUT] [--calls 350000] [--days 365]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telephony.demo import generate_lines  # noqa: E402


def generate(out: Path, days: int = 365, calls: int = 350_000, start: date = date(2025, 1, 1)) -> int:
    lines = 0
    with out.open("w", encoding="utf-8") as handle:
        for _day, day_lines in generate_lines(start, days, calls):
            if day_lines:
                handle.write("\n".join(day_lines) + "\n")
                lines += len(day_lines)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", default="queue_log_year")
    parser.add_argument("--calls", type=int, default=350_000)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    started = time.perf_counter()
    lines = generate(Path(args.out), args.days, args.calls)
    print(f"{lines} lines written to {args.out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
