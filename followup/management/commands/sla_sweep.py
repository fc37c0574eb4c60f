"""Send the due reminders, overdue alerts, escalations and unacknowledged alerts once.

Run it every few minutes from cron or a systemd timer (see docs/followup.md);
``--loop SECONDS`` keeps it running for development.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from followup.sweep import run_sweep


class Command(BaseCommand):
    help = "Reminders, overdue alerts and escalations of fiches (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS", help="Repeat every SECONDS.")

    def handle(self, *args, loop: int = 0, **options) -> None:
        while True:
            result = run_sweep()
            self.stdout.write(
                f"sweep {result.run}: {result.total} alert(s) "
                + " ".join(f"{k}={v}" for k, v in sorted(result.inserted.items()))
                + f", {result.tasks} e-mail task(s)"
            )
            if not loop:
                return
            time.sleep(loop)
