from __future__ import annotations

from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalogue.forms import MAX_UPLOAD
from catalogue.importexport import import_nomenclature
from catalogue.models import RequestTypeVersion
from catalogue.services import effective_moment, text_error


class Command(BaseCommand):
    help = "Import the nomenclature from an XLSX or CSV file: all rows or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--effective-from", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
        parser.add_argument("--reason", default="", help="Why the nomenclature changes (kept in history)")
        parser.add_argument("--user", default=None, help="Username recorded as author of the new versions")
        parser.add_argument("--dry-run", action="store_true", help="Validate and report, change nothing")

    def handle(self, *args, **options) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > MAX_UPLOAD:
            raise CommandError(f"The file is larger than {MAX_UPLOAD // (1024 * 1024)} MB: split it.")
        problem = text_error(options["reason"], RequestTypeVersion._meta.get_field("reason").max_length)
        if problem:
            raise CommandError(f"--reason: {problem}")
        try:
            effective = effective_moment(options["effective_from"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Unknown user: {options['user']}")
        report = import_nomenclature(
            path.read_bytes(),
            path.name,
            user=user,
            reason=options["reason"],
            effective_from=effective,
            dry_run=options["dry_run"],
        )
        for error in report.errors:
            self.stderr.write(str(error))
        if not report.ok:
            raise CommandError(f"{len(report.errors)} error(s): nothing was changed.")
        prefix = "[dry run] " if report.dry_run else ""
        self.stdout.write(
            f"{prefix}{report.rows} rows: {len(report.created)} created, "
            f"{len(report.new_versions)} new versions, {len(report.unchanged)} unchanged, "
            f"{len(report.families_created)} families created."
        )
        for code in report.new_versions:
            changed = ", ".join(report.changes.get(code, []))
            self.stdout.write(f"  new version: {code}" + (f" ({changed})" if changed else ""))
