"""Benchmark of the live telephony listener: a switch sending ``--rate`` AMI events per second
for ``--seconds`` (issue 16: 100 events/s for 10 minutes), through the real AMI client and
the real listener, into the live tables.

    .venv/bin/python bench/cti_bench.py [--rate 100] [--seconds 600]

Prints the lag from the event's emission to its state in the database (p50, p99) and the
listener's CPU per 1,000 events, beside a baseline measured in the same run: the same number
of bare one-row UPDATE statements on the same database (the floor of writing each event).
The fake switch runs in another process, so the CPU measured is the listener's alone.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _events(count: int) -> list[dict[str, str]]:
    from cti import scenario

    messages: list[dict[str, str]] = []
    start = int(time.time())
    day = 0
    while len(messages) < count:
        script = scenario.morning(
            start + day * 86400, calls=400, seed=day, agents=tuple(str(1000 + n) for n in range(20))
        )
        messages.extend(message for _at, message in scenario.ami_events(script))
        day += 1
    return messages[:count]


def switch(port_out, rate: int, count: int) -> None:
    """The fake switch (another process): login, then ``rate`` events per second, stamped."""
    from cti.tests.ami_server import block

    messages = _events(count)

    async def serve(reader, writer) -> None:
        writer.write(b"Asterisk Call Manager/9.0.0\r\n")
        login = await reader.readuntil(b"\r\n\r\n")
        action_id = next(
            line.split(":", 1)[1].strip()
            for line in login.decode().split("\r\n")
            if line.startswith("ActionID")
        )
        writer.write(
            block({"Response": "Success", "ActionID": action_id, "Message": "Authentication accepted"})
        )
        await reader.readuntil(b"\r\n\r\n")  # QueueStatus
        started = time.monotonic()
        for n, message in enumerate(messages):
            due = started + n / rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            writer.write(block({**message, "X-Sent": repr(time.time())}))
            await writer.drain()
        writer.write(block({"Event": "BenchDone"}))
        await writer.drain()
        await asyncio.sleep(3600)

    async def main() -> None:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port_out.put(server.sockets[0].getsockname()[1])
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=600)
    args = parser.parse_args()
    count = args.rate * args.seconds
    workdir = Path(tempfile.mkdtemp(prefix="cti-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allo_mairie.settings")
    import django

    django.setup()
    from common import record
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from cti.ami import AmiClient, Backoff
    from cti.management.commands.telephony_listen import Listener
    from cti.models import LiveMember

    call_command("migrate", verbosity=0)
    ports: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()
    process = multiprocessing.get_context("spawn").Process(
        target=switch, args=(ports, args.rate, count), daemon=True
    )
    process.start()
    port = ports.get(timeout=60)

    lags: list[float] = []

    class Measured(Listener):
        def _apply(self, message: dict[str, str]) -> None:
            super()._apply(message)
            if "X-Sent" in message:
                lags.append(time.time() - float(message["X-Sent"]))

    listener = Measured("bench")

    async def listen() -> None:
        stop = asyncio.Event()

        async def on_event(message: dict[str, str]) -> None:
            if message.get("Event") == "BenchDone":
                stop.set()
                return
            await listener.on_event(message)

        client = AmiClient("127.0.0.1", port, "bench", "bench", on_event, listener.on_status, Backoff(0.1, 1))
        await client.run(stop)

    print(f"{count} events at {args.rate}/s over {args.seconds} s …", flush=True)
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    asyncio.run(listen())
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    listener.executor.shutdown()
    process.terminate()
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)

    # Baseline: the same number of bare one-row UPDATE statements, each committed.
    member = LiveMember.objects.create(queue="bench", agent="bench", state="available", since=timezone.now())
    table = LiveMember._meta.db_table
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for _ in range(count):
            cursor.execute(f"UPDATE {table} SET since = %s WHERE id = %s", [timezone.now(), member.pk])  # noqa: S608
    bare = time.perf_counter() - started

    lags.sort()
    p50 = statistics.median(lags) * 1000
    p99 = lags[int(len(lags) * 0.99) - 1] * 1000
    per_thousand_cpu = cpu / count * 1000
    per_thousand_bare = bare / count * 1000
    print(f"events applied {listener.applied} of {count} ({len(lags)} measured)")
    print(
        f"lag event → state: p50 {p50:.1f} ms, p99 {p99:.1f} ms "
        "(target p99 < 1000 ms: the screen pop within a second)"
    )
    print(
        f"listener CPU {cpu:.1f} s = {per_thousand_cpu * 1000:.1f} ms per 1,000 events; "
        f"bare UPDATE {per_thousand_bare * 1000:.1f} ms per 1,000; "
        f"CPU used {cpu / args.seconds * 100:.1f} % of one core"
    )
    record("listener lag p50", p50, per_thousand_bare, float("inf"))
    record("listener lag p99", p99, 1000.0, 1.0)
    ratio = record(
        "listener CPU per 1,000 events", per_thousand_cpu * 1000, per_thousand_bare * 1000, float("inf")
    )
    print(
        f"ratio listener CPU / bare UPDATE: {ratio:.2f}× "
        "(reported; each event is 2–3 statements in a transaction)"
    )


if __name__ == "__main__":
    main()
