"""manage.py telephony_report --from 2025-03-01 --to 2025-03-31 --queue Q --interval 30 --format json|csv"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from telephony import erlang, exports, selectors
from telephony.forms import FIRST_DAY, LAST_DAY
from telephony.kpi import SL_FORMULAS
from telephony.models import Queue


class Command(BaseCommand):
    help = "Print telephone KPIs per interval (15, 30, 60 minutes, day, week, month, slot, queue)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, help="First day (YYYY-MM-DD).")
        parser.add_argument("--to", dest="date_to", required=True, help="Last day (YYYY-MM-DD), included.")
        parser.add_argument("--queue", action="append", default=[], help="Queue name (repeatable).")
        parser.add_argument("--interval", default="day", choices=[*selectors.INTERVALS, "queue"])
        parser.add_argument("--by-queue", action="store_true", help="One row per queue and interval.")
        parser.add_argument(
            "--all-hours", action="store_true", help="Every call, not only those within opening hours."
        )
        parser.add_argument("--formula", choices=sorted(SL_FORMULAS), help="Service-level formula.")
        parser.add_argument("--threshold", type=int, help="Service-level threshold in seconds.")
        parser.add_argument("--format", default="json", choices=["json", "csv"])

    def handle(self, **o):
        try:
            start, end = date.fromisoformat(o["date_from"]), date.fromisoformat(o["date_to"])
        except ValueError as exc:
            raise CommandError("dates must be YYYY-MM-DD") from exc
        if not FIRST_DAY <= start <= end <= LAST_DAY:
            raise CommandError(f"the period must run forwards, within {FIRST_DAY} to {LAST_DAY}")
        if o["threshold"] is not None and not 0 <= o["threshold"] <= erlang.THRESHOLD_MAX:
            raise CommandError(f"the threshold must be from 0 to {erlang.THRESHOLD_MAX} seconds")
        filters = selectors.Filters(date_from=start, date_to=end, in_hours_only=not o["all_hours"])
        if o["queue"]:
            queues = dict(Queue.objects.filter(name__in=o["queue"]).values_list("name", "id"))
            missing = sorted(set(o["queue"]) - set(queues))
            if missing:
                raise CommandError(f"unknown queue(s): {', '.join(missing)}")
            filters.queue_ids = list(queues.values())
        if o["formula"]:
            filters.formula = o["formula"]
        if o["threshold"] is not None:
            filters.threshold = o["threshold"]
        rows = selectors.kpi_rows(filters, o["interval"], by_queue=o["by_queue"])
        if o["format"] == "csv":
            self.stdout.write(exports.to_csv(rows, o["interval"], filters.formula), ending="")
            return
        meta = {
            "from": start.isoformat(),
            "to": end.isoformat(),
            "queues": o["queue"] or "all",
            "interval": o["interval"],
            "calls": "all" if o["all_hours"] else "within opening hours",
            "out_of_hours": selectors.out_of_hours(filters),
            "sl_formula": filters.formula,
            "sl_threshold": filters.threshold,
            "short_abandon_threshold": filters.short_threshold,
            "total": {k: exports._clean(v) for k, v in selectors.totals(filters).items() if k != "counters"},
        }
        self.stdout.write(exports.to_json(rows, meta))
