"""Send the renewal warnings of the conventions that are due (idempotent).

Run it once a day from cron or a systemd timer (see docs/finance.md).
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from agreements.sweep import run_renewal_sweep


class Command(BaseCommand):
    help = "Renewal warnings of partnership conventions (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help="Run as if on this day (AAAA-MM-JJ), for tests and catch-up.")

    def handle(self, *args, today: str | None = None, **options) -> None:
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"Date attendue au format AAAA-MM-JJ : {today!r}") from error
        result = run_renewal_sweep(day)
        self.stdout.write(f"agreements sweep {day}: {result.checked} convention(s), {result.sent} e-mail(s)")
