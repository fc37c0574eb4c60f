"""Propose the committee's quarterly meetings from the convention's date (A7.2)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from committee.services import schedule_quarterly


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from exc


class Command(BaseCommand):
    help = "Create the quarterly meetings every three months from the convention's date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="the convention's date, YYYY-MM-DD")
        parser.add_argument("--until", required=True, help="last day to schedule, YYYY-MM-DD")
        parser.add_argument("--hour", type=int, default=10, choices=range(7, 20))

    def handle(self, *args, **options) -> None:
        start, until = _day(options["start"]), _day(options["until"])
        if until < start or (until - start).days > 3660:
            raise CommandError("--until must follow --from, within ten years")
        meetings = schedule_quarterly(start, until, hour=options["hour"])
        for meeting in meetings:
            self.stdout.write(str(meeting))
        self.stdout.write(f"{len(meetings)} meeting(s) created")
