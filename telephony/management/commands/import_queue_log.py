"""manage.py import_queue_log PATH [PATH…] [--final] [--db-csv] [--csv-mapping F=COL,…]:
incremental queue_log import, or a generic CSV of another platform with a column mapping.
Ctrl+C stops it cleanly: the file being imported is undone, as any failed import."""

from __future__ import annotations

import sys
import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.management.base import BaseCommand, CommandError

from core.database import refresh_statistics
from telephony import services


class Command(BaseCommand):
    help = "Import Asterisk queue_log files (a file or a directory), incrementally."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+")
        parser.add_argument(
            "--final",
            action="store_true",
            help="Close every call still open at the end as incomplete (no more lines will come).",
        )
        parser.add_argument("--db-csv", action="store_true", help="CSV export of the queue_log table.")
        parser.add_argument("--tz", default="Europe/Paris", help="Time zone of database-form times.")
        parser.add_argument(
            "--csv-mapping",
            metavar="FIELD=COLUMN,…",
            help=(
                "Generic CSV of another platform (one row per queue passage): the column of each field, "
                "e.g. 'callid=Id,queue=File,start=Debut,wait=Attente,talk=Duree,outcome=Issue,agent=Agent' "
                "(queue, start, wait and outcome are required)."
            ),
        )
        parser.add_argument(
            "--delimiter", default=",", help="Column separator of the generic CSV (',', ';', 'tab')."
        )

    def handle(self, *args, **options):
        paths = options["paths"]
        mapping = None
        delimiter = "\t" if options["delimiter"] == "tab" else options["delimiter"]
        if len(delimiter) != 1 or delimiter in '"\r\n':
            raise CommandError("the delimiter must be one character (or 'tab'), not a quote or a newline")
        try:
            ZoneInfo(options["tz"])
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CommandError(f"unknown time zone {options['tz']!r} (e.g. Europe/Paris)") from exc
        if options["csv_mapping"]:
            try:
                mapping = services.parse_csv_mapping(options["csv_mapping"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        started = time.monotonic()
        interactive = self.stdout.isatty() if hasattr(self.stdout, "isatty") else False

        def progress(done: int, size: int, report) -> None:
            share = 100 * done / size if size else 100
            line = f"\r{share:5.1f} %  {report.lines_read:>10} lines  {report.calls:>8} calls"
            if interactive:
                self.stdout.write(line, ending="")
                sys.stdout.flush()

        for path in paths:
            try:
                if mapping is not None:
                    runs = [
                        services.import_generic_csv_file(path, mapping, delimiter=delimiter, tz=options["tz"])
                    ]
                elif options["db_csv"]:
                    runs = [services.import_db_csv(path, tz=options["tz"])]
                else:
                    runs = services.import_path(path, final=options["final"], progress=progress)
            except (OSError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
            except KeyboardInterrupt:  # the import undid what it had written (all or nothing)
                raise CommandError(
                    f"interrupted: nothing of the file being imported from {path} was kept "
                    "(files imported before it are); run the command again to import it"
                ) from None
            if interactive:
                self.stdout.write("")
            for run in runs:
                report = run.report
                if report.get("up_to_date"):
                    self.stdout.write(f"{run.file_name}: already up to date, nothing added")
                    continue
                self.stdout.write(
                    f"{run.file_name}: {report['lines_read']} lines read, "
                    f"{report['passages']} queue passages, "
                    f"{report['calls']} calls, {report['skipped_count']} lines skipped, "
                    f"{report['unknown_closed']} passages without end"
                )
                for lineno, reason in report["skipped"][:20]:
                    self.stdout.write(f"  line {lineno}: {reason}")
                if report["skipped_count"] > 20:
                    self.stdout.write(f"  … and {report['skipped_count'] - 20} more")
                if report["unknown_events"]:
                    events = ", ".join(f"{k} ×{v}" for k, v in sorted(report["unknown_events"].items()))
                    self.stdout.write(f"  unknown events kept aside: {events}")
        refresh_statistics()  # planner statistics for the new rows (core.database)
        self.stdout.write(f"done in {time.monotonic() - started:.1f} s")
