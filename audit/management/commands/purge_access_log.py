"""Delete access-log records older than AUDIT_ACCESS_RETENTION_DAYS (idempotent, for cron)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from audit.services import purge_access_log


class Command(BaseCommand):
    help = "Delete the access log's records older than its retention period (AUDIT_ACCESS_RETENTION_DAYS)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="Keep this many days instead of the setting."
        )

    def handle(self, *args, days: int | None = None, **options) -> None:
        if days is not None and days < 0:
            self.stderr.write("--days must be 0 or more.")
            raise SystemExit(2)
        deleted = purge_access_log(days=days)
        kept = settings.AUDIT_ACCESS_RETENTION_DAYS if days is None else days
        self.stdout.write(f"{deleted} access records older than {kept} days deleted.")
