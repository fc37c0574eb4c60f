from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from places.ban import LayoutError
from places.services import import_release


class Command(BaseCommand):
    help = (
        "Load a Base Adresse Nationale 'adresses' CSV (adresses-13.csv or .csv.gz): Marseille's "
        "addresses replace the current reference in one transaction; bad lines are listed and skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        if not file.is_file():
            raise CommandError(f"{file}: no such file")

        def progress(lines: int) -> None:
            self.stdout.write(f"{lines} lines read…")
            self.stdout.flush()

        try:
            report = import_release(file, progress)
        except (LayoutError, UnicodeDecodeError, OSError) as error:
            raise CommandError(f"{file}: not imported, nothing changed ({error})") from error
        for number, message in report.bad:
            self.stderr.write(f"line {number}: {message} (skipped)")
        if report.bad_count > len(report.bad):
            self.stderr.write(f"… and {report.bad_count - len(report.bad)} more bad lines")
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.addresses} addresses in {report.streets} streets and lieux-dits "
                f"({report.lines} lines read, {report.outside} outside Marseille, "
                f"{report.bad_count} bad lines skipped)."
            )
        )
