"""Put narrow no-break spaces before « : ; ? ! » in every French catalogue of the project."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from core.typography import fix_catalogue


class Command(BaseCommand):
    help = "French typography in the project's French catalogues (narrow no-break spaces)."

    def handle(self, *args, **options) -> None:
        base = Path(settings.BASE_DIR)
        for po in sorted(base.glob("*/locale/fr/LC_MESSAGES/*.po")):
            changed = fix_catalogue(po)
            if changed:
                self.stdout.write(f"{po.relative_to(base)}: {changed}")
