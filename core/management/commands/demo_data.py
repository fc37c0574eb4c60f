"""Create the Marseille demonstration: bodies, cells, one user per role, the nomenclature,
a year of fiches. `make run` calls it with --if-empty on every start."""

from __future__ import annotations

import time
from datetime import timedelta

from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.demo import demo_secret, enrol_demo_users
from catalogue.demo import load_demo_nomenclature
from committee.demo import create_demo_committee
from correspondence.demo import send_demo_notices
from cti.demo import create_demo_stations
from fiches.demo import generate_fiches, link_calls_to_fiches
from finance.demo import create_demo_finance
from organisations.demo import DEMO_PASSWORD, DEMO_USERS, create_organisations, create_users
from organisations.models import Body
from telephony.demo import generate_demo_calls


class Command(BaseCommand):
    help = "Load the demonstration data (Marseille: City + Métropole) and print the demo logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if data already exists.")
        parser.add_argument("--fiches", type=int, default=6000, help="Number of fiches over the last year.")
        parser.add_argument("--call-days", type=int, default=365, help="Days of telephone calls to generate.")

    def handle(
        self, *args, if_empty: bool = False, fiches: int = 6000, call_days: int = 365, **options
    ) -> None:
        if not (if_empty and Body.objects.exists()):
            with disable_auditlog():  # a generated year is not a history of changes
                self._load(fiches, call_days)
        self._print_logins()

    def _load(self, fiches: int, call_days: int) -> None:
        started = time.monotonic()
        self.stdout.write("Creating the demonstration data (about a minute)…")
        bodies = create_organisations()
        create_users(bodies)
        enrolled = enrol_demo_users()
        self.stdout.write(f"  second factor: the demo authenticator for {', '.join(enrolled)}")
        admin = get_user_model().objects.get(username="admin")
        # The demo nomenclature has been in force since before the year of demo fiches.
        since = timezone.now() - timedelta(days=400)
        report = load_demo_nomenclature(user=admin, effective_from=since)
        self.stdout.write(f"  nomenclature: {len(report.created)} request types")
        agents = list(get_user_model().objects.filter(username__in=["agent", "agent2"]))
        created = generate_fiches(fiches, agents=agents)
        self.stdout.write(f"  fiches: {created}")
        self.stdout.write(f"  notices to citizens queued: {send_demo_notices()}")
        _report, calls = generate_demo_calls(days=call_days, calls_per_year=40_000)
        linked = link_calls_to_fiches(calls)
        self.stdout.write(f"  telephone calls: a year imported; {linked} phone fiches linked to their call")
        orders = create_demo_finance(bodies, timezone.localdate())
        self.stdout.write(f"  convention: financial sheets, first year's key, {orders} revenue orders")
        self.stdout.write(f"  monitoring committee: 2 members, {create_demo_committee(bodies)} meetings")
        self.stdout.write(f"  telephones: {create_demo_stations()} agents' stations (extensions 1001, 1002)")
        self.stdout.write(f"Done in {time.monotonic() - started:.0f} s.")

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"  Demo logins (password for all: {DEMO_PASSWORD}):")
        for demo in DEMO_USERS:
            scope = demo.directorate or ("Ville" if demo.body == "city" else "Métropole")
            self.stdout.write(f"    {demo.username:<20} {demo.role:<14} {scope}")
        self.stdout.write("")
        self.stdout.write(
            "  A call ringing the agent's telephone (banner on their pages, wallboard):"
            " .venv/bin/python manage.py telephony_simulate --extension 1001"
        )
        self.stdout.write(
            "  Second factor (administrator, supervisor, finance, committee): add this demo secret"
        )
        self.stdout.write(f"  to an authenticator application: {demo_secret()}")
        self.stdout.write("  or print the current code with: .venv/bin/python manage.py demo_totp")
