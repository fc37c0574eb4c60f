"""manage.py retention_sweep: purge technical data past its rule, carry out the approved
elimination lists in batches, propose a new list of the fiches due (waiting for the visa)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand

from core.exports import escape_cell
from privacy import documents, sweep


class Command(BaseCommand):
    help = "Retention of personal data: propose the elimination list, anonymise after the archives' visa."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", type=Path, help="Write the new list's PDF and CSV in this folder.")

    def handle(self, *args, output: Path | None = None, **options) -> None:
        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  anonymised {done}/{total}")

        report = sweep.run(progress=progress)
        for kind, count in report.purged.items():
            self.stdout.write(f"Purged {kind}: {count}")
        self.stdout.write(f"Fiches anonymised (approved lists): {report.anonymised}")
        if report.proposed:
            self.stdout.write(
                f"New elimination list no. {report.proposed.pk}: {report.proposed.total} fiches, "
                "waiting for the archives service's visa (admin: Personal data › Elimination lists)."
            )
            if output:
                self._write(report.proposed, output)
        for pending in report.pending:
            if pending != report.proposed:
                self.stdout.write(f"List no. {pending.pk} ({pending.total} fiches) still waits for its visa.")

    def _write(self, listing, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        stem = folder / f"elimination-{listing.pk}"
        stem.with_suffix(".pdf").write_bytes(documents.pdf_bytes(listing))
        with stem.with_suffix(".csv").open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(documents.header())
            writer.writerows([escape_cell(v) for v in row] for row in documents.rows(listing))
        self.stdout.write(f"  written: {stem}.pdf, {stem}.csv")
