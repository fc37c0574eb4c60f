"""The load test, from nothing to figures, on loopback (see docs/operations.md, "Load test").

    make load                                   # or: .venv/bin/python bench/load/run.py
    .venv/bin/python bench/load/run.py --steady 60 --agents 110 --cells 30   # a 140-login shift

Creates a scratch PostgreSQL database, migrates it, loads the demo data plus the load test's
staff (agents and cell users), collects the static files, starts gunicorn (4 workers, DEBUG
off) and one task worker, runs locust headless (bench/load/locustfile.py, from its own virtual
environment, bench/load/.venv) and prints requests per second, p50/p95/p99 per page and the
errors, for the start of shift (every staff member logs in within --login-window seconds)
and for the steady state. Then checks the data: no duplicate reference, one
acknowledgement per fiche, every e-mail received once. Stops everything and drops the
scratch database, whatever happens.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from contextlib import ExitStack, contextmanager
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
LOCUST = HERE / ".venv" / "bin" / "locust"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432", help="server (no database)"
    )
    parser.add_argument("--database", default="allo_load", help="scratch database, dropped at the end")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14", help="cache database, emptied first")
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--cells", type=int, default=20, help="cell users")
    parser.add_argument("--citizens", type=int, default=200)
    parser.add_argument("--login-window", type=float, default=15, help="seconds in which all staff log in")
    parser.add_argument("--steady", type=float, default=180, help="seconds of steady state (at most 600)")
    parser.add_argument(
        "--think",
        type=float,
        default=2,
        help="think times × this (agents 4–10 s, cells 5–12 s, citizens 10–30 s)",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--fiches", type=int, default=6000, help="demo fiches already in the database")
    parser.add_argument("--locust", type=Path, default=LOCUST)
    args = parser.parse_args()
    if not 0 < args.steady <= 600:
        parser.error("--steady must be between 1 and 600 seconds")
    if not args.locust.exists():
        parser.error(f"{args.locust} is missing: run `make load` (it installs bench/load/requirements.txt)")
    return args


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def scratch_database(server: str, name: str):
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def smtp_sink():
    """An SMTP server on loopback that counts what it receives, by recipient."""
    from aiosmtpd.controller import Controller

    class Handler:
        received: Counter = Counter()
        lock = threading.Lock()

        async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook
            with self.lock:
                self.received.update(envelope.rcpt_tos)
            return "250 OK"

    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler.received, controller.port
    finally:
        controller.stop()


def environment(database_url: str, cache_url: str, smtp_port: int, work: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "allo_mairie.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "SMS_BACKEND": "correspondence.sms.FileBackend",
        "SMS_FILE_PATH": str(work / "sms.jsonl"),
        "LOG_LEVEL": "ERROR",
    }


def prepare(args: argparse.Namespace, env: dict[str, str], targets: Path) -> None:
    """Migrate, demo data, the load test's staff, static files; the locust users' targets."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connections

    from catalogue.models import RequestTypeVersion
    from fiches.models import Fiche, Status
    from organisations.demo import DEMO_PASSWORD
    from organisations.models import Body, Cell, Membership, Role

    step("migrate, demo data, static files")
    call_command("migrate", verbosity=0)
    call_command("demo_data", fiches=args.fiches, call_days=30, stdout=io.StringIO())
    call_command("collectstatic", interactive=False, verbosity=0)

    password = make_password(DEMO_PASSWORD)  # one hash for all: the scratch database only
    users = get_user_model().objects
    city = Body.objects.get(kind=Body.Kind.OPERATOR)
    agents = [f"charge-{i:03d}" for i in range(1, args.agents + 1)]
    for username in agents:
        user = users.create(username=username, password=password, email=f"{username}@example.org")
        Membership.objects.create(user=user, role=Role.AGENT, body=city)
    cells = [c for c in Cell.objects.select_related("directorate__body").order_by("pk") if c.directorate_id]
    cell_users = [f"cellule-charge-{i:03d}" for i in range(1, args.cells + 1)]
    for i, username in enumerate(cell_users):
        cell = cells[i % len(cells)]
        user = users.create(username=username, password=password, email=f"{username}@example.org")
        Membership.objects.create(
            user=user,
            role=Role.CORRESPONDENT,
            body=cell.directorate.body,
            directorate=cell.directorate,
            cell=cell,
        )

    rng = random.Random(2026)
    fiches = Fiche.objects.select_related("requester").order_by("-created_at")
    with_contact = [
        (f.reference, f.requester.email or f.requester.phone)
        for f in fiches.filter(requester__isnull=False)[:2000]
        if f.requester.email.isascii() and (f.requester.email or f.requester.phone)
    ]
    types = [
        {"code": v.code, "query": v.label.split()[0]}
        for v in RequestTypeVersion.objects.in_force().filter(kind="anomaly", phone_only=False)
        if not any(q.get("required") for q in v.questions)
    ]
    data = {
        "password": DEMO_PASSWORD,
        "agents": agents,
        "cells": cell_users,
        "references": list(fiches.values_list("reference", flat=True)[:3000]),
        "citizens": rng.sample(with_contact, min(500, len(with_contact))),
        "types": types,
        "surnames": ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"],
        "streets": ["rue Paradis", "boulevard Baille", "avenue du Prado", "rue de Rome", "cours Julien"],
        "filters": [{}, {"status": Status.TRANSMITTED}, {"arrondissement": "6"}, {"family": "voirie"}],
    }
    targets.write_text(json.dumps(data))
    connections.close_all()


def step(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def wait_for(url: str, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


@contextmanager
def started(command: list[str], env: dict[str, str], log: Path):
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def percentile(values: list[float], share: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def report(results: dict) -> None:
    for phase in ("start of shift", "steady state"):
        times = results["times"].get(phase, {})
        failures = results["failures"].get(phase, {})
        seconds = results["durations"][phase]
        total = sum(len(v) for v in times.values())
        print(f"\n{phase}: {total / seconds:.1f} requests/s over {seconds:.0f} s, "
              f"{sum(failures.values())} error(s)")  # fmt: skip
        header = ("page", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors")
        print("  {:<42} {:>8} {:>6} {:>7} {:>7} {:>7} {:>6}".format(*header))
        for name in sorted(times):
            values = times[name]
            row = (name, len(values), f"{len(values) / seconds:.1f}", *(
                f"{percentile(values, share):.0f}" for share in (0.5, 0.95, 0.99)
            ), failures.get(name, 0))  # fmt: skip
            print("  {:<42} {:>8} {:>6} {:>7} {:>7} {:>7} {:>6}".format(*row))


def check_data(env: dict[str, str], received: Counter) -> list[str]:
    """What must hold after the run: references unique, one acknowledgement per fiche, each
    citizen's e-mail received once (the task worker never sends one task twice)."""
    from django.db import connections
    from django.db.models import Count

    from correspondence.models import Message
    from fiches.models import Fiche

    problems = []
    duplicates = Fiche.objects.values("reference").annotate(n=Count("id")).filter(n__gt=1).count()
    if duplicates:
        problems.append(f"{duplicates} duplicate reference(s)")
    twice = Message.objects.values("event", "requester", "channel").annotate(n=Count("id")).filter(n__gt=1)
    if twice.exists():
        problems.append(f"{twice.count()} notice(s) recorded twice")
    sent = Counter(Message.objects.filter(channel="email", state="sent").values_list("address", flat=True))
    citizens = Counter({to: n for to, n in received.items() if to.startswith("camille.charge")})
    load_sent = Counter({to: n for to, n in sent.items() if to.startswith("camille.charge")})
    if citizens != load_sent:
        problems.append("the e-mails received differ from the e-mails recorded as sent")
    new = Fiche.objects.filter(requester__last_name__startswith="Charge").count()
    print(
        f"\nfiches recorded during the run: {new}; acknowledgement e-mails received: {sum(citizens.values())}"
    )
    connections.close_all()
    return problems


def main() -> int:
    args = parse_args()
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="allo-load-")))
        database_url = stack.enter_context(scratch_database(args.postgres, args.database))
        received, smtp_port = stack.enter_context(smtp_sink())
        redis.Redis.from_url(args.redis).flushdb()
        env = environment(database_url, args.redis, smtp_port, work)
        targets = work / "targets.json"
        prepare(args, env, targets)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        step(f"gunicorn ({args.workers} workers) on {base}, one task worker")
        gunicorn = [sys.executable, "-m", "gunicorn", "allo_mairie.wsgi", "--bind", f"127.0.0.1:{port}",
                    "--workers", str(args.workers)]  # fmt: skip
        stack.enter_context(started(gunicorn, env, work / "gunicorn.log"))
        worker = [sys.executable, "manage.py", "db_worker", "--interval", "1", "--no-reload"]
        stack.enter_context(started(worker, env, work / "worker.log"))
        wait_for(base + "/connexion/")
        results = work / "results.json"
        locust_env = {
            **env,
            "LOAD_TARGETS": str(targets),
            "LOAD_RESULTS": str(results),
            "LOAD_AGENTS": str(args.agents),
            "LOAD_CELLS": str(args.cells),
            "LOAD_CITIZENS": str(args.citizens),
            "LOAD_LOGIN_WINDOW": str(args.login_window),
            "LOAD_STEADY": str(args.steady),
            "LOAD_THINK": str(args.think),
        }
        step(
            f"locust: {args.citizens} citizens, then {args.agents} agents and {args.cells} cell users "
            f"logging in within {args.login_window:.0f} s, then {args.steady:.0f} s of steady state "
            f"(think times × {args.think:g})"
        )
        subprocess.run(
            [str(args.locust), "-f", str(HERE / "locustfile.py"), "--headless", "--host", base,
             "--only-summary", "--loglevel", "WARNING"],
            env=locust_env, cwd=HERE, check=False, timeout=args.steady + args.login_window + 120,
        )  # fmt: skip
        time.sleep(5)  # the last acknowledgements leave the worker
        report(json.loads(results.read_text()))
        problems = check_data(env, received)
        server_errors = (work / "gunicorn.log").read_text(errors="replace").count("Traceback")
        if server_errors:
            problems.append(f"{server_errors} traceback(s) in the gunicorn log")
        print(
            "data checks: "
            + ("; ".join(problems) if problems else "no duplicate reference, notice or e-mail")
        )
        return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
