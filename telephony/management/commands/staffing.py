"""manage.py staffing --calls 100 --period 1800 --aht 180 --target 0.8 --threshold 20 …

Every parameter is checked against the bounds of ``erlang.check_parameters`` (shared with the
staffing page): a value out of them stops the command with a message and a non-zero exit."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from telephony import erlang


class Command(BaseCommand):
    help = "Agents needed for a call volume (Erlang C, or Erlang A with --patience)."

    def add_arguments(self, parser):
        parser.add_argument("--calls", type=float, required=True, help="Calls offered in the period.")
        parser.add_argument("--period", type=float, default=1800, help="Period length in seconds.")
        parser.add_argument("--aht", type=float, required=True, help="Average handling time (s).")
        parser.add_argument("--target", type=float, default=0.8, help="Target service level (0.01-0.99).")
        parser.add_argument("--threshold", type=float, default=20, help="Service-level threshold (0-3600 s).")
        parser.add_argument("--patience", type=float, help="Mean caller patience (1-3600 s): Erlang A.")
        parser.add_argument(
            "--shrinkage", type=float, default=0.0, help="Share of paid time off the phones (0-0.9)."
        )
        parser.add_argument(
            "--max-occupancy", type=float, default=1.0, help="Highest share of time on calls (0.1-1)."
        )

    def handle(self, **o):
        try:
            plan = erlang.staffing(
                o["calls"],
                o["period"],
                o["aht"],
                o["target"],
                o["threshold"],
                patience=o["patience"],
                shrinkage=o["shrinkage"],
                max_occupancy=o["max_occupancy"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        r = plan.result
        model = "Erlang A" if o["patience"] else "Erlang C"
        lines = [
            f"model: {model}",
            f"traffic intensity: {plan.load:.2f} Erlangs",
            f"agents needed: {plan.agents_needed}",
            f"agents to schedule (shrinkage {o['shrinkage']:.0%}): {plan.scheduled}",
            f"service level ({o['threshold']:g} s): {r.service_level:.2%}",
            f"probability of waiting: {r.wait_probability:.2%}",
            f"average speed of answer: {r.asa:.1f} s"
            if not o["patience"]
            else f"average wait (all callers): {r.asa:.1f} s",
            f"occupancy: {r.occupancy:.2%}",
        ]
        if o["patience"]:
            lines.append(f"abandon probability: {r.abandon_probability:.2%}")
        self.stdout.write("\n".join(lines))
