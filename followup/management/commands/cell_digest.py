"""Send each cell its daily digest (once per cell and day, whatever the number of runs)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from followup.digest import run_digest


class Command(BaseCommand):
    help = "Daily digest e-mail per cell: new, due today, overdue, waiting."

    def handle(self, *args, **options) -> None:
        count = run_digest()
        self.stdout.write(f"{count} digest(s) enqueued")
