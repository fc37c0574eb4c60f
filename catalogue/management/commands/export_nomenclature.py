from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalogue.importexport import export_nomenclature


class Command(BaseCommand):
    help = "Export the nomenclature in force to PATH (.xlsx or .csv, from the extension)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--all-versions", action="store_true", help="Every version, with its history")

    def handle(self, *args, **options) -> None:
        path: Path = options["path"]
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            raise CommandError("The file name must end in .xlsx or .csv.")
        path.write_bytes(export_nomenclature(fmt, all_versions=options["all_versions"]))
        self.stdout.write(f"Exported to {path}")
