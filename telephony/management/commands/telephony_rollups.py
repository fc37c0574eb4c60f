"""manage.py telephony_rollups [--all]: roll up the days whose passages changed (or every day)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from telephony import rollups


class Command(BaseCommand):
    help = (
        "Rebuild the per-quarter-hour rollups of the telephone figures for the days marked stale "
        "(the import does it when it ends); --all rebuilds every day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Rebuild every day with calls.")

    def handle(self, *args, **options):
        if options["all"]:
            rollups.mark_all()
        days = rollups.refresh()
        self.stdout.write(_("%(days)s days rolled up.") % {"days": days})
