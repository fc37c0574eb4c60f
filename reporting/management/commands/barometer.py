"""The service barometer's figures on the command line, for analysts (all fiches)."""

from __future__ import annotations

import csv
import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reporting import exports
from reporting.forms import BarometerForm
from reporting.selectors import DIMENSIONS, EVERY_FIGURE, barometer


class Command(BaseCommand):
    help = "Print the service barometer (the same figures as the page) as JSON or CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--by", choices=sorted(DIMENSIONS), default="month")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, **options) -> None:
        form = BarometerForm(
            {"date_from": options["date_from"], "date_to": options["date_to"], "by": options["by"]},
            today=date.today(),
        )
        if not form.is_valid():
            raise CommandError(" ".join(str(e) for errors in form.errors.values() for e in errors))
        result = barometer(EVERY_FIGURE, form.period, options["by"])
        records = exports.records(result)
        if options["format"] == "json":
            payload = {
                "from": form.period.start.isoformat(),
                "to": form.period.end.isoformat(),
                "by": options["by"],
                "rows": records,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        names = ["key", "label", *(name for name, _, _ in exports.COLUMNS)]
        writer.writerow(names)
        for record in records:
            writer.writerow(["" if record[n] is None else record[n] for n in names])
