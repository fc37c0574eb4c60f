"""Carry out the approved withdrawals whose date has come (idempotent; run daily from cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from committee.services import apply_due_withdrawals


class Command(BaseCommand):
    help = "Deactivate the request types whose withdrawal the committee approved, on their date."

    def handle(self, *args, **options) -> None:
        count = apply_due_withdrawals()
        self.stdout.write(f"{count} withdrawal(s) applied")
